// `ukpu repair` of two sticks that look alike (issue 11): the same image bytes, so the same
// volume id, size and geometry. Repaired at once, in one run with two --device or in two
// processes, and stopped midway by a failing write, each stick has a journal of its own, named
// for that stick; the next run finishes each from its own journal, and each keeps its own files
// (seen through fsck.fat, mtools and `ukpu verify`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"
#include "support/repair_snapshot.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

// Its own namespace: the test sources are compiled as unity builds.
namespace repair_journal_cli {

using ukpu::test::LoopStick;
using ukpu::test::run_command;
using ukpu::test::run_ukpu;
using ukpu::test::RunResult;
using ukpu::test::ScopedEnv;
using ukpu::test::shell_quote;
using ukpu::test::TempDir;
namespace snap = ukpu::test::snapshot;

constexpr int stick_mib = 32;

bool tools() {
    return ::geteuid() == 0 && ukpu::test::tool_available("losetup") &&
           ukpu::test::tool_available("mkfs.fat") && ukpu::test::tool_available("mcopy") &&
           ukpu::test::tool_available("fsck.fat");
}

#define SKIP_WITHOUT_LOOP_TOOLS() \
    if (!tools()) GTEST_SKIP() << "needs root, losetup, dosfstools and mtools"

std::string must(const std::string& cmd) {
    const auto r = run_command(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
    return r.output;
}

const std::string mtools = "MTOOLS_SKIP_CHECK=1 ";

// A FAT16 superfloppy as desktop tools leave it: folders of files, STICK.TXT, then setup.bin
// under a mixed-case name behind them (the legacy BIOS would not find it, so repair moves the
// other files' clusters). `a` is that image; `b` a byte copy of it (same volume id and
// geometry) whose STICK.TXT says "stick B" instead of "stick A", so that each stick's own files
// can be told apart.
void make_twin_images(const TempDir& dir, const std::string& a, const std::string& b) {
    must("truncate -s " + std::to_string(stick_mib) + "M " + a + " && mkfs.fat -F16 -n TWIN " + a +
         " >/dev/null");
    const std::string tree = dir.path("tree");
    std::string cmd = "mkdir -p " + shell_quote(tree);
    for (int f = 0; f < 3; ++f) {
        const std::string folder = tree + "/Folder " + std::to_string(f);
        cmd += " && mkdir -p " + shell_quote(folder);
        for (int i = 0; i < 6; ++i)
            cmd += " && head -c " + std::to_string(700 + 1900 * i + f) + " /dev/urandom > " +
                   shell_quote(folder + "/A document " + std::to_string(i) + ".txt");
    }
    must(cmd);
    must(mtools + "mcopy -s -m -i " + a + " " + shell_quote(tree) + "/* ::");
    must("printf 'stick A\\n' > " + dir.path("a.txt") + " && printf 'stick B\\n' > " +
         dir.path("b.txt"));
    must(mtools + "mcopy -i " + a + " " + dir.path("a.txt") + " ::STICK.TXT");
    must(mtools + "mcopy -i " + a + " " + ukpu::test::corpus("v4-pki-amt-test-ca.bin") +
         " ::Setup.Bin");
    must("cp " + a + " " + b);
    must(mtools + "mcopy -o -i " + b + " " + dir.path("b.txt") + " ::STICK.TXT");
}

// The files in the journal directory: the journals and anything else (a temporary file).
std::set<std::string> names_in(const std::string& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        out.insert(e.path().filename().string());
    return out;
}

// The one journal name holding `part`, or "" (and a failure) when there is not exactly one.
std::string journal_naming(const std::set<std::string>& names, const std::string& part) {
    std::vector<std::string> found;
    for (const auto& n : names)
        if (n.find(part) != std::string::npos) found.push_back(n);
    EXPECT_EQ(found.size(), 1u) << "journals naming " << part << " among " << names.size();
    return found.size() == 1 ? found[0] : "";
}

// What a repaired stick must be: fsck.fat finds nothing, every firmware finds setup.bin, every
// other file as it was, and its own STICK.TXT.
void expect_repaired(const std::string& loop, const std::string& image, const snap::Tree& before,
                     const std::string& sha, const std::string& own_text,
                     const std::string& scratch) {
    SCOPED_TRACE(loop);
    const auto fsck = run_command("fsck.fat -n " + loop);
    EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
    const auto v = run_ukpu({"verify", "--device", loop, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    const auto now = snap::take(image, scratch);
    EXPECT_TRUE(now == before) << snap::diff(before, now);
    EXPECT_EQ(snap::setup_sha256(image, scratch), sha);
    EXPECT_EQ(must(mtools + "mtype -i " + image + " ::STICK.TXT"), own_text);
}

// Two loop devices dressed as USB sticks of one model, with one serial (cheap sticks share
// theirs), on ports 3-1 and 3-2 of a fake machine.
class TwoUsbSticks : public ::testing::Test {
protected:
    void SetUp() override {
        SKIP_WITHOUT_LOOP_TOOLS();
        img_a_ = t_.path("a.img");
        img_b_ = t_.path("b.img");
        make_twin_images(t_, img_a_, img_b_);
        ASSERT_FALSE(HasFailure());
        before_a_ = snap::take(img_a_, t_.path("x"));
        before_b_ = snap::take(img_b_, t_.path("x"));
        ASSERT_FALSE(before_a_ == before_b_) << "the sticks' STICK.TXT should differ";
        sha_ = snap::setup_sha256(img_a_, t_.path("x"), "/Setup.Bin");
        a_ = std::make_unique<LoopStick>(img_a_, stick_mib);
        b_ = std::make_unique<LoopStick>(img_b_, stick_mib);
        if (!a_->ok() || !b_->ok()) GTEST_SKIP() << "losetup failed";
        a_->dress_as_usb_stick(m_.f, "sdx", "4C530001", "3-1", 9);
        b_->dress_as_usb_stick(m_.f, "sdy", "4C530001", "3-2", 10);
    }

    TempDir t_;
    ukpu::test::FakeMachine m_;
    std::string img_a_, img_b_;
    snap::Tree before_a_, before_b_;
    std::string sha_;
    std::unique_ptr<LoopStick> a_, b_;  // detached before t_ goes
};

TEST_F(TwoUsbSticks, OneRunStoppedMidwayLeavesOneJournalPerStickThenFinishesEach) {
    const std::string j = t_.path("journal");
    {
        // Each stick's fourth write request fails, as if it was pulled: both stop midway.
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "3");
        const auto r = run_ukpu(
            {"repair", "--device", a_->loop(), "--device", b_->loop(), "--yes", "--journal", j});
        EXPECT_EQ(r.exit_code, 5) << r.err;
        EXPECT_NE(r.err.find("stopped after 3 write requests"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("with the stick in the same USB port (3-1)"), std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("with the stick in the same USB port (3-2)"), std::string::npos)
            << r.err;
    }
    // Two journals, one per stick, each named for its stick's port and serial; no other file.
    const auto names = names_in(j);
    EXPECT_EQ(names.size(), 2u) << "the sticks shared a journal";
    const std::string ja = journal_naming(names, "-usb3-1-4C530001.ukpu-journal");
    const std::string jb = journal_naming(names, "-usb3-2-4C530001.ukpu-journal");
    EXPECT_NE(ja, jb);
    for (const auto& n : names) EXPECT_NE(n.front(), '.') << "a temporary file was left: " << n;

    // A dry run of each stick sees its own journal only.
    for (const auto& [loop, journal] : {std::pair{a_->loop(), ja}, std::pair{b_->loop(), jb}}) {
        const auto d =
            run_ukpu({"--json", "repair", "--device", loop, "--dry-run", "--journal", j});
        ASSERT_EQ(d.exit_code, 0) << d.err;
        const auto doc = ukpu::test::parse_json(d.out);
        EXPECT_EQ(doc.at("pending_journal"), j + "/" + journal) << loop;
    }

    // The next run finishes each stick from its own journal.
    const auto r = run_ukpu(
        {"repair", "--device", a_->loop(), "--device", b_->loop(), "--yes", "--journal", j});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(j + "/" + ja + ": rolled-forward"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(j + "/" + jb + ": rolled-forward"), std::string::npos) << r.err;
    EXPECT_TRUE(names_in(j).empty());
    expect_repaired(a_->loop(), img_a_, before_a_, sha_, "stick A\n", t_.path("x"));
    expect_repaired(b_->loop(), img_b_, before_b_, sha_, "stick B\n", t_.path("x"));
}

TEST_F(TwoUsbSticks, OneRunRepairsBothAtOnce) {
    const std::string j = t_.path("journal");
    const auto r = run_ukpu(
        {"repair", "--device", a_->loop(), "--device", b_->loop(), "--yes", "--journal", j});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(names_in(j).empty());
    expect_repaired(a_->loop(), img_a_, before_a_, sha_, "stick A\n", t_.path("x"));
    expect_repaired(b_->loop(), img_b_, before_b_, sha_, "stick B\n", t_.path("x"));
}

// Two plain loop devices (no serial, no USB port: named by their backing files), repaired by
// two `ukpu repair` processes at once, one stick each.
class TwoLoopDevices : public ::testing::Test {
protected:
    void SetUp() override {
        SKIP_WITHOUT_LOOP_TOOLS();
        img_a_ = t_.path("stick-a.img");
        img_b_ = t_.path("stick-b.img");
        make_twin_images(t_, img_a_, img_b_);
        ASSERT_FALSE(HasFailure());
        before_a_ = snap::take(img_a_, t_.path("x"));
        before_b_ = snap::take(img_b_, t_.path("x"));
        sha_ = snap::setup_sha256(img_a_, t_.path("x"), "/Setup.Bin");
        a_ = std::make_unique<LoopStick>(img_a_, stick_mib);
        b_ = std::make_unique<LoopStick>(img_b_, stick_mib);
        if (!a_->ok() || !b_->ok()) GTEST_SKIP() << "losetup failed";
    }

    // `ukpu repair` of one loop device, confirmed as a device that is not USB must be.
    std::future<RunResult> repair(const std::string& loop, const std::string& journal) const {
        return std::async(std::launch::async, [loop, journal] {
            return run_ukpu({"repair", "--device", loop, "--allow-non-usb", "--confirm", loop,
                             "--yes", "--journal", journal});
        });
    }

    TempDir t_;
    std::string img_a_, img_b_;
    snap::Tree before_a_, before_b_;
    std::string sha_;
    std::unique_ptr<LoopStick> a_, b_;  // detached before t_ goes
};

TEST_F(TwoLoopDevices, TwoProcessesStoppedMidwayLeaveOneJournalPerStickThenFinishEach) {
    const std::string j = t_.path("journal");
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "3");
        auto fa = repair(a_->loop(), j);
        auto fb = repair(b_->loop(), j);
        const RunResult ra = fa.get();
        const RunResult rb = fb.get();
        EXPECT_EQ(ra.exit_code, 5) << ra.err;
        EXPECT_EQ(rb.exit_code, 5) << rb.err;
        EXPECT_NE(ra.err.find("stopped after 3 write requests"), std::string::npos) << ra.err;
    }
    const auto names = names_in(j);
    EXPECT_EQ(names.size(), 2u) << "the sticks shared a journal";
    const std::string ja = journal_naming(names, "-loop-stick-a.img-");
    const std::string jb = journal_naming(names, "-loop-stick-b.img-");
    EXPECT_NE(ja, jb);
    for (const auto& n : names) EXPECT_NE(n.front(), '.') << "a temporary file was left: " << n;

    auto fa = repair(a_->loop(), j);
    auto fb = repair(b_->loop(), j);
    const RunResult ra = fa.get();
    const RunResult rb = fb.get();
    ASSERT_EQ(ra.exit_code, 0) << ra.err;
    ASSERT_EQ(rb.exit_code, 0) << rb.err;
    EXPECT_NE(ra.err.find(j + "/" + ja + ": rolled-forward"), std::string::npos) << ra.err;
    EXPECT_NE(rb.err.find(j + "/" + jb + ": rolled-forward"), std::string::npos) << rb.err;
    EXPECT_TRUE(names_in(j).empty());
    expect_repaired(a_->loop(), img_a_, before_a_, sha_, "stick A\n", t_.path("x"));
    expect_repaired(b_->loop(), img_b_, before_b_, sha_, "stick B\n", t_.path("x"));
}

TEST_F(TwoLoopDevices, OneRunWithBothDevices) {
    const std::string j = t_.path("journal");
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "3");
        const auto r =
            run_ukpu({"repair", "--device", a_->loop(), "--device", b_->loop(), "--allow-non-usb",
                      "--confirm", a_->loop(), "--confirm", b_->loop(), "--yes", "--journal", j});
        EXPECT_EQ(r.exit_code, 5) << r.err;
    }
    const auto names = names_in(j);
    EXPECT_EQ(names.size(), 2u) << "the sticks shared a journal";
    journal_naming(names, "-loop-stick-a.img-");
    journal_naming(names, "-loop-stick-b.img-");
    const auto r =
        run_ukpu({"repair", "--device", a_->loop(), "--device", b_->loop(), "--allow-non-usb",
                  "--confirm", a_->loop(), "--confirm", b_->loop(), "--yes", "--journal", j});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(names_in(j).empty());
    expect_repaired(a_->loop(), img_a_, before_a_, sha_, "stick A\n", t_.path("x"));
    expect_repaired(b_->loop(), img_b_, before_b_, sha_, "stick B\n", t_.path("x"));
}

// One backing file attached as two loop devices is one key: repairing both at once would write it
// twice under one journal, so the run is refused before anything is written.
TEST_F(TwoLoopDevices, OneFileAttachedTwiceIsRefused) {
    ukpu::test::LoopDevice again(img_a_, 0, 512);
    ASSERT_TRUE(again.ok()) << again.error();
    const auto before = ukpu::test::read_bytes(img_a_);
    const auto r = run_ukpu({"repair", "--device", a_->loop(), "--device", again.path(),
                             "--allow-non-usb", "--confirm", a_->loop(), "--confirm", again.path(),
                             "--yes", "--journal", t_.path("journal")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("has the identity of " + a_->loop()), std::string::npos) << r.err;
    EXPECT_EQ(ukpu::test::read_bytes(img_a_), before);
}

// Two copies of one image at different paths, repaired at once by two processes: each under a
// journal named for its path.
TEST(RepairJournalImages, TwoCopiesOfOneImageNeverShareAJournal) {
    SKIP_WITHOUT_LOOP_TOOLS();
    TempDir t;
    const std::string a = t.path("a.img");
    const std::string b = t.path("b.img");
    make_twin_images(t, a, b);
    ASSERT_FALSE(HasFailure());
    const std::string j = t.path("journal");
    // Slowed so that both repairs run at once and can be seen midway.
    ScopedEnv slow("UKPU_REPAIR_WRITE_DELAY_MS", "40");
    auto fa = std::async(std::launch::async, [&] {
        return run_ukpu({"repair", "--image", a, "--journal", j});
    });
    auto fb = std::async(std::launch::async, [&] {
        return run_ukpu({"repair", "--image", b, "--journal", j});
    });
    std::set<std::string> most;
    for (int i = 0;
         i < 200 && fa.wait_for(std::chrono::milliseconds(10)) == std::future_status::timeout;
         ++i) {
        const auto now = names_in(j);
        std::set<std::string> journals;
        for (const auto& n : now)
            if (n.front() != '.') journals.insert(n);
        if (journals.size() > most.size()) most = journals;
    }
    const RunResult ra = fa.get();
    const RunResult rb = fb.get();
    ASSERT_EQ(ra.exit_code, 0) << ra.err;
    ASSERT_EQ(rb.exit_code, 0) << rb.err;
    EXPECT_EQ(most.size(), 2u) << "both journals were never there at once";
    if (most.size() == 2) {
        journal_naming(most, "-image-a.img-");
        journal_naming(most, "-image-b.img-");
    }
    EXPECT_TRUE(names_in(j).empty());
    EXPECT_EQ(must(mtools + "mtype -i " + a + " ::STICK.TXT"), "stick A\n");
    EXPECT_EQ(must(mtools + "mtype -i " + b + " ::STICK.TXT"), "stick B\n");
    EXPECT_EQ(run_command("fsck.fat -n " + a).exit_code, 0);
    EXPECT_EQ(run_command("fsck.fat -n " + b).exit_code, 0);
}

#undef SKIP_WITHOUT_LOOP_TOOLS

}  // namespace repair_journal_cli
