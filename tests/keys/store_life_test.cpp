// The key store over a key's whole life: pairs imported onto no key, placed on a key file later,
// a lost key's unconsumed records moved to a new key file, a key written again elsewhere, labels,
// and voided records that are never exported as usable. Checked through the API and, where the
// rows matter, through sqlite3.
#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::test::store_life {

using namespace ukpu::keys;
using keystest::store_rows;

std::vector<KeyRecord> pairs(std::uint32_t n) {
    BatchRequest req;
    req.count = n;
    req.current_password = "admin";
    return build_batch(req)[0].records;
}

NewBatch batch_of(std::uint32_t n, const std::string& target, const std::string& label = {}) {
    NewBatch nb;
    nb.ukpu_version = "test";
    nb.file_version = "2.1";
    nb.settings = "{}";
    NewKeyFile f;
    f.target = target;
    f.sha256 = "ab";
    f.label = label;
    f.records = pairs(n);
    nb.files.push_back(f);
    return nb;
}

NewBatch imported(std::uint32_t n) {
    NewBatch nb;
    nb.ukpu_version = "test";
    nb.file_version = "2.1";
    nb.settings = "{\"imported\": true}";
    nb.unplaced = pairs(n);
    return nb;
}

std::vector<std::int64_t> ids(const std::vector<KeyRecord>& records) {
    std::vector<std::int64_t> out;
    for (const auto& r : records) out.push_back(r.id);
    return out;
}

}  // namespace ukpu::test::store_life

namespace ukpu::keys {
namespace {

using namespace ukpu::test::store_life;

TEST(KeyStoreLife, ImportedPairsSitOnNoKeyAndAreNotExported) {
    ukpu::test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(imported(5));
    EXPECT_TRUE(b.files.empty());
    EXPECT_EQ(b.record_count, 5u);
    EXPECT_EQ(b.unplaced, 5u);
    EXPECT_EQ(b.generated, 5u);
    const auto records = store.records(b.id);
    ASSERT_EQ(records.size(), 5u);
    for (const auto& r : records) {
        EXPECT_FALSE(r.placed());
        EXPECT_EQ(r.record_number, 0u);
        EXPECT_EQ(r.file_state, KeyFileState::pending);
    }
    EXPECT_TRUE(select_for_export(store.records()).records.empty());
    EXPECT_EQ(store_rows(keystest::store_for(dir.path("keys.db")),
                         "SELECT count(*) FROM records WHERE key_file_id IS NULL AND "
                         "record_number IS NULL")[0][0],
              "5");
}

TEST(KeyStoreLife, ImportedPairsArePlacedOnANewKeyFileInTheOrderGiven) {
    ukpu::test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(imported(4));
    auto records = store.records(b.id);
    std::vector<std::int64_t> order = {records[2].id, records[0].id};
    NewKeyFile f;
    f.target = "/tmp/setup.bin";
    f.sha256 = "cd";
    f.label = "B0001K001";
    const KeyFileInfo kf = store.add_key_file(b.id, f, order);
    EXPECT_EQ(kf.file_index, 1u);
    EXPECT_EQ(kf.first_record, 1u);
    EXPECT_EQ(kf.last_record, 2u);
    EXPECT_EQ(kf.label, "B0001K001");
    EXPECT_EQ(kf.state, KeyFileState::pending);
    const auto on = store.records_of_file(kf.id);
    ASSERT_EQ(on.size(), 2u);
    EXPECT_EQ(on[0].pid, records[2].pid);
    EXPECT_EQ(on[0].record_number, 1u);
    EXPECT_EQ(on[1].pid, records[0].pid);
    EXPECT_EQ(on[1].record_number, 2u);
    EXPECT_EQ(store.batch(b.id).unplaced, 2u);
    // Written: its two records are exported, the two on no key are not.
    store.mark_file_written(kf.id, 0x1234ABCDu);
    const auto chosen = select_for_export(store.records());
    EXPECT_EQ(chosen.records.size(), 2u);
    EXPECT_EQ(chosen.left_out.size(), 2u);
    // A record on a key already cannot be placed on another.
    EXPECT_THROW(store.add_key_file(b.id, f, {records[0].id}), Error);
}

TEST(KeyStoreLife, UnconsumedRecordsMoveToTheKeyFileThatReplacesTheirs) {
    ukpu::test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(batch_of(5, "/dev/sdx", "B0001K001"));
    const std::int64_t lost = b.files[0].id;
    store.mark_file_written(lost, 0x11111111u);
    EXPECT_EQ(store.mark_consumed(lost, {1, 2}), 2u);
    std::vector<KeyRecord> unconsumed;
    for (const auto& r : store.records_of_file(lost))
        if (r.state != RecordState::consumed) unconsumed.push_back(r);
    ASSERT_EQ(unconsumed.size(), 3u);
    // Consumed records cannot move: a PC took them.
    NewKeyFile f;
    f.target = "/dev/sdy";
    f.sha256 = "ef";
    EXPECT_THROW(store.add_key_file(b.id, f, {store.records_of_file(lost)[0].id}, lost), Error);
    const KeyFileInfo next = store.add_key_file(b.id, f, ids(unconsumed), lost);
    EXPECT_EQ(next.replaces, lost);
    EXPECT_EQ(next.file_index, 2u);
    EXPECT_EQ(next.first_record, 6u);
    EXPECT_EQ(next.last_record, 8u);
    const auto moved = store.records_of_file(next.id);
    ASSERT_EQ(moved.size(), 3u);
    for (std::size_t i = 0; i < moved.size(); ++i) {
        EXPECT_EQ(moved[i].pid, unconsumed[i].pid);
        EXPECT_EQ(moved[i].record_number, i + 1);
        EXPECT_EQ(moved[i].state, RecordState::generated);
    }
    // The lost key file keeps the two consumed records.
    EXPECT_EQ(store.records_of_file(lost).size(), 2u);
}

TEST(KeyStoreLife, AKeyFileWrittenAgainNamesItsNewKey) {
    ukpu::test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(batch_of(2, "/dev/sdx", "B0001K001"));
    store.mark_file_failed(b.files[0].id, 0x22222222u);
    StickIdentity stick;
    stick.serial = "NEW1";
    stick.model = "Cruzer";
    stick.size = 64u << 20;
    stick.bus_path = "3-2";
    store.retarget_key_file(b.files[0].id, "/dev/sdz", stick, "B0001K001");
    KeyFileInfo f = store.key_file(b.files[0].id);
    EXPECT_EQ(f.target, "/dev/sdz");
    EXPECT_EQ(f.state, KeyFileState::pending);
    ASSERT_TRUE(f.device.has_value());
    EXPECT_EQ(f.device->serial, "NEW1");
    EXPECT_FALSE(f.volume_id.has_value());
    store.mark_file_written(f.id, 0x33333333u);
    f = store.key_file(f.id);
    EXPECT_EQ(f.state, KeyFileState::written);
    EXPECT_EQ(f.volume_id, 0x33333333u);
    EXPECT_EQ(f.label, "B0001K001");
    store.set_label(f.id, "SPARE");
    EXPECT_EQ(store.key_file(f.id).label, "SPARE");
}

TEST(KeyStoreLife, VoidedRecordsAreNeverExportedAndConsumedOnesAreKept) {
    ukpu::test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(batch_of(4, "/dev/sdx"));
    const std::int64_t file = b.files[0].id;
    store.mark_file_written(file);
    store.mark_consumed(file, {1});
    VoidSelection which;
    which.key_file_id = file;
    VoidOutcome out = store.void_records(which, "stick lost");
    EXPECT_EQ(out.voided, 3u);
    EXPECT_EQ(out.consumed_kept, 1u);
    EXPECT_EQ(out.already_voided, 0u);
    // Again: nothing new.
    out = store.void_records(which, "stick lost");
    EXPECT_EQ(out.voided, 0u);
    EXPECT_EQ(out.already_voided, 3u);
    const auto chosen = select_for_export(store.records());
    ASSERT_EQ(chosen.records.size(), 1u);
    EXPECT_EQ(chosen.records[0].state, RecordState::consumed);
    for (const auto& r : chosen.left_out) {
        EXPECT_TRUE(r.voided());
        EXPECT_EQ(r.void_reason, "stick lost");
    }
    EXPECT_EQ(store.batch(b.id).voided, 3u);
    EXPECT_EQ(store.mark_exported(std::nullopt), 0u);
    // Voided records cannot be placed on a key again.
    NewKeyFile f;
    f.target = "/dev/sdy";
    f.sha256 = "ef";
    EXPECT_THROW(store.add_key_file(b.id, f, {chosen.left_out[0].id}, file), Error);
    // One PID; an unknown PID or batch is named.
    const BatchInfo other = store.add_batch(batch_of(2, "/tmp/b.bin"));
    VoidSelection one;
    one.pid = store.records(other.id)[1].pid;
    EXPECT_EQ(store.void_records(one, "test").voided, 1u);
    one.pid = "ZZZZZZZZ";
    try {
        store.void_records(one, "test");
        FAIL() << "an unknown PID was voided";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
        EXPECT_NE(e.message().find("ZZZZZZZZ"), std::string::npos) << e.message();
    }
    VoidSelection batch;
    batch.batch_id = 99;
    EXPECT_THROW(store.void_records(batch, "test"), Error);
    EXPECT_EQ(store_rows(keystest::store_for(dir.path("keys.db")),
                         "SELECT count(*) FROM records WHERE void_reason IS NOT NULL AND "
                         "voided_at IS NOT NULL")[0][0],
              "4");
    // The lost stick is found, and a PC had taken record 2 from it: that record is exported
    // again, as used (a server must not lose what a PC took), the others stay out.
    EXPECT_EQ(store.mark_consumed(file, {2}), 1u);
    const auto again = select_for_export(store.records(b.id));
    ASSERT_EQ(again.records.size(), 2u);
    for (const auto& r : again.records) EXPECT_EQ(used_flag(r), 1);
    EXPECT_EQ(again.left_out.size(), 2u);
}

}  // namespace
}  // namespace ukpu::keys
