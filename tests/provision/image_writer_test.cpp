// Making a key image: written under a temporary name and renamed into place only when it reads
// back identical (no file after a failure, a stop request or a full disk; an existing image
// replaced only by a complete one); judged by the generations asked for; each key of a run its
// own volume id.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "recording_reporter.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stick_writer.hpp"
#include "ukpu/provision/stop.hpp"

namespace ukpu::test::image_writer {
namespace {

namespace pv = ukpu::provision;
namespace fs = std::filesystem;

// A key that every generation accepts.
std::vector<std::uint8_t> sample_setup() {
    return read_bytes(corpus("v4-pki-amt-test-ca.bin"));
}

fat::KeyOptions fixed_options() {
    fat::KeyOptions ko;
    ko.timestamp = 1700000000;
    ko.volume_id = 0x12345678;
    return ko;
}

// Every entry of `dir`, by name.
std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

// While alive, SIGINT asks for a stop as the command line's handler does.
class StopOnSigint {
public:
    StopOnSigint() {
        struct sigaction sa {};
        sa.sa_handler = [](int) { pv::request_stop(); };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_);
    }
    ~StopOnSigint() { sigaction(SIGINT, &old_, nullptr); }

private:
    struct sigaction old_ {};
};

TEST(MakeKeyImage, AFailedWriteLeavesNoFileAndNoTemporary) {
    TempDir t;
    RecordingReporter r;
    pv::Context ctx;
    ctx.faults.fail_after_writes = 3;
    const pv::ImageTarget image{t.path("k.img"), 16u << 20, 512, false};
    try {
        (void)pv::make_key_image(ctx, r, image, sample_setup(), {}, fixed_options(), {});
        FAIL() << "the failed write was not reported";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::io) << e.message();
        EXPECT_NE(e.message().find("nothing was left at"), std::string::npos) << e.message();
    }
    EXPECT_TRUE(entries(t.dir()).empty()) << *entries(t.dir()).begin();
}

TEST(MakeKeyImage, AStopRequestLeavesNoFile) {
    TempDir t;
    RecordingReporter r;
    StopOnSigint handler;
    pv::Context ctx;
    ctx.faults.interrupt_after_writes = 2;
    const pv::ImageTarget image{t.path("k.img"), 16u << 20, 512, false};
    try {
        (void)pv::make_key_image(ctx, r, image, sample_setup(), {}, fixed_options(), {});
        FAIL() << "the stop request was not honoured";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::interrupted) << e.message();
    }
    pv::clear_stop();
    EXPECT_TRUE(entries(t.dir()).empty());
    EXPECT_EQ(r.writes_begun, 1);
    EXPECT_EQ(r.writes_ended, 1);
}

TEST(MakeKeyImage, ASizeTheFileSystemCannotHoldLeavesNoFile) {
    TempDir t;
    RecordingReporter r;
    // 100 TiB: beyond the largest file of ext4 and tmpfs's free space alike.
    const pv::ImageTarget image{t.path("k.img"), 100ull << 40, 512, false};
    try {
        (void)pv::make_key_image(pv::Context{}, r, image, sample_setup(), {}, fixed_options(), {});
        // A file system that holds a sparse 100 TiB file: the image is complete then.
        EXPECT_TRUE(fs::exists(t.path("k.img")));
        fs::remove(t.path("k.img"));
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.location(), t.path("k.img"));
    }
    EXPECT_TRUE(entries(t.dir()).empty());
}

TEST(MakeKeyImage, AMissingDirectoryIsNamedAndNothingIsMade) {
    TempDir t;
    RecordingReporter r;
    const pv::ImageTarget image{t.path("missing/k.img"), 16u << 20, 512, false};
    try {
        (void)pv::make_key_image(pv::Context{}, r, image, sample_setup(), {}, fixed_options(), {});
        FAIL() << "made an image in a missing directory";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::io);
        EXPECT_NE(e.message().find(t.path("missing")), std::string::npos) << e.message();
    }
    EXPECT_TRUE(entries(t.dir()).empty());
}

TEST(MakeKeyImage, AnExistingImageIsReplacedOnlyByACompleteOne) {
    TempDir t;
    RecordingReporter r;
    const std::vector<std::uint8_t> old(1u << 20, 0xA5);
    write_bytes(t.path("k.img"), old);
    const pv::ImageTarget keep{t.path("k.img"), 16u << 20, 512, false};
    // Without --overwrite: refused before anything is made.
    try {
        (void)pv::make_key_image(pv::Context{}, r, keep, sample_setup(), {}, fixed_options(), {});
        FAIL() << "replaced without overwrite";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::refused);
    }
    EXPECT_EQ(read_bytes(t.path("k.img")), old);
    // With --overwrite, a write that fails leaves the old image as it was.
    pv::Context failing;
    failing.faults.fail_after_writes = 3;
    const pv::ImageTarget replace{t.path("k.img"), 16u << 20, 512, true};
    EXPECT_THROW(
        (void)pv::make_key_image(failing, r, replace, sample_setup(), {}, fixed_options(), {}),
        pv::Error);
    EXPECT_EQ(read_bytes(t.path("k.img")), old);
    EXPECT_EQ(entries(t.dir()), std::set<std::string>{"k.img"});
    // A complete one replaces it, mode 0600 (it holds passwords).
    const pv::KeyOutcome out =
        pv::make_key_image(pv::Context{}, r, replace, sample_setup(), {}, fixed_options(), {});
    EXPECT_EQ(out.status, pv::Status::ok) << out.message;
    EXPECT_EQ(fs::file_size(t.path("k.img")), 16u << 20);
    EXPECT_EQ(fs::status(t.path("k.img")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(entries(t.dir()), std::set<std::string>{"k.img"});
    // A directory in its place is never written over, --overwrite or not.
    fs::create_directory(t.path("d.img"));
    const pv::ImageTarget dir{t.path("d.img"), 16u << 20, 512, true};
    try {
        (void)pv::make_key_image(pv::Context{}, r, dir, sample_setup(), {}, fixed_options(), {});
        FAIL() << "wrote over a directory";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::refused);
    }
}

TEST(MakeKeyImage, TheVerdictIsTheGenerationsAsked) {
    TempDir t;
    RecordingReporter r;
    fat::KeyOptions fat12 = fixed_options();
    fat12.fs = fat::FatType::fat12;
    const pv::ImageTarget image{t.path("k12.img"), 4u << 20, 512, false};
    // FAT12, all generations asked: written, but legacy BIOSes cannot use it.
    const pv::KeyOutcome all =
        pv::make_key_image(pv::Context{}, r, image, sample_setup(), {}, fat12, {});
    EXPECT_EQ(all.status, pv::Status::problems);
    ASSERT_TRUE(all.key);
    ASSERT_EQ(all.key->unusable.size(), 1u);
    EXPECT_EQ(all.key->unusable[0].rfind("legacy BIOS: ", 0), 0u) << all.key->unusable[0];
    EXPECT_NE(all.message.find("legacy BIOS"), std::string::npos) << all.message;
    EXPECT_TRUE(fs::exists(t.path("k12.img")));  // complete: kept, the verdict says what it is
    // Asked for UEFI and the modern MEBx only, the same key is usable.
    const pv::ImageTarget again{t.path("k12.img"), 4u << 20, 512, true};
    const pv::KeyOutcome uefi = pv::make_key_image(pv::Context{}, r, again, sample_setup(), {},
                                                   fat12, pv::verify_generations("uefi,mebx"));
    EXPECT_EQ(uefi.status, pv::Status::ok) << uefi.message;
    EXPECT_THROW((void)pv::verify_generations("bios"), pv::Error);
}

TEST(VolumeIds, EveryStickOfARunGetsItsOwn) {
    std::vector<pv::StickJob> jobs(4);
    for (auto& j : jobs) j.setup = sample_setup();  // the same file on every stick
    {
        ScopedEnv epoch("SOURCE_DATE_EPOCH", "1700000000");
        std::vector<pv::StickJob> a = jobs, b = jobs;
        pv::assign_volume_ids(a);
        pv::assign_volume_ids(b);
        std::set<std::uint32_t> ids;
        for (std::size_t i = 0; i < a.size(); ++i) {
            ASSERT_TRUE(a[i].volume_id);
            EXPECT_EQ(a[i].volume_id, b[i].volume_id);  // reproducible
            ids.insert(*a[i].volume_id);
        }
        EXPECT_EQ(ids.size(), a.size());
        // The first is the id one image of this file gets.
        EXPECT_EQ(*a[0].volume_id, pv::volume_id_for("", jobs[0].setup));
    }
    {
        ::unsetenv("SOURCE_DATE_EPOCH");  // random ids
        std::vector<pv::StickJob> a = jobs;
        pv::assign_volume_ids(a);
        std::set<std::uint32_t> ids;
        for (const auto& j : a) ids.insert(*j.volume_id);
        EXPECT_EQ(ids.size(), a.size());
    }
    std::vector<pv::StickJob> named = jobs;
    EXPECT_THROW(pv::assign_volume_ids(named, "DEADBEEF"), pv::Error);
    std::vector<pv::StickJob> one(1);
    pv::assign_volume_ids(one, "DEADBEEF");
    EXPECT_EQ(one[0].volume_id, 0xDEADBEEFu);
    EXPECT_THROW((void)pv::volume_id_for("XYZ", {}), pv::Error);
}

}  // namespace
}  // namespace ukpu::test::image_writer
