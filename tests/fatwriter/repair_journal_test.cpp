// The repair journal: private to its user, discarded when cut short (the key was not touched
// yet), and refused when the key changed since it was written.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "repair_support.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::FatImage;
using ukpu::test::ImageSpec;
using ukpu::test::TempDir;

#define SKIP_WITHOUT_TOOLS() \
    if (!ukpu::test::fat_tools_available()) GTEST_SKIP() << "dosfstools/mtools/fdisk missing"

std::unique_ptr<FatImage> key(const TempDir& dir) {
    auto img = std::make_unique<FatImage>(dir, ImageSpec{32ull << 20, 16, false, 512, "LBL", ""});
    img->copy_bytes(ukpu::test::random_bytes(5000, 1), "::Some file.txt");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::setup.bin");
    return img;
}

// Interrupts a repair after `k` writes and returns the journal it left.
std::filesystem::path interrupted(const FatImage& img, const RepairOptions& o, std::uint64_t k) {
    auto dev = img.open(true);
    ukpu::test::FailingDevice failing(*dev, k);
    EXPECT_THROW((void)repair_key(failing, o), Error);
    std::filesystem::path found;
    for (const auto& e : std::filesystem::directory_iterator(o.journal_dir)) found = e.path();
    return found;
}

TEST(RepairJournal, PrivateToItsUser) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = key(dir);
    RepairOptions o;
    o.journal_dir = dir / "state" / "journal";
    const auto path = interrupted(*img, o, 1);
    ASSERT_FALSE(path.empty());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(o.journal_dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    const auto j = read_journal(path);
    ASSERT_TRUE(j);
    EXPECT_GT(j->records.size(), 1u);
    for (const auto& r : j->records) EXPECT_EQ(r.before.size(), r.after.size());
}

TEST(RepairJournal, RootRepairingForAUserLeavesTheJournalTheirs) {
    SKIP_WITHOUT_TOOLS();
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (a repair run for a user as root)";
    // The window's worker runs as root with the user's journal directory: what it leaves there
    // (a journal cut short, the directories made for it) belongs to the user whose directory it
    // is, so that they can recover or remove it without root.
    TempDir dir;
    auto img = key(dir);
    const uid_t user = 65534;
    const gid_t group = 65534;
    ASSERT_EQ(::mkdir((dir / "home").c_str(), 0700), 0);
    ASSERT_EQ(::chown((dir / "home").c_str(), user, group), 0);
    RepairOptions o;
    o.journal_dir = dir / "home" / "state" / "journal";
    const auto path = interrupted(*img, o, 1);
    ASSERT_FALSE(path.empty());
    for (const auto& p : {path, o.journal_dir, dir / "home" / "state"}) {
        struct stat st {};
        ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
        EXPECT_EQ(st.st_uid, user) << p;
        EXPECT_EQ(st.st_gid, group) << p;
    }
    // A journal directory of root's own stays root's.
    TempDir dir2;
    RepairOptions mine;
    mine.journal_dir = dir2 / "root-journal";
    auto img2 = key(dir2);
    const auto own = interrupted(*img2, mine, 1);
    struct stat st {};
    ASSERT_EQ(::stat(own.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
}

TEST(RepairJournal, CutShortIsDiscarded) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = key(dir);
    const auto original = ukpu::test::read_host_file(img->path());
    RepairOptions o;
    o.journal_dir = dir / "journal";
    const auto path = interrupted(*img, o, 0);  // nothing reached the key
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 100);
    EXPECT_FALSE(read_journal(path));
    EXPECT_EQ(ukpu::test::read_host_file(img->path()), original);
    auto dev = img->open(true);
    const auto res = repair_key(*dev, o);
    EXPECT_EQ(res.recovery.action, RecoveryAction::discarded);
    EXPECT_TRUE(res.written);
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RepairJournal, KeyChangedSinceIsRefused) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = key(dir);
    RepairOptions o;
    o.journal_dir = dir / "journal";
    const auto path = interrupted(*img, o, 1);
    const auto j = read_journal(path);
    ASSERT_TRUE(j);
    // Someone wrote to the key in between: a journaled sector holds neither image.
    img->patch(j->records.back().lba * 512, ukpu::test::random_bytes(512, 99));
    const auto changed = ukpu::test::read_host_file(img->path());
    auto dev = img->open(true);
    EXPECT_THROW((void)repair_key(*dev, o), JournalConflict);
    dev.reset();
    EXPECT_EQ(ukpu::test::read_host_file(img->path()), changed);
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(RepairJournal, TagIsTheSticksIdentityInTheName) {
    EXPECT_EQ(journal_tag_text("SN 4C53/0001, usb 3-2"), "SN_4C53_0001__usb_3-2");
    EXPECT_EQ(journal_tag_text("AZaz09_.-"), "AZaz09_.-");
    EXPECT_EQ(journal_tag_text("caf\xc3\xa9"), "caf__");
    EXPECT_EQ(journal_tag_text(std::string(100, 'a')).size(), 64u);
    Journal j;
    j.volume_id = 0xE114B69F;
    j.device_sectors = 131072;
    j.sector_size = 512;
    EXPECT_EQ(journal_path("/j", j).string(), "/j/E114B69F-131072x512.ukpu-journal");
    EXPECT_EQ(journal_path("/j", j, "4C530001 usb3-2").string(),
              "/j/E114B69F-131072x512-4C530001_usb3-2.ukpu-journal");
}

// A device that holds its first write until every device of the group has reached its first
// write (each repair has written its journal by then: the journal comes before any write to the
// key), and lists the journal directory at that moment.
class GroupDevice final : public BlockDevice {
public:
    struct Group {
        std::mutex m;
        std::condition_variable cv;
        int arrived = 0;
        int size = 2;
    };
    GroupDevice(BlockDevice& base, Group& group, std::filesystem::path dir)
        : base_(base), group_(group), dir_(std::move(dir)) {}
    std::uint32_t sector_size() const override { return base_.sector_size(); }
    std::uint64_t sector_count() const override { return base_.sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { base_.read(lba, out); }
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override {
        if (!waited_) {
            waited_ = true;
            std::unique_lock lock(group_.m);
            ++group_.arrived;
            group_.cv.notify_all();
            group_.cv.wait_for(lock, std::chrono::seconds(20),
                               [&] { return group_.arrived >= group_.size; });
            for (const auto& e : std::filesystem::directory_iterator(dir_))
                seen.insert(e.path().filename().string());
        }
        base_.write(lba, data);
    }
    void flush() override { base_.flush(); }
    std::string describe() const override { return base_.describe(); }
    const IoStats& stats() const override { return base_.stats(); }

    std::set<std::string> seen;  // the journal directory while both repairs were under way

private:
    BlockDevice& base_;
    Group& group_;
    std::filesystem::path dir_;
    bool waited_ = false;
};

// Two sticks of one model with the same volume id and content (images copied from one),
// repaired at once with their own tags: two journals, neither replaced nor removed by the other
// repair, and both repairs finish.
TEST(RepairJournal, TwoIdenticalSticksRepairedAtOnceNeverShareAJournal) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = key(dir);
    const auto second = dir / "second.img";
    std::filesystem::copy_file(img->path(), second);
    const auto journals = dir / "journal";
    std::filesystem::create_directories(journals);
    const auto before = ukpu::test::snapshot::take(ukpu::test::drive(*img), dir / "x");

    GroupDevice::Group group;
    auto dev_a = img->open(true);
    auto dev_b = ImageFile::open(second, 512, true);
    GroupDevice a(*dev_a, group, journals), b(*dev_b, group, journals);
    RepairOptions oa, ob;
    oa.journal_dir = ob.journal_dir = journals;
    oa.journal_tag = "STICK0001-usb3-1";
    ob.journal_tag = "STICK0002-usb3-2";
    std::optional<RepairResult> ra, rb;
    std::string errors;
    std::mutex errors_m;
    auto run = [&](BlockDevice& dev, const RepairOptions& o, std::optional<RepairResult>& out) {
        try {
            out = repair_key(dev, o);
        } catch (const std::exception& e) {
            std::lock_guard lock(errors_m);
            errors += std::string(e.what()) + "\n";
        }
    };
    std::thread ta(run, std::ref(a), std::cref(oa), std::ref(ra));
    std::thread tb(run, std::ref(b), std::cref(ob), std::ref(rb));
    ta.join();
    tb.join();
    ASSERT_EQ(errors, "");
    ASSERT_TRUE(ra && rb);
    EXPECT_TRUE(ra->written);
    EXPECT_TRUE(rb->written);
    // Both journals were there at once, each under its own stick's name.
    EXPECT_NE(ra->journal, rb->journal);
    EXPECT_NE(ra->journal.filename().string().find("-STICK0001-usb3-1.ukpu-journal"),
              std::string::npos)
        << ra->journal;
    EXPECT_NE(rb->journal.filename().string().find("-STICK0002-usb3-2.ukpu-journal"),
              std::string::npos)
        << rb->journal;
    const std::set<std::string> both = {ra->journal.filename().string(),
                                        rb->journal.filename().string()};
    EXPECT_EQ(a.seen, both);
    EXPECT_EQ(b.seen, both);
    EXPECT_TRUE(std::filesystem::is_empty(journals));
    // Both keys repaired as one would be alone.
    dev_a.reset();
    dev_b.reset();
    const auto sha = ukpu::test::snapshot::setup_sha256(ukpu::test::drive(*img), dir / "x");
    EXPECT_EQ(ukpu::test::check_repaired(*img, before, sha, true, dir / "x"), "");
    EXPECT_EQ(ukpu::test::snapshot::setup_sha256(second.string(), dir / "x"), sha);
    EXPECT_EQ(ukpu::test::fsck_problems(second, 0), "");
}

// Both repairs stopped right after their journals were written: each stick finds its own
// journal by its tag, never the other stick's (which fits its content and size just as well),
// and is finished from it.
TEST(RepairJournal, EachStickRecoversFromItsOwnJournal) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = key(dir);
    const auto second = dir / "second.img";
    std::filesystem::copy_file(img->path(), second);
    RepairOptions oa, ob;
    oa.journal_dir = ob.journal_dir = dir / "journal";
    oa.journal_tag = "STICK0001-usb3-1";
    ob.journal_tag = "STICK0002-usb3-2";
    auto stop = [](BlockDevice& dev, const RepairOptions& o) {
        ukpu::test::FailingDevice failing(dev, 0);
        EXPECT_THROW((void)repair_key(failing, o), Error);
    };
    auto dev_a = img->open(true);
    auto dev_b = ImageFile::open(second, 512, true);
    std::thread ta(stop, std::ref(*dev_a), std::cref(oa));
    std::thread tb(stop, std::ref(*dev_b), std::cref(ob));
    ta.join();
    tb.join();
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(oa.journal_dir))
        names.insert(e.path().filename().string());
    ASSERT_EQ(names.size(), 2u);
    const Recovery pa = pending_state(*dev_a, oa);
    const Recovery pb = pending_state(*dev_b, ob);
    EXPECT_EQ(pa.action, RecoveryAction::rolled_forward);
    EXPECT_EQ(pb.action, RecoveryAction::rolled_forward);
    EXPECT_NE(pa.path.filename().string().find("STICK0001"), std::string::npos) << pa.path;
    EXPECT_NE(pb.path.filename().string().find("STICK0002"), std::string::npos) << pb.path;
    // Without a tag, or with the other stick's, no journal is this stick's.
    EXPECT_EQ(pending_state(*dev_a, oa.journal_dir).action, RecoveryAction::none);
    EXPECT_EQ(pending_state(*dev_a, oa.journal_dir, ob.journal_tag).path, pb.path);  // same bytes
    // The preview shows stick A finished from its own journal.
    {
        auto preview = preview_recovery(*dev_a, oa);
        EXPECT_TRUE(plan_repair(*preview, oa).nothing_to_do);
    }
    const auto ra = repair_key(*dev_a, oa);
    EXPECT_EQ(ra.recovery.action, RecoveryAction::rolled_forward);
    EXPECT_EQ(ra.recovery.path, pa.path);
    EXPECT_TRUE(std::filesystem::exists(pb.path)) << "stick A took stick B's journal";
    const auto rb = repair_key(*dev_b, ob);
    EXPECT_EQ(rb.recovery.action, RecoveryAction::rolled_forward);
    EXPECT_EQ(rb.recovery.path, pb.path);
    EXPECT_TRUE(std::filesystem::is_empty(oa.journal_dir));
}

}  // namespace
