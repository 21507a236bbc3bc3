// A stick holding records that the key store knows as unconsumed is never overwritten on a --yes
// alone: `build`, `keys generate --device` and `keys write --device` say how many records of
// which batch it holds and need its name (typed, or --confirm NAME); without it nothing is
// written (the stick's setup.bin read back unchanged) and nothing voided; with it the records
// are voided with the reason (read with sqlite3) and left out of the exports. Loop devices
// dressed as USB sticks.
#include <unistd.h>

#include <memory>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace ukpu::test::overwrite_guard {

using keystest::store_rows;

// The stick's \setup.bin, and where its data starts on the volume.
struct StickKey {
    std::uint64_t first_sector = 0;
    std::vector<std::uint8_t> setup;
};

StickKey key_on(fat::BlockDevice& dev) {
    auto where = fat::locate_volume(dev);
    auto view = fat::open_volume_view(dev, where);
    fat::Volume volume(*view);
    auto slot = fat::lookup(volume, "\\setup.bin");
    if (!slot) return {};
    StickKey k;
    k.first_sector =
        (volume.cluster_offset(slot->first_cluster) - volume.base_offset()) / view->sector_size();
    k.setup = volume.read_file(slot->first_cluster, slot->size);
    return k;
}

std::vector<std::uint8_t> setup_on(const std::string& path) {
    auto dev = fat::open_device(path, false, 512);
    return key_on(*dev).setup;
}

// A PC takes the next record, as the BIOS does: in place.
void take_one(const std::string& path) {
    auto dev = fat::open_device(path, true, 512);
    StickKey k = key_on(*dev);
    ASSERT_TRUE(setupbin::consume_next(k.setup).consumed);
    auto view = fat::open_volume_view(*dev, fat::locate_volume(*dev));
    view->write(k.first_sector, k.setup);
    view->flush();
}

std::string count(const std::string& db, const std::string& where) {
    return store_rows(db, "SELECT count(*) FROM records WHERE " + where)[0][0];
}

class HeldRecords : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        stick_ = std::make_unique<LoopStick>(t_.path("sdx.img"), 32);
        ASSERT_TRUE(stick_->ok()) << "losetup failed";
        stick_->dress_as_usb_stick(m_.f, "sdx", "STICK0001", "3-2", 9);
        dev_ = stick_->loop();
        write_text(t_.path("current.txt"), "admin\n");
        // Four records onto the stick; a PC then takes one and the store learns it.
        auto r =
            run_ukpu({"keys", "generate", "-n", "4", "--store", db(), "--current-password-file",
                      t_.path("current.txt"), "--random-new-password", "--device", dev_, "--yes"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        take_one(dev_);
        r = run_ukpu({"keys", "sync", "--device", dev_, "--store", db()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        ASSERT_EQ(count(db(), "state='consumed'"), "1");
        before_ = setup_on(dev_);
    }
    RunResult build(std::vector<std::string> extra) {
        std::vector<std::string> args = {
            "build",   "--device", dev_,   "--setup-bin", corpus("acu-12.1-default.bin"),
            "--store", db(),       "--yes"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }
    std::string db() const { return keystest::store_for(t_.path("keys.db")); }

    TempDir t_;
    FakeMachine m_;
    std::unique_ptr<LoopStick> stick_;  // detached before t_ goes
    std::string dev_;
    std::vector<std::uint8_t> before_;
};

}  // namespace ukpu::test::overwrite_guard

namespace ukpu::keys {
namespace {

using namespace ukpu::test::overwrite_guard;
using ukpu::test::run_ukpu;

TEST_F(HeldRecords, BuildNeedsTheNameAndThenVoidsThem) {
    // --yes is not enough: refused, the stick and the store as they were.
    auto r = build({});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("holding 3 records of batch 1 (key file 1) that no PC took"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--confirm"), std::string::npos) << r.err;
    EXPECT_EQ(setup_on(dev_), before_);
    EXPECT_EQ(count(db(), "voided_at IS NOT NULL"), "0");
    // Named: written, and the three records voided with the reason; the consumed one kept.
    r = build({"--confirm", dev_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(setup_on(dev_), before_);
    EXPECT_EQ(count(db(),
                    "voided_at IS NOT NULL AND state<>'consumed' AND void_reason = "
                    "'overwritten by ukpu build on " +
                        dev_ + "'"),
              "3");
    EXPECT_EQ(count(db(), "state='consumed' AND voided_at IS NULL"), "1");
    // The exports leave them out; the consumed record is still there.
    r = run_ukpu({"keys", "export", "--format", "csv", "--store", db(), "-o", t_.path("out.csv")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bytes = ukpu::test::read_bytes(t_.path("out.csv"));
    const std::string csv(bytes.begin(), bytes.end());
    for (const auto& row :
         store_rows(db(), "SELECT pid, voided_at IS NOT NULL FROM records ORDER BY id"))
        EXPECT_EQ(csv.find(row[0]) != std::string::npos, row[1] == "0") << row[0];
    // The stick holds no stored record now: --yes is enough again.
    r = build({});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(HeldRecords, KeysGenerateAndKeysWriteAskTheSame) {
    auto r = run_ukpu({"keys", "generate", "-n", "2", "--store", db(), "--current-password-file",
                       t_.path("current.txt"), "--random-new-password", "--device", dev_, "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_EQ(setup_on(dev_), before_);
    EXPECT_EQ(store_rows(db(), "SELECT count(*) FROM batches")[0][0], "1");
    // keys write of another batch's records onto it is asked the same.
    ukpu::test::write_text(t_.path("new.txt"), "N3w-Passw0rd!\n");
    r = run_ukpu({"keys", "generate", "-n", "2", "--store", db(), "--current-password-file",
                  t_.path("current.txt"), "--new-password-file", t_.path("new.txt"), "-o",
                  t_.path("other.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "write", "--key-file", "2", "--store", db(), "--device", dev_, "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("holding 3 records of batch 1"), std::string::npos) << r.err;
    EXPECT_EQ(setup_on(dev_), before_);
    EXPECT_EQ(count(db(), "voided_at IS NOT NULL"), "0");
    // A dry run says it and changes nothing.
    r = run_ukpu({"--dry-run", "keys", "generate", "-n", "2", "--store", db(),
                  "--current-password-file", t_.path("current.txt"), "--random-new-password",
                  "--device", dev_, "--yes"});
    EXPECT_NE(r.err.find("holding 3 records"), std::string::npos) << r.err;
    EXPECT_EQ(count(db(), "voided_at IS NOT NULL"), "0");
}

}  // namespace
}  // namespace ukpu::keys

namespace ukpu::keys {
namespace {

using namespace ukpu::test::overwrite_guard;
using ukpu::test::run_ukpu;

// The stick's own key file written again over it, only its records no PC took: nothing is lost,
// so --yes is enough and nothing is voided; the stick then offers those three records.
TEST_F(HeldRecords, ItsOwnRecordsWrittenAgainOverItAreNotLost) {
    auto r = run_ukpu({"keys", "write", "--key-file", "1", "--unconsumed", "--store", db(),
                       "--device", dev_, "--yes"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("holding"), std::string::npos) << r.err;
    EXPECT_EQ(count(db(), "voided_at IS NOT NULL"), "0");
    EXPECT_EQ(store_rows(db(),
                         "SELECT count(*) FROM records WHERE key_file_id=2 AND "
                         "state='on-key'")[0][0],
              "3");
    const auto after = setup_on(dev_);
    EXPECT_NE(after, before_);
    EXPECT_EQ(keys::sha256_hex(after),
              store_rows(db(), "SELECT sha256 FROM key_files WHERE id=2")[0][0]);
}

}  // namespace
}  // namespace ukpu::keys
