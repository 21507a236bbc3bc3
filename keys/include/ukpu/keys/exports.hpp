// Server-side exports of key records, for management servers that import PID/PPS batches. The scs
// formats carry the columns of Intel SCS's csti_pid_map table (id, pid, pps, current_password,
// admin_password, used); csv and json carry every field the store holds. Every export contains
// secrets.
//
// Dashes: whether SCS stores pid/pps with dashes is not documented. Intel's illustrative row
// shows the display form (XXXX-XXXX, XXXX-...-XXXX) and the SCS console and the MEBx show and
// accept that form, so the scs formats write it by default; PidForm::plain writes the 8 and 32
// characters exactly as they are stored in setup.bin. csv and json always write the plain form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/keys/records.hpp"

namespace ukpu::keys {

enum class ExportFormat { scs_csv, scs_sql, csv, json };
enum class PidForm { dashed, plain };

// "scs-csv", "scs-sql", "csv", "json"; nullopt for anything else.
std::optional<ExportFormat> parse_export_format(std::string_view text);
const char* to_string(ExportFormat f);

// csti_pid_map.used: 1 once the record was consumed, else 0.
int used_flag(const KeyRecord& r);

// True for a record that reached a key: its key file was written, the record is no longer
// `generated`, and it was not voided, or a PC took it all the same (a lost stick found again:
// exported as used, never deleted from the server). The others (a stick that failed, a run that
// stopped, a lost stick's records) are never exported as usable.
bool exportable(const KeyRecord& r);

// The records to export and the ones left out, each in the order given.
struct ExportSelection {
    std::vector<KeyRecord> records;
    std::vector<KeyRecord> left_out;
};
ExportSelection select_for_export(std::vector<KeyRecord> records);

// An export written record by record, in memory that grows with the text only: the beginning
// on construction, each record as add() is given it, the end with finish(). export_records and
// export_scs_sql_upsert are this writer over their records.
class ExportWriter {
public:
    ExportWriter(ExportFormat format, PidForm form = PidForm::dashed);
    // The scs-sql of export_scs_sql_upsert (below).
    static ExportWriter scs_sql_upsert(PidForm form = PidForm::dashed);

    // From here on the text goes to `sink` as it is made, in pieces of `piece` bytes or more (the
    // text so far in the first), instead of being kept: the writer's memory stays the same
    // however many records it is given.
    void stream_to(std::function<void(std::string_view)> sink, std::size_t piece = 256 * 1024);

    void add(const KeyRecord& r);
    // Upsert only: the id of a voided record, deleted from the server's table.
    void remove(std::int64_t id);
    // The whole text, or its rest when streamed (handed to the sink; "" returned); the writer is
    // empty after.
    std::string finish();
    std::size_t added() const { return added_; }

private:
    ExportFormat format_;
    PidForm form_;
    bool upsert_ = false;
    std::function<void(std::string_view)> sink_;
    std::size_t piece_ = 0;
    std::string out_;
    std::vector<std::int64_t> removed_;
    std::size_t added_ = 0;
};

// The whole export as text.
std::string export_records(const std::vector<KeyRecord>& records, ExportFormat format,
                           PidForm form = PidForm::dashed);

// scs-sql that may be loaded again and again into the same database (SQLite 3.24 or later,
// PostgreSQL 9.5 or later) and leaves it holding what the store holds: the same CREATE TABLE IF
// NOT EXISTS as the plain scs-sql, then in one transaction every record of `records` inserted or,
// when its id is there, updated (INSERT ... ON CONFLICT (id) DO UPDATE: every column, `used`
// never going back from 1 to 0, a PC having taken the record), and the rows of `voided` deleted
// by id (DELETE FROM csti_pid_map WHERE id IN (...)), so that no voided record stays usable on
// the server. The ids are the store's: the table must hold no rows of other origin under them.
std::string export_scs_sql_upsert(const std::vector<KeyRecord>& records,
                                  const std::vector<KeyRecord>& voided,
                                  PidForm form = PidForm::dashed);

// Pieces, for tests and other writers.
std::string csv_field(std::string_view value);   // RFC 4180 quoting when needed
std::string sql_string(std::string_view value);  // 'it''s'
std::string json_string(std::string_view value);

}  // namespace ukpu::keys
