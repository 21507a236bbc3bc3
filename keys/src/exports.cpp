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

// Portable SQL: CREATE TABLE IF NOT EXISTS, plain INSERTs in one transaction, standard string
// literals (quotes doubled, backslashes literal as in SQLite and PostgreSQL's default
// standard_conforming_strings).
std::string scs_sql(const std::vector<KeyRecord>& records, PidForm form) {
    std::string out;
    out.reserve(128 + records.size() * 160);
    out +=
        "-- Intel SCS csti_pid_map rows exported by ukpu. Holds secrets: keep this file private.\n";
    out += scs_table;
    out += "BEGIN;\n";
    for (const auto& r : records) {
        append_insert(out, r, form);
        out += ";\n";
    }
    out += "COMMIT;\n";
    return out;
}

// Ids per DELETE statement.
constexpr std::size_t ids_per_delete = 500;

std::string scs_csv(const std::vector<KeyRecord>& records, PidForm form) {
    std::string out = "id,pid,pps,current_password,admin_password,used\r\n";
    out.reserve(64 + records.size() * 110);
    for (const auto& r : records) {
        append_int(out, r.id);
        out += ',';
        append_shown(out, r.pid, setupbin::format_pid, form, append_csv_field);
        out += ',';
        append_shown(out, r.pps, setupbin::format_pps, form, append_csv_field);
        out += ',';
        append_csv_field(out, r.current_password);
        out += ',';
        append_csv_field(out, r.new_password);
        out += ',';
        append_int(out, used_flag(r));
        out += "\r\n";
    }
    return out;
}

std::string full_csv(const std::vector<KeyRecord>& records) {
    std::string out =
        "id,batch,key_file_id,key_file_index,key_file,record_number,pid,pps,current_password,"
        "new_password,state,created_at,updated_at\r\n";
    for (const auto& r : records) {
        out += std::to_string(r.id) + "," + std::to_string(r.batch_id) + "," +
               std::to_string(r.key_file_id) + "," + std::to_string(r.file_index) + "," +
               csv_field(r.key_file) + "," + std::to_string(r.record_number) + "," +
               csv_field(r.pid) + "," + csv_field(r.pps) + "," + csv_field(r.current_password) +
               "," + csv_field(r.new_password) + "," + to_string(r.state) + "," +
               csv_field(r.created_at) + "," + csv_field(r.updated_at) + "\r\n";
    }
    return out;
}

std::string full_json(const std::vector<KeyRecord>& records) {
    std::string out = "{\n  \"records\": [";
    bool first = true;
    for (const auto& r : records) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "    {\"id\": " + std::to_string(r.id) +
               ", \"batch\": " + std::to_string(r.batch_id) +
               ", \"key_file_id\": " + std::to_string(r.key_file_id) +
               ", \"key_file_index\": " + std::to_string(r.file_index) +
               ", \"key_file\": " + json_string(r.key_file) +
               ", \"record_number\": " + std::to_string(r.record_number) +
               ", \"pid\": " + json_string(r.pid) + ", \"pps\": " + json_string(r.pps) +
               ", \"current_password\": " + json_string(r.current_password) +
               ", \"new_password\": " + json_string(r.new_password) +
               ", \"state\": " + json_string(to_string(r.state)) +
               ", \"used\": " + std::to_string(used_flag(r)) +
               ", \"created_at\": " + json_string(r.created_at) +
               ", \"updated_at\": " + json_string(r.updated_at) + "}";
    }
    out += first ? "]\n}\n" : "\n  ]\n}\n";
    return out;
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

std::string export_records(const std::vector<KeyRecord>& records, ExportFormat format,
                           PidForm form) {
    switch (format) {
        case ExportFormat::scs_csv:
            return scs_csv(records, form);
        case ExportFormat::scs_sql:
            return scs_sql(records, form);
        case ExportFormat::csv:
            return full_csv(records);
        case ExportFormat::json:
            return full_json(records);
    }
    return {};
}

std::string export_scs_sql_upsert(const std::vector<KeyRecord>& records,
                                  const std::vector<KeyRecord>& voided, PidForm form) {
    std::string out;
    out.reserve(512 + records.size() * 330 + voided.size() * 8);
    out +=
        "-- Intel SCS csti_pid_map rows exported by ukpu, to load again and again: new records\n"
        "-- are inserted, known ones updated (used once a PC took them), voided ones deleted.\n"
        "-- Needs SQLite 3.24 or PostgreSQL 9.5 or later. Holds secrets: keep this file private.\n";
    out += scs_table;
    out += "BEGIN;\n";
    for (const auto& r : records) {
        append_insert(out, r, form);
        // The server may know a record as used before the store does: used never goes back.
        out +=
            " ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, pps = excluded.pps, "
            "current_password = excluded.current_password, admin_password = "
            "excluded.admin_password, used = CASE WHEN csti_pid_map.used = 1 THEN 1 ELSE "
            "excluded.used END;\n";
    }
    for (std::size_t i = 0; i < voided.size(); i += ids_per_delete) {
        out += "DELETE FROM csti_pid_map WHERE id IN (";
        const std::size_t end = std::min(voided.size(), i + ids_per_delete);
        for (std::size_t k = i; k < end; ++k) {
            if (k > i) out += ", ";
            out += std::to_string(voided[k].id);
        }
        out += ");\n";
    }
    out += "COMMIT;\n";
    return out;
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
    std::string out = "\"";
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
    return out;
}

}  // namespace ukpu::keys
