// The repair journal: private to its user, discarded when cut short (the key was not touched
// yet), and refused when the key changed since it was written.
#include <gtest/gtest.h>
#include <sys/stat.h>

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

}  // namespace
