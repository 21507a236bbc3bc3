// `ukpu keys generate --device` and `keys sync` on two loop devices dressed as USB sticks: the
// store records each stick's volume id (read back here from the boot sector), a key whose records
// are all consumed is matched by that volume id and the stick's serial and by nothing else, an
// explicit --key-file the key does not match is refused with nothing marked, and a batch whose
// sticks failed is shown as failed and never exported. The store is read with the sqlite3 tool.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace ukpu::keys {
namespace {

using keystest::capture;
using keystest::store_rows;
using test::Json;
using test::parse_json;
using test::run_ukpu;

// The FAT volume of a stick, with its \setup.bin: where its data starts on the volume and its
// bytes (the strict layout keeps it contiguous).
struct KeyOnStick {
    std::uint32_t volume_id = 0;
    std::uint64_t first_sector = 0;  // of setup.bin, on the volume
    std::vector<std::uint8_t> setup;
};

KeyOnStick read_stick(fat::BlockDevice& dev) {
    auto where = fat::locate_volume(dev);
    auto view = fat::open_volume_view(dev, where);
    fat::Volume volume(*view);
    auto slot = fat::lookup(volume, "\\setup.bin");
    if (!slot) throw std::runtime_error("no setup.bin on " + dev.describe());
    KeyOnStick k;
    k.volume_id = volume.volume_id().value_or(0);
    k.first_sector =
        (volume.cluster_offset(slot->first_cluster) - volume.base_offset()) / view->sector_size();
    k.setup = volume.read_file(slot->first_cluster, slot->size);
    return k;
}

KeyOnStick read_stick(const std::string& path) {
    auto dev = fat::open_device(path, false, 512);
    return read_stick(*dev);
}

// A PC takes the next `n` records of the key on stick `path`, as the BIOS does: the file's own
// sectors are written in place.
void consume_on_stick(const std::string& path, int n) {
    auto dev = fat::open_device(path, true, 512);
    KeyOnStick k = read_stick(*dev);
    for (int i = 0; i < n; ++i) ASSERT_TRUE(setupbin::consume_next(k.setup).consumed);
    auto where = fat::locate_volume(*dev);
    auto view = fat::open_volume_view(*dev, where);
    view->write(k.first_sector, k.setup);
    view->flush();
}

// The whole content of `from` written over `to` (block devices or files of one size).
void copy_disk(const std::string& from, const std::string& to) {
    auto src = fat::open_device(from, false, 512);
    if (!std::filesystem::exists(to))
        (void)fat::ImageFile::create(to, src->sector_count() * src->sector_size(), 512, false);
    auto dst = fat::open_device(to, true, 512);
    std::vector<std::uint8_t> buf(src->sector_size() * 2048);
    for (std::uint64_t lba = 0; lba < src->sector_count(); lba += 2048) {
        buf.resize(src->sector_size() * std::min<std::uint64_t>(2048, src->sector_count() - lba));
        src->read(lba, buf);
        dst->write(lba, buf);
    }
    dst->flush();
}

std::string one(const std::string& db, const std::string& query) {
    const auto rows = store_rows(db, query);
    return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

class KeysOnSticks : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || test::run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        if (test::run_shell("command -v sqlite3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "sqlite3";
        a_ = add_stick("sdx", "STICK0001", "3-2");
        b_ = add_stick("sdy", "STICK0002", "3-3");
        ASSERT_FALSE(a_.empty() || b_.empty()) << "losetup failed";
        test::write_text(t_.path("current.txt"), "admin\n");
    }
    std::string add_stick(const std::string& name, const std::string& serial,
                          const std::string& port) {
        sticks_.push_back(std::make_unique<test::LoopStick>(t_.path(name + ".img"), 32));
        if (!sticks_.back()->ok()) return {};
        sticks_.back()->dress_as_usb_stick(m_.f, name, serial, port,
                                           8 + static_cast<int>(sticks_.size()));
        return sticks_.back()->loop();
    }
    test::RunResult generate(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "-n",
                                         "6",
                                         "--per-key",
                                         "3",
                                         "--store",
                                         db(),
                                         "--current-password-file",
                                         t_.path("current.txt"),
                                         "--random-new-password",
                                         "--device",
                                         a_,
                                         "--device",
                                         b_,
                                         "--yes"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }
    test::RunResult sync(std::vector<std::string> args) {
        args.insert(args.begin(), {"keys", "sync", "--store", db()});
        return run_ukpu(args);
    }
    std::string db() const { return keystest::store_for(t_.path("keys.db")); }
    std::string consumed() const {
        return one(db(), "SELECT count(*) FROM records WHERE state='consumed'");
    }

    test::TempDir t_;
    test::FakeMachine m_;
    std::string a_, b_;
    std::vector<std::unique_ptr<test::LoopStick>> sticks_;  // detached before t_ goes
};

TEST_F(KeysOnSticks, SyncMarksOnlyWhatTheKeyProves) {
    auto r = generate();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string id1 = one(db(), "SELECT id FROM key_files WHERE file_index=1");
    const std::string id2 = one(db(), "SELECT id FROM key_files WHERE file_index=2");

    // Every record of stick A taken: no PID is left on it.
    consume_on_stick(a_, 3);
    // Named as key file 2, which went to stick B with another volume id: refused, nothing marked.
    r = sync({"--device", a_, "--key-file", id2});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("does not match key file " + id2), std::string::npos) << r.err;
    EXPECT_EQ(consumed(), "0");
    // The store holds each stick's own volume id, as its boot sector says.
    const KeyOnStick on_a = read_stick(a_);
    const KeyOnStick on_b = read_stick(b_);
    EXPECT_NE(on_a.volume_id, on_b.volume_id);
    EXPECT_EQ(one(db(), "SELECT volume_id FROM key_files WHERE id=" + id1),
              std::to_string(on_a.volume_id));
    EXPECT_EQ(one(db(), "SELECT volume_id FROM key_files WHERE id=" + id2),
              std::to_string(on_b.volume_id));
    // Without --key-file, its volume id and serial name key file 1.
    r = sync({"--device", a_, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json doc = parse_json(r.out);
    EXPECT_EQ(std::to_string(doc.at("key_file_id").get<long long>()), id1);
    EXPECT_EQ(doc.at("newly_marked"), 3);
    EXPECT_EQ(store_rows(db(),
                         "SELECT record_number FROM records WHERE state='consumed' AND "
                         "key_file_id=" +
                             id1 + " ORDER BY record_number"),
              (std::vector<std::vector<std::string>>{{"1"}, {"2"}, {"3"}}));
    // Named as itself: nothing new.
    r = sync({"--device", a_, "--key-file", id1, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(parse_json(r.out).at("newly_marked"), 0);

    // An image of stick A: the volume id proves it (an image has no serial to compare).
    copy_disk(a_, t_.path("copy-of-a.img"));
    r = sync({"--image", t_.path("copy-of-a.img"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::to_string(parse_json(r.out).at("key_file_id").get<long long>()), id1);

    // Stick B after one PC: its PIDs name key file 2; named as key file 1 it is refused.
    consume_on_stick(b_, 1);
    r = sync({"--device", b_, "--key-file", id1});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_EQ(consumed(), "3");
    r = sync({"--device", b_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(consumed(), "4");

    // Stick A's key copied onto stick B: the volume id is key file 1's, the serial is not the
    // stick key file 1 was written to. Nothing proves which key it is.
    copy_disk(a_, b_);
    r = sync({"--device", b_, "--key-file", id1});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("STICK0002"), std::string::npos) << r.err;
    r = sync({"--device", b_});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(consumed(), "4");

    // The scs export says used = 1 for exactly those four.
    r = run_ukpu({"keys", "export", "--format", "scs-sql", "--plain-pid-pps", "-o",
                  t_.path("x.sql"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(capture("sqlite3 -bail " + keystest::shell_quote(t_.path("x.db")) + " < " +
                      keystest::shell_quote(t_.path("x.sql")))
                  .status,
              0);
    EXPECT_EQ(one(t_.path("x.db"), "SELECT count(*) FROM csti_pid_map WHERE used=1"), "4");
    EXPECT_EQ(one(t_.path("x.db"), "SELECT count(*) FROM csti_pid_map"), "6");
}

TEST_F(KeysOnSticks, ABatchWhoseSticksFailedIsShownFailedAndNeverExported) {
    auto r = generate();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {
        // The sticks hold the first batch's records, which no PC took: named to be overwritten.
        test::ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
        r = generate({"--confirm", a_, "--confirm", b_});
    }
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("records stay 'generated' in batch 2"), std::string::npos) << r.err;

    // keys list says which batch failed.
    r = run_ukpu({"--json", "keys", "list", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    ASSERT_EQ(doc.at("batches").size(), 2u);
    EXPECT_EQ(doc.at("batches").at(0).value("state", ""), "written");
    EXPECT_EQ(doc.at("batches").at(1).value("state", ""), "failed");
    for (const auto& f : doc.at("batches").at(1).at("files"))
        EXPECT_EQ(f.value("state", ""), "failed");
    r = run_ukpu({"keys", "list", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("failed"), std::string::npos) << r.out;

    // Batch 1's six records were voided when their sticks were named to be overwritten, and
    // batch 2's never reached a stick: the export holds none of them, and says why.
    EXPECT_EQ(one(db(),
                  "SELECT count(*) FROM records WHERE batch_id=1 AND void_reason LIKE "
                  "'overwritten by ukpu keys generate on %'"),
              "6");
    r = run_ukpu(
        {"keys", "export", "--format", "scs-csv", "-o", t_.path("x.csv"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bytes = test::read_bytes(t_.path("x.csv"));
    const auto lines = keystest::split(std::string(bytes.begin(), bytes.end()), '\n');
    EXPECT_EQ(lines.size(), 0u + 2u);  // header, no row, empty after the last newline
    EXPECT_NE(r.err.find("6 records left out: they were never written"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("6 voided records left out"), std::string::npos) << r.err;
    // Not even the full exports carry them.
    r = run_ukpu({"keys", "export", "--format", "json", "-o", t_.path("x.json"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(one(db(), "SELECT count(*) FROM records WHERE batch_id=2 AND state='generated'"),
              "6");
    EXPECT_EQ(one(db(), "SELECT count(*) FROM records WHERE state='exported'"), "0");
}

}  // namespace
}  // namespace ukpu::keys
