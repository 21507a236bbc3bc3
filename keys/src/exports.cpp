#include "ukpu/keys/exports.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::keys {

namespace {

// The appenders: the same text as sql_string / csv_field / std::to_string, written straight
// into the output without temporaries.
void append_sql_string(std::string& out, std::string_view value) {
    out += '\'';
    for (char c : value) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
}

void append_csv_field(std::string& out, std::string_view value) {
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// The JSON string literal of `value`: quote, backslash and control characters escaped, and every
// byte outside printable ASCII as \u00XX.
void append_json_string(std::string& out, std::string_view value) {
    out += '"';
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20 || u >= 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", u);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

// The PID or PPS as exported: stored (plain) or dashed.
template <class Append>
void append_shown(std::string& out, const std::string& plain,
                  std::string (*dashed)(std::string_view), PidForm form, Append append) {
    if (form == PidForm::dashed)
        append(out, dashed(plain));
    else
        append(out, plain);
}

constexpr const char* scs_table =
    "CREATE TABLE IF NOT EXISTS csti_pid_map (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    pid VARCHAR(64) NOT NULL,\n"
    "    pps VARCHAR(64) NOT NULL,\n"
    "    current_password VARCHAR(64) NOT NULL,\n"
    "    admin_password VARCHAR(64) NOT NULL,\n"
    "    used INTEGER NOT NULL\n"
    ");\n";

// "INSERT INTO csti_pid_map (...) VALUES (...)", without the end of the statement.
void append_insert(std::string& out, const KeyRecord& r, PidForm form) {
    out +=
        "INSERT INTO csti_pid_map (id, pid, pps, current_password, admin_password, used) "
        "VALUES (";
    append_int(out, r.id);
    out += ", ";
    append_shown(out, r.pid, setupbin::format_pid, form, append_sql_string);
    out += ", ";
    append_shown(out, r.pps, setupbin::format_pps, form, append_sql_string);
    out += ", ";
    append_sql_string(out, r.current_password);
    out += ", ";
    append_sql_string(out, r.new_password);
    out += ", ";
    append_int(out, used_flag(r));
    out += ")";
}

// Ids per DELETE statement of an upsert.
constexpr std::size_t ids_per_delete = 500;

// One CSV line: fields separated by commas as they are added, ended by CRLF when it goes.
class CsvLine {
public:
    explicit CsvLine(std::string& out) : out_(out) {}
    CsvLine(const CsvLine&) = delete;
    CsvLine& operator=(const CsvLine&) = delete;
    ~CsvLine() { out_ += "\r\n"; }
    CsvLine& text(std::string_view v) {
        separate();
        append_csv_field(out_, v);
        return *this;
    }
    // The PID or PPS as exported: stored (plain) or dashed.
    CsvLine& shown(const std::string& plain, std::string (*dashed)(std::string_view),
                   PidForm form) {
        separate();
        append_shown(out_, plain, dashed, form, append_csv_field);
        return *this;
    }
    CsvLine& number(std::int64_t v) {
        separate();
        append_int(out_, v);
        return *this;
    }

private:
    void separate() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    std::string& out_;
    bool first_ = true;
};

void append_csv_line(std::string& out, const KeyRecord& r, PidForm form) {
    CsvLine(out)
        .number(r.id)
        .shown(r.pid, setupbin::format_pid, form)
        .shown(r.pps, setupbin::format_pps, form)
        .text(r.current_password)
        .text(r.new_password)
        .number(used_flag(r));
}

void append_full_csv_line(std::string& out, const KeyRecord& r) {
    CsvLine(out)
        .number(r.id)
        .number(r.batch_id)
        .number(r.key_file_id)
        .number(r.file_index)
        .text(r.key_file)
        .number(r.record_number)
        .text(r.pid)
        .text(r.pps)
        .text(r.current_password)
        .text(r.new_password)
        .text(to_string(r.state))
        .text(r.created_at)
        .text(r.updated_at);
}

// One JSON object of an export's records array, its fields separated as they are added.
class JsonObject {
public:
    explicit JsonObject(std::string& out) : out_(out) { out_ += "    {"; }
    JsonObject(const JsonObject&) = delete;
    JsonObject& operator=(const JsonObject&) = delete;
    ~JsonObject() { out_ += '}'; }
    JsonObject& number(std::string_view key, std::int64_t v) {
        name(key);
        append_int(out_, v);
        return *this;
    }
    JsonObject& text(std::string_view key, std::string_view v) {
        name(key);
        append_json_string(out_, v);
        return *this;
    }

private:
    void name(std::string_view key) {
        if (!first_) out_ += ", ";
        first_ = false;
        out_ += '"';
        out_ += key;
        out_ += "\": ";
    }
    std::string& out_;
    bool first_ = true;
};

void append_json_object(std::string& out, const KeyRecord& r) {
    JsonObject(out)
        .number("id", r.id)
        .number("batch", r.batch_id)
        .number("key_file_id", r.key_file_id)
        .number("key_file_index", r.file_index)
        .text("key_file", r.key_file)
        .number("record_number", r.record_number)
        .text("pid", r.pid)
        .text("pps", r.pps)
        .text("current_password", r.current_password)
        .text("new_password", r.new_password)
        .text("state", to_string(r.state))
        .number("used", used_flag(r))
        .text("created_at", r.created_at)
        .text("updated_at", r.updated_at);
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view text) {
    if (text == "scs-csv") return ExportFormat::scs_csv;
    if (text == "scs-sql") return ExportFormat::scs_sql;
    if (text == "csv") return ExportFormat::csv;
    if (text == "json") return ExportFormat::json;
    return std::nullopt;
}

const char* to_string(ExportFormat f) {
    switch (f) {
        case ExportFormat::scs_csv:
            return "scs-csv";
        case ExportFormat::scs_sql:
            return "scs-sql";
        case ExportFormat::csv:
            return "csv";
        case ExportFormat::json:
            return "json";
    }
    return "csv";
}

int used_flag(const KeyRecord& r) {
    return r.state == RecordState::consumed ? 1 : 0;
}

bool exportable(const KeyRecord& r) {
    return r.file_state == KeyFileState::written && r.state != RecordState::generated &&
           (!r.voided() || r.state == RecordState::consumed);
}

ExportSelection select_for_export(std::vector<KeyRecord> records) {
    ExportSelection out;
    // Those kept stay where they are in `records` (moved only past one left out), in order.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!exportable(records[i])) {
            out.left_out.push_back(std::move(records[i]));
            continue;
        }
        if (kept != i) records[kept] = std::move(records[i]);
        ++kept;
    }
    records.resize(kept);
    out.records = std::move(records);
    return out;
}

ExportWriter::ExportWriter(ExportFormat format, PidForm form) : format_(format), form_(form) {
    switch (format_) {
        case ExportFormat::scs_sql:
            // Portable SQL: CREATE TABLE IF NOT EXISTS, plain INSERTs in one transaction, standard
            // string literals (quotes doubled, backslashes literal as in SQLite and PostgreSQL's
            // default standard_conforming_strings).
            out_ =
                "-- Intel SCS csti_pid_map rows exported by ukpu. Holds secrets: keep this file "
                "private.\n";
            out_ += scs_table;
            out_ += "BEGIN;\n";
            break;
        case ExportFormat::scs_csv:
            out_ = "id,pid,pps,current_password,admin_password,used\r\n";
            break;
        case ExportFormat::csv:
            out_ =
                "id,batch,key_file_id,key_file_index,key_file,record_number,pid,pps,current_"
                "password,new_password,state,created_at,updated_at\r\n";
            break;
        case ExportFormat::json:
            out_ = "{\n  \"records\": [";
            break;
    }
}

ExportWriter ExportWriter::scs_sql_upsert(PidForm form) {
    ExportWriter w(ExportFormat::scs_sql, form);
    w.upsert_ = true;
    w.out_ =
        "-- Intel SCS csti_pid_map rows exported by ukpu, to load again and again: new records\n"
        "-- are inserted, known ones updated (used once a PC took them), voided ones deleted.\n"
        "-- Needs SQLite 3.24 or PostgreSQL 9.5 or later. Holds secrets: keep this file "
        "private.\n";
    w.out_ += scs_table;
    w.out_ += "BEGIN;\n";
    return w;
}

void ExportWriter::stream_to(std::function<void(std::string_view)> sink, std::size_t piece) {
    sink_ = std::move(sink);
    piece_ = piece;
    out_.reserve(piece_ + 4096);
}

void ExportWriter::add(const KeyRecord& r) {
    switch (format_) {
        case ExportFormat::scs_sql:
            append_insert(out_, r, form_);
            // The server may know a record as used before the store does: used never goes back.
            out_ += upsert_ ? " ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, pps = "
                              "excluded.pps, current_password = excluded.current_password, "
                              "admin_password = excluded.admin_password, used = CASE WHEN "
                              "csti_pid_map.used = 1 THEN 1 ELSE excluded.used END;\n"
                            : ";\n";
            break;
        case ExportFormat::scs_csv:
            append_csv_line(out_, r, form_);
            break;
        case ExportFormat::csv:
            append_full_csv_line(out_, r);
            break;
        case ExportFormat::json:
            out_ += added_ ? ",\n" : "\n";
            append_json_object(out_, r);
            break;
    }
    ++added_;
    if (sink_ && out_.size() >= piece_) {
        sink_(out_);
        out_.clear();  // its capacity kept for the next piece
    }
}

void ExportWriter::remove(std::int64_t id) {
    removed_.push_back(id);
}

std::string ExportWriter::finish() {
    switch (format_) {
        case ExportFormat::scs_sql:
            for (std::size_t i = 0; i < removed_.size(); i += ids_per_delete) {
                out_ += "DELETE FROM csti_pid_map WHERE id IN (";
                const std::size_t end = std::min(removed_.size(), i + ids_per_delete);
                for (std::size_t k = i; k < end; ++k) {
                    if (k > i) out_ += ", ";
                    append_int(out_, removed_[k]);
                }
                out_ += ");\n";
            }
            out_ += "COMMIT;\n";
            break;
        case ExportFormat::scs_csv:
        case ExportFormat::csv:
            break;
        case ExportFormat::json:
            out_ += added_ ? "\n  ]\n}\n" : "]\n}\n";
            break;
    }
    removed_.clear();
    if (!sink_) return std::move(out_);
    sink_(out_);
    out_ = {};
    return {};
}

std::string export_records(const std::vector<KeyRecord>& records, ExportFormat format,
                           PidForm form) {
    ExportWriter w(format, form);
    for (const auto& r : records) w.add(r);
    return w.finish();
}

std::string export_scs_sql_upsert(const std::vector<KeyRecord>& records,
                                  const std::vector<KeyRecord>& voided, PidForm form) {
    ExportWriter w = ExportWriter::scs_sql_upsert(form);
    for (const auto& r : records) w.add(r);
    for (const auto& v : voided) w.remove(v.id);
    return w.finish();
}

std::string csv_field(std::string_view value) {
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote) return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string sql_string(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

std::string json_string(std::string_view value) {
    std::string out;
    append_json_string(out, value);
    return out;
}

}  // namespace ukpu::keys
