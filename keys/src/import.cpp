#include "ukpu/keys/import.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include "ukpu/base/counted.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::keys {

namespace {

namespace sb = ukpu::setupbin;

constexpr std::size_t max_mebx_password = 32;

// The fields ukpu reads; every other column is ignored.
enum class Field { pid, pps, current_password, new_password, used, state, other };

const char* field_name(Field f) {
    switch (f) {
        case Field::pid:
            return "pid";
        case Field::pps:
            return "pps";
        case Field::current_password:
            return "current_password";
        case Field::new_password:
            return "new_password";
        case Field::used:
            return "used";
        case Field::state:
            return "state";
        case Field::other:
            break;
    }
    return "other";
}

// A column or key name as compared: trimmed, lower case, spaces and dashes as underscores.
std::string normal_name(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '-')
            out += '_';
        else
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto b = out.find_first_not_of('_');
    if (b == std::string::npos) return {};
    return out.substr(b, out.find_last_not_of('_') - b + 1);
}

// The names other tools give the columns (Intel SCS's admin_password is the new MEBx password).
Field field_of(std::string_view column) {
    static const std::map<std::string, Field, std::less<>> names = {
        {"pid", Field::pid},
        {"provisioning_id", Field::pid},
        {"provisioningid", Field::pid},
        {"pps", Field::pps},
        {"passphrase", Field::pps},
        {"provisioning_passphrase", Field::pps},
        {"provisioning_pass_phrase", Field::pps},
        {"current_password", Field::current_password},
        {"currentpassword", Field::current_password},
        {"current_mebx_password", Field::current_password},
        {"old_password", Field::current_password},
        {"new_password", Field::new_password},
        {"newpassword", Field::new_password},
        {"new_mebx_password", Field::new_password},
        {"admin_password", Field::new_password},
        {"adminpassword", Field::new_password},
        {"used", Field::used},
        {"consumed", Field::used},
        {"state", Field::state},
    };
    const auto it = names.find(normal_name(column));
    return it == names.end() ? Field::other : it->second;
}

std::string where_of(const std::string& name, std::size_t line) {
    return name + ": line " + std::to_string(line);
}

std::string where_of(const std::string& name, std::size_t line, Field f) {
    return where_of(name, line) + ", " + field_name(f);
}

[[noreturn]] void malformed(const std::string& where, const std::string& message) {
    throw Error(ErrorCode::bad_input, message, where);
}

std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

std::string without_dashes(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '-') out += c;
    return out;
}

// One record of the file, its fields by what they are.
struct RawRecord {
    std::size_t line = 0;
    std::map<Field, std::string> values;
};

// The truth of a used column: 1/0, true/false, yes/no, empty for 0.
bool used_value(const std::string& text, const std::string& where) {
    const std::string v = normal_name(trimmed(text));
    if (v.empty() || v == "0" || v == "false" || v == "no") return false;
    if (v == "1" || v == "true" || v == "yes") return true;
    malformed(where, "'" + trimmed(text) + "' is neither 0 nor 1");
}

ImportedPair checked_pair(const RawRecord& rec, const std::string& name) {
    ImportedPair p;
    p.line = rec.line;
    for (const Field f : {Field::pid, Field::pps}) {
        const auto it = rec.values.find(f);
        const std::string text = it == rec.values.end() ? std::string() : trimmed(it->second);
        const std::string stored = without_dashes(text);
        const std::string problem =
            f == Field::pid ? sb::pid_problem(stored) : sb::pps_problem(stored);
        if (!problem.empty()) malformed(where_of(name, rec.line, f), problem);
        (f == Field::pid ? p.pid : p.pps) = stored;
    }
    if (auto it = rec.values.find(Field::current_password);
        it != rec.values.end() && !it->second.empty())
        p.current_password = it->second;
    if (auto it = rec.values.find(Field::new_password);
        it != rec.values.end() && !it->second.empty())
        p.new_password = it->second;
    if (auto it = rec.values.find(Field::used); it != rec.values.end())
        p.used = used_value(it->second, where_of(name, rec.line, Field::used));
    // ukpu's own csv and json exports say the state: a consumed record is used.
    if (auto it = rec.values.find(Field::state); it != rec.values.end())
        p.used = p.used || normal_name(trimmed(it->second)) == "consumed";
    return p;
}

// ---- CSV (RFC 4180) ----

struct CsvRecord {
    std::size_t line = 0;  // where it starts
    std::vector<std::string> fields;
};

bool line_end(char c) {
    return c == '\r' || c == '\n';
}

// The separator the first line uses outside quotes: the most frequent of comma, semicolon and
// tab (a comma when none is there).
char separator_of(std::string_view text) {
    std::array<std::size_t, 3> counts{};
    constexpr std::array<char, 3> seps = {',', ';', '\t'};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (line_end(c)) break;
        for (std::size_t i = 0; i < seps.size(); ++i)
            if (c == seps[i]) ++counts[i];
    }
    const auto best = std::max_element(counts.begin(), counts.end());
    return *best == 0 ? ',' : seps[static_cast<std::size_t>(best - counts.begin())];
}

// Every record of `text`: fields split at `sep`, a field in double quotes may hold the separator,
// line breaks and quotes (doubled); records end at CRLF, LF or CR.
std::vector<CsvRecord> csv_records(std::string_view text, char sep, const std::string& name) {
    std::vector<CsvRecord> out;
    const std::size_t n = text.size();
    std::size_t i = 0;
    std::size_t line = 1;
    auto skip_line_end = [&] {
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
    };
    while (i < n) {
        CsvRecord rec;
        rec.line = line;
        for (;;) {
            std::string field;
            // Blanks before an opening quote are not part of the field.
            std::size_t j = i;
            while (j < n && (text[j] == ' ' || text[j] == '\t') && text[j] != sep) ++j;
            if (j < n && text[j] == '"') {
                const std::size_t opened = line;
                i = j + 1;
                for (;;) {
                    if (i >= n)
                        malformed(where_of(name, opened),
                                  "field " + std::to_string(rec.fields.size() + 1) +
                                      " opens a quote that is never closed");
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line;
                    field += c;
                    ++i;
                }
                while (i < n && (text[i] == ' ' || text[i] == '\t') && text[i] != sep) ++i;
                if (i < n && text[i] != sep && !line_end(text[i]))
                    malformed(where_of(name, line), "field " +
                                                        std::to_string(rec.fields.size() + 1) +
                                                        " has text after its closing quote");
            } else {
                while (i < n && text[i] != sep && !line_end(text[i])) {
                    if (text[i] == '"')
                        malformed(where_of(name, line),
                                  "field " + std::to_string(rec.fields.size() + 1) +
                                      " has a quote but does not start with one (quote the "
                                      "whole field and double the quotes in it)");
                    field += text[i++];
                }
            }
            rec.fields.push_back(std::move(field));
            if (i >= n) break;
            if (text[i] == sep) {
                ++i;
                continue;
            }
            skip_line_end();
            break;
        }
        out.push_back(std::move(rec));
    }
    return out;
}

bool blank(const CsvRecord& r) {
    return std::all_of(r.fields.begin(), r.fields.end(),
                       [](const std::string& f) { return trimmed(f).empty(); });
}

// csti_pid_map's columns, in the order Intel SCS and `keys export --format scs-csv` have them.
constexpr std::array<const char*, 6> scs_columns = {
    "id", "pid", "pps", "current_password", "admin_password", "used"};

std::vector<RawRecord> read_csv(std::string_view text, const std::string& name,
                                ImportFormat& format) {
    std::vector<CsvRecord> records = csv_records(text, separator_of(text), name);
    records.erase(std::remove_if(records.begin(), records.end(), blank), records.end());
    if (records.empty()) malformed(name, "holds no records (an empty file)");

    const CsvRecord& first = records.front();
    std::vector<Field> columns;
    std::set<std::string> names;
    bool header = false;
    for (const auto& f : first.fields) {
        columns.push_back(field_of(f));
        names.insert(normal_name(trimmed(f)));
        header = header || columns.back() != Field::other;
    }
    const bool scs_names = names == std::set<std::string>(scs_columns.begin(), scs_columns.end());
    std::size_t data_from = 1;
    if (!header) {
        // csti_pid_map rows without their header line.
        if (format == ImportFormat::csv || first.fields.size() != scs_columns.size())
            malformed(where_of(name, first.line),
                      "no header naming the pid and pps columns (a first line such as "
                      "'pid,pps,current_password,new_password'; Intel SCS's csti_pid_map rows "
                      "without one have 6 fields: " +
                          std::string("id,pid,pps,current_password,admin_password,used)"));
        columns.clear();
        for (const char* c : scs_columns) columns.push_back(field_of(c));
        data_from = 0;
        format = ImportFormat::scs_csv;
    } else if (format == ImportFormat::automatic) {
        format = scs_names ? ImportFormat::scs_csv : ImportFormat::csv;
    }
    for (const Field want : {Field::pid, Field::pps})
        if (std::find(columns.begin(), columns.end(), want) == columns.end())
            malformed(where_of(name, first.line),
                      std::string("the header names no ") + field_name(want) + " column");
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c] == Field::other) continue;
        for (std::size_t d = c + 1; d < columns.size(); ++d)
            if (columns[d] == columns[c])
                malformed(where_of(name, first.line), "columns " + std::to_string(c + 1) + " and " +
                                                          std::to_string(d + 1) + " are both " +
                                                          field_name(columns[c]));
    }

    std::vector<RawRecord> out;
    out.reserve(records.size());
    for (std::size_t r = data_from; r < records.size(); ++r) {
        CsvRecord& rec = records[r];
        if (rec.fields.size() != columns.size())
            malformed(where_of(name, rec.line),
                      base::counted(rec.fields.size(), "field") + ", but " +
                          (header ? "the header names " : "csti_pid_map rows have ") +
                          std::to_string(columns.size()));
        RawRecord raw;
        raw.line = rec.line;
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (columns[c] != Field::other) raw.values[columns[c]] = std::move(rec.fields[c]);
        out.push_back(std::move(raw));
    }
    return out;
}

// ---- JSON ----

// A char iterator that counts the line breaks it passes: the JSON parser reads through it, so
// that each object knows the line its '{' is on.
class LineCountingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    LineCountingIterator(const char* p, std::size_t* breaks) : p_(p), breaks_(breaks) {}
    reference operator*() const { return *p_; }
    LineCountingIterator& operator++() {
        if (*p_ == '\n') ++*breaks_;
        ++p_;
        return *this;
    }
    LineCountingIterator operator++(int) {
        LineCountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const LineCountingIterator& o) const { return p_ == o.p_; }
    bool operator!=(const LineCountingIterator& o) const { return p_ != o.p_; }

private:
    const char* p_;
    std::size_t* breaks_;
};

// The key under which each parsed object keeps the line it starts on (no real key holds a
// control character).
constexpr const char* line_key = "\x01line";

// The parser's message without what it last read (which may be a secret).
std::string parse_problem(const nlohmann::json::parse_error& e) {
    std::string m = e.what();
    if (auto at = m.find(": ", m.find("column")); at != std::string::npos) m = m.substr(at + 2);
    if (auto last = m.find("; last read"); last != std::string::npos) m.erase(last);
    return m;
}

std::size_t line_at(std::string_view text, std::size_t byte) {
    const std::size_t end = std::min(byte, text.size());
    return 1 + static_cast<std::size_t>(
                   std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

// A value as text: a string, null as empty, and for `used` a number or a truth value too.
std::string json_text(const nlohmann::json& v, Field f, const std::string& where) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    if (f == Field::used && (v.is_number_integer() || v.is_boolean())) return v.dump();
    malformed(where, "is " + std::string(v.type_name()) + ", not a string");
}

std::vector<RawRecord> read_json(std::string_view text, const std::string& name) {
    std::size_t breaks = 0;
    std::vector<std::size_t> starts;  // lines of the objects open now
    const nlohmann::json::parser_callback_t note_lines =
        [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            if (event == nlohmann::json::parse_event_t::object_start) {
                starts.push_back(breaks + 1);
            } else if (event == nlohmann::json::parse_event_t::object_end) {
                parsed[line_key] = starts.back();
                starts.pop_back();
            }
            return true;
        };
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(LineCountingIterator(text.data(), &breaks),
                                    LineCountingIterator(text.data() + text.size(), &breaks),
                                    note_lines);
    } catch (const nlohmann::json::parse_error& e) {
        malformed(where_of(name, line_at(text, e.byte == 0 ? 0 : e.byte - 1)),
                  "not valid JSON: " + parse_problem(e));
    }
    const nlohmann::json* list = &doc;
    if (doc.is_object()) {
        list = nullptr;
        for (const auto& [key, value] : doc.items())
            if (normal_name(key) == "records" || normal_name(key) == "pairs") list = &value;
        if (!list)
            malformed(where_of(name, 1),
                      "a JSON object without \"records\" (ukpu's `keys export --format json` "
                      "has them there)");
    }
    if (!list->is_array()) malformed(where_of(name, 1), "\"records\" is not an array of records");
    if (list->empty()) malformed(name, "holds no records");
    std::vector<RawRecord> out;
    out.reserve(list->size());
    std::size_t index = 0;
    for (const auto& item : *list) {
        ++index;
        if (!item.is_object())
            malformed(name + ": record " + std::to_string(index),
                      "is " + std::string(item.type_name()) + ", not an object");
        RawRecord raw;
        raw.line = item.at(line_key).get<std::size_t>();
        for (const auto& [key, value] : item.items()) {
            if (key == line_key) continue;
            const Field f = field_of(key);
            if (f == Field::other) continue;
            if (raw.values.count(f))
                malformed(where_of(name, raw.line), std::string("two keys are ") + field_name(f) +
                                                        " (one is \"" + key + "\")");
            raw.values[f] = json_text(value, f, where_of(name, raw.line, f));
        }
        for (const Field want : {Field::pid, Field::pps})
            if (!raw.values.count(want))
                malformed(where_of(name, raw.line),
                          std::string("the record has no ") + field_name(want));
        out.push_back(std::move(raw));
    }
    return out;
}

void check_current_password(const std::string& pw, const std::string& where) {
    if (pw.empty() || pw.size() > max_mebx_password)
        malformed(where, "the current MEBx password must be 1 to 32 bytes; it has " +
                             std::to_string(pw.size()));
}

}  // namespace

std::optional<ImportFormat> parse_import_format(std::string_view text) {
    if (text == "auto") return ImportFormat::automatic;
    if (text == "csv") return ImportFormat::csv;
    if (text == "scs-csv") return ImportFormat::scs_csv;
    if (text == "json") return ImportFormat::json;
    return std::nullopt;
}

const char* to_string(ImportFormat f) {
    switch (f) {
        case ImportFormat::automatic:
            return "auto";
        case ImportFormat::csv:
            return "csv";
        case ImportFormat::scs_csv:
            return "scs-csv";
        case ImportFormat::json:
            return "json";
    }
    return "auto";
}

ImportedFile read_pairs(std::string_view content, const std::string& name, ImportFormat format) {
    if (content.size() >= 2 && ((content[0] == '\xff' && content[1] == '\xfe') ||
                                (content[0] == '\xfe' && content[1] == '\xff')))
        malformed(where_of(name, 1), "UTF-16 text: save the file as UTF-8");
    if (content.substr(0, 3) == "\xef\xbb\xbf") content.remove_prefix(3);
    if (format == ImportFormat::automatic) {
        const auto first = content.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && (content[first] == '{' || content[first] == '['))
            format = ImportFormat::json;
    }
    ImportedFile out;
    std::vector<RawRecord> raw;
    if (format == ImportFormat::json) {
        raw = read_json(content, name);
    } else {
        raw = read_csv(content, name, format);
    }
    out.format = format;
    std::unordered_map<std::string, std::size_t> seen;
    seen.reserve(raw.size());
    out.pairs.reserve(raw.size());
    for (const auto& r : raw) {
        out.current_password_column =
            out.current_password_column || r.values.count(Field::current_password) > 0;
        out.new_password_column =
            out.new_password_column || r.values.count(Field::new_password) > 0;
        ImportedPair p = checked_pair(r, name);
        const auto [at, fresh] = seen.emplace(p.pid, p.line);
        if (!fresh)
            throw Error(ErrorCode::duplicate_pid,
                        "PID " + sb::format_pid(p.pid) + " is also on line " +
                            std::to_string(at->second) + " (a PID is one record)",
                        where_of(name, p.line, Field::pid));
        out.pairs.push_back(std::move(p));
    }
    return out;
}

NewBatch import_batch(const ImportedFile& file, const std::string& name, const std::string& source,
                      const ImportPasswords& passwords) {
    if (!passwords.current && !file.current_password_column)
        throw Error(ErrorCode::bad_argument,
                    "required: the file has no current_password column (the MEBx password the "
                    "PCs have now, 'admin' when new)",
                    "--current-password-file");
    if (!passwords.new_password && !file.new_password_column)
        throw Error(ErrorCode::bad_argument,
                    "required: the file has no new_password (or admin_password) column",
                    "--new-password-file");
    if (passwords.current) check_current_password(*passwords.current, passwords.current_from);
    if (passwords.new_password) check_new_password(*passwords.new_password, passwords.new_from);

    NewBatch batch;
    std::size_t used = 0;
    // A file holds few distinct passwords: each is judged once.
    std::set<std::string> strong;
    for (const auto& p : file.pairs) {
        if (p.used) {
            ++used;
            continue;
        }
        KeyRecord r;
        r.pid = p.pid;
        r.pps = p.pps;
        if (passwords.current) {
            r.current_password = *passwords.current;
        } else {
            const std::string where = where_of(name, p.line, Field::current_password);
            if (!p.current_password)
                malformed(where,
                          "empty; every pair needs the MEBx password its PC has now (or "
                          "give --current-password-file for all)");
            check_current_password(*p.current_password, where);
            r.current_password = *p.current_password;
        }
        if (passwords.new_password) {
            r.new_password = *passwords.new_password;
        } else {
            const std::string where = where_of(name, p.line, Field::new_password);
            if (!p.new_password)
                malformed(where,
                          "empty; every pair needs the new MEBx password (or give "
                          "--new-password-file for all)");
            if (!strong.count(*p.new_password)) {
                check_new_password(*p.new_password, where);
                strong.insert(*p.new_password);
            }
            r.new_password = *p.new_password;
        }
        batch.unplaced.push_back(std::move(r));
    }
    if (batch.unplaced.empty())
        malformed(name, "every pair of the file is marked used (a PC took it): nothing to import");

    nlohmann::ordered_json j;
    j["imported_from"] = source;
    j["format"] = to_string(file.format);
    j["count"] = batch.unplaced.size();
    j["used_left_out"] = used;
    j["current_password_from"] =
        passwords.current ? passwords.current_from.substr(0, passwords.current_from.find(' '))
                          : std::string("the file's current_password column");
    j["new_password_from"] = passwords.new_password
                                 ? passwords.new_from.substr(0, passwords.new_from.find(' '))
                                 : std::string("the file's new_password column");
    batch.settings = j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return batch;
}

void refuse_stored_pids(const KeyStore& store, const ImportedFile& file, const std::string& name) {
    for (const auto& p : file.pairs) {
        if (p.used) continue;
        if (const auto stored = store.find_pid(p.pid))
            throw Error(ErrorCode::duplicate_pid,
                        "PID " + sb::format_pid(p.pid) + " is already in the key store (record " +
                            std::to_string(stored->id) + " of batch " +
                            std::to_string(stored->batch_id) + ")",
                        where_of(name, p.line, Field::pid));
    }
}

}  // namespace ukpu::keys
