// The exports byte for byte: every format (scs-csv and scs-sql dashed and plain, csv, json, an
// empty json, and the upsert scs-sql with a deletion) of three records whose fields need CSV and
// SQL quoting, against tests/data/exports/every-format.golden, the text the exports wrote before
// they were written record by record (ExportWriter), whole or streamed in pieces.
#include <cstdio>
#include <string>
#include <string_view>
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

TEST(KeyExports, StreamedTextIsTheSameInPieces) {
    const auto rs = three_records();
    for (const std::size_t piece : {std::size_t{1}, std::size_t{200}, std::size_t{1} << 20}) {
        for (auto f : {ExportFormat::scs_csv, ExportFormat::scs_sql, ExportFormat::csv,
                       ExportFormat::json}) {
            ExportWriter w(f, PidForm::dashed);
            std::vector<std::string> pieces;
            w.stream_to([&](std::string_view t) { pieces.emplace_back(t); }, piece);
            for (const auto& r : rs) w.add(r);
            // Nothing is kept for finish() beyond a piece's worth.
            const std::size_t before_finish = pieces.size();
            EXPECT_EQ(w.finish(), "");
            std::string joined;
            for (const auto& p : pieces) joined += p;
            EXPECT_EQ(joined, export_records(rs, f, PidForm::dashed)) << piece;
            // One piece per record when a piece is a byte, one in all when it is a megabyte;
            // every piece before the last one is `piece` bytes or more.
            if (piece == 1) {
                EXPECT_EQ(before_finish, rs.size());
            } else if (piece > 1000) {
                EXPECT_EQ(before_finish, 0u);
            }
            EXPECT_EQ(pieces.size(), before_finish + 1);
            for (std::size_t k = 0; k + 1 < pieces.size(); ++k)
                EXPECT_GE(pieces[k].size(), piece) << piece;
        }
        ExportWriter up = ExportWriter::scs_sql_upsert(PidForm::plain);
        std::string joined;
        up.stream_to([&](std::string_view t) { joined += t; }, piece);
        for (const auto& r : rs) up.add(r);
        up.remove(rs[1].id);
        up.finish();
        EXPECT_EQ(joined, export_scs_sql_upsert(rs, {rs[1]}, PidForm::plain)) << piece;
    }
}

}  // namespace
}  // namespace ukpu::keys
