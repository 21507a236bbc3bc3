// The exports byte for byte: every format (scs-csv and scs-sql dashed and plain, csv, json, an
// empty json, and the upsert scs-sql with a deletion) of three records whose fields need CSV and
// SQL quoting, against tests/data/exports/every-format.golden, the text the exports wrote before
// they were written record by record (ExportWriter).
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include "ukpu/keys/exports.hpp"

namespace ukpu::keys {
namespace {

std::vector<KeyRecord> three_records() {
    std::vector<KeyRecord> rs;
    for (int i = 0; i < 3; ++i) {
        KeyRecord r;
        r.id = 10 + i;
        r.batch_id = 2;
        r.key_file_id = 5;
        r.file_index = 1;
        r.key_file = i == 1 ? "/tmp/a, \"b\".bin" : "/tmp/setup.bin";
        r.record_number = static_cast<std::uint32_t>(i + 1);
        r.pid = "ABCD123" + std::string(1, static_cast<char>('4' + i));
        r.pps = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        r.current_password = i == 2 ? "it's, \"x\"" : "admin";
        r.new_password = "N3w-P4ss!";
        r.state = i == 1 ? RecordState::consumed : RecordState::on_key;
        r.created_at = "2026-12-03T13:00:00Z";
        r.updated_at = "2026-12-03T14:00:00Z";
        r.file_state = KeyFileState::written;
        rs.push_back(r);
    }
    return rs;
}

TEST(KeyExports, EveryFormatByteForByte) {
    const auto rs = three_records();
    std::string text;
    for (auto f :
         {ExportFormat::scs_csv, ExportFormat::scs_sql, ExportFormat::csv, ExportFormat::json})
        for (auto form : {PidForm::dashed, PidForm::plain}) text += export_records(rs, f, form);
    text += export_records({}, ExportFormat::json);
    text += export_scs_sql_upsert(rs, {rs[1]}, PidForm::plain);
    const auto golden =
        test::read_bytes(std::string(UKPU_TEST_DATA_DIR) + "/exports/every-format.golden");
    EXPECT_EQ(text, std::string(golden.begin(), golden.end()));

    // The writer fed one record at a time writes the same as the whole vector at once.
    ExportWriter w(ExportFormat::scs_sql, PidForm::plain);
    for (const auto& r : rs) w.add(r);
    EXPECT_EQ(w.added(), 3u);
    EXPECT_EQ(w.finish(), export_records(rs, ExportFormat::scs_sql, PidForm::plain));
}

}  // namespace
}  // namespace ukpu::keys
