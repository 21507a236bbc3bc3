// The FAT reader against mkfs.fat 4.2's default parameters (measured with mkfs.fat -v),
// fsck.fat -v -n, mdir and mshowfat on images the tools made.
#include <gtest/gtest.h>

#include <regex>

#include "fixtures.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::FatImage;
using ukpu::test::ImageSpec;
using ukpu::test::TempDir;

#define REQUIRE_TOOLS() \
    if (!ukpu::test::fat_tools_available()) GTEST_SKIP() << "dosfstools/mtools/fdisk missing"

// A volume opened the way verify opens it: partition detection, then an offset view.
struct Opened {
    std::unique_ptr<ImageFile> dev;
    VolumeLocation loc;
    std::unique_ptr<BlockDevice> view;
    std::unique_ptr<Volume> vol;
    explicit Opened(const FatImage& img)
        : dev(img.open()),
          loc(locate_volume(*dev)),
          view(open_volume_view(*dev, loc)),
          vol(std::make_unique<Volume>(*view)) {}
};

// "     32695 data clusters" -> 32695 / "Data area starts at byte 149504" -> 149504, from
// fsck.fat -v -n.
std::uint64_t fsck_value(const std::string& out, const std::string& label) {
    std::smatch m;
    const bool after = label.find("starts at byte") != std::string::npos;
    const std::regex re(after ? label + " (\\d+)" : "(\\d+) " + label);
    if (!std::regex_search(out, m, re)) throw std::runtime_error("no '" + label + "' in fsck");
    return std::stoull(m[1]);
}

// The root entries mdir lists, in order: "NAME.EXT" or the long name when mdir shows one.
std::vector<std::string> mdir_names(const std::string& out) {
    std::vector<std::string> names;
    const std::regex line(
        R"(^(.{8}) (.{3})\s+(<DIR>|[\d ]+)\s+\d{4}-\d{2}-\d{2}\s+\d+:\d{2}\s*(.*)$)");
    std::istringstream in(out);
    std::string l;
    while (std::getline(in, l)) {
        std::smatch m;
        if (!std::regex_match(l, m, line)) continue;
        auto trim = [](std::string s) {
            while (!s.empty() && s.back() == ' ') s.pop_back();
            return s;
        };
        std::string name = trim(m[1]);
        const std::string ext = trim(m[2]);
        if (!ext.empty()) name += "." + ext;
        const std::string lfn = trim(m[4]);
        names.push_back(lfn.empty() ? name : lfn);
    }
    return names;
}

// "::/SETUP.BIN <3-76> <80-81>" -> runs.
std::vector<ClusterRun> mshowfat_runs(const std::string& out) {
    std::vector<ClusterRun> runs;
    const std::regex re(R"(<(\d+)(?:-(\d+))?>)");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
         ++it) {
        const auto first = static_cast<std::uint32_t>(std::stoul((*it)[1]));
        const auto last =
            (*it)[2].matched ? static_cast<std::uint32_t>(std::stoul((*it)[2])) : first;
        runs.push_back({first, last});
    }
    return runs;
}

struct KnownLayout {
    ImageSpec spec;
    FatType type;
    std::uint32_t spc, reserved, fat_sectors, root_entries, clusters;
    std::uint64_t total, data_start;
    std::uint32_t hidden;
};

// mkfs.fat 4.2's defaults for 64 MiB, measured with mkfs.fat -v: 512-byte sectors, 2 FATs, media
// 0xF8; FAT16 2 KiB clusters with data at sector 292, or -F32 512 B clusters with data at 2050.
class KnownMkfsLayout : public ::testing::TestWithParam<KnownLayout> {};

TEST_P(KnownMkfsLayout, BpbMatchesFatNotes) {
    REQUIRE_TOOLS();
    const KnownLayout& k = GetParam();
    TempDir dir;
    FatImage img(dir, k.spec);
    Opened o(img);
    const Geometry& g = o.vol->geometry();
    EXPECT_EQ(o.vol->type(), k.type);
    EXPECT_EQ(g.bytes_per_sector, 512u);
    EXPECT_EQ(g.sectors_per_cluster, k.spc);
    EXPECT_EQ(g.reserved_sectors, k.reserved);
    EXPECT_EQ(g.num_fats, 2u);
    EXPECT_EQ(g.fat_sectors, k.fat_sectors);
    EXPECT_EQ(g.root_entries, k.root_entries);
    EXPECT_EQ(g.cluster_count, k.clusters);
    EXPECT_EQ(g.total_sectors, k.total);
    EXPECT_EQ(g.data_start(), k.data_start);
    EXPECT_EQ(g.hidden_sectors, k.hidden);
    EXPECT_EQ(o.vol->media(), 0xF8);
    if (k.type == FatType::fat32) {
        EXPECT_EQ(g.root_cluster, 2u);
        EXPECT_EQ(g.fsinfo_sector, 1u);
        EXPECT_EQ(g.backup_boot_sector, 6u);
    }
    EXPECT_EQ(o.loc.scheme, k.spec.mbr ? PartitionScheme::mbr : PartitionScheme::superfloppy);
    EXPECT_EQ(o.loc.first_sector, k.spec.mbr ? 2048u : 0u);
    EXPECT_EQ(o.vol->volume_id(), 0x1234ABCDu);  // mkfs.fat -i 1234ABCD
    EXPECT_TRUE(o.vol->fats_identical());
}

INSTANTIATE_TEST_SUITE_P(FatNotes, KnownMkfsLayout,
                         ::testing::Values(KnownLayout{{64ull << 20, 0, false, 512, "", ""},
                                                       FatType::fat16,
                                                       4,
                                                       4,
                                                       128,
                                                       512,
                                                       32695,
                                                       131072,
                                                       292,
                                                       0},
                                           KnownLayout{{64ull << 20, 32, false, 512, "", ""},
                                                       FatType::fat32,
                                                       1,
                                                       32,
                                                       1009,
                                                       0,
                                                       129022,
                                                       131072,
                                                       2050,
                                                       0},
                                           KnownLayout{{64ull << 20, 16, true, 512, "", ""},
                                                       FatType::fat16,
                                                       4,
                                                       4,
                                                       128,
                                                       512,
                                                       32183,
                                                       129024,
                                                       292,
                                                       2048}));

struct FsckCase {
    ImageSpec spec;
    FatType type;
};

class AgainstFsck : public ::testing::TestWithParam<FsckCase> {};

TEST_P(AgainstFsck, BpbMatchesFsckVerbose) {
    REQUIRE_TOOLS();
    const FsckCase& c = GetParam();
    TempDir dir;
    FatImage img(dir, c.spec);
    const auto r =
        ukpu::test::run_command("fsck.fat -v -n " + ukpu::test::shell_quote(img.path().string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    Opened o(img);
    const Geometry& g = o.vol->geometry();
    EXPECT_EQ(o.vol->type(), c.type);
    EXPECT_EQ(g.bytes_per_sector, fsck_value(r.output, "bytes per logical sector"));
    EXPECT_EQ(g.bytes_per_cluster(), fsck_value(r.output, "bytes per cluster"));
    EXPECT_EQ(g.reserved_sectors, fsck_value(r.output, "reserved sectors?"));
    EXPECT_EQ(std::uint64_t{g.fat_sectors} * g.bytes_per_sector,
              fsck_value(r.output, "bytes per FAT"));
    EXPECT_EQ(g.cluster_count, fsck_value(r.output, "data clusters"));
    EXPECT_EQ(g.total_sectors, fsck_value(r.output, "sectors total"));
    EXPECT_EQ(g.data_start() * g.bytes_per_sector,
              fsck_value(r.output, "Data area starts at byte"));
    EXPECT_EQ(g.fat_start() * g.bytes_per_sector, fsck_value(r.output, "First FAT starts at byte"));
}

INSTANTIATE_TEST_SUITE_P(
    Superfloppy, AgainstFsck,
    ::testing::Values(FsckCase{{2ull << 20, 12, false, 512, "", ""}, FatType::fat12},
                      FsckCase{{32ull << 20, 16, false, 512, "", ""}, FatType::fat16},
                      FsckCase{{300ull << 20, 32, false, 512, "", ""}, FatType::fat32},
                      FsckCase{{64ull << 20, 16, false, 4096, "", ""}, FatType::fat16},
                      FsckCase{{600ull << 20, 32, false, 4096, "", ""}, FatType::fat32}));

// A tree with a label, a deleted slot, a long name, a lowercase 8.3 name, a subdirectory and a
// fragmented file; listed, looked up and read back against mdir and mshowfat.
class Tree : public ::testing::TestWithParam<ImageSpec> {};

TEST_P(Tree, MatchesMtools) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, GetParam());
    const auto a = ukpu::test::random_bytes(3000, 1);
    const auto big = ukpu::test::random_bytes(40000, 2);
    const auto inner = ukpu::test::random_bytes(777, 3);
    img.copy_bytes(a, "::A.TXT");
    img.copy_bytes(a, "::B.TXT");
    img.del("::A.TXT");
    img.copy_bytes(big, "::setup.bin");  // lands in A.TXT's slot, fragmented around B.TXT
    img.copy_bytes(a, "::LongFileName.dat");
    img.mkdir("::SUB");
    img.copy_bytes(inner, "::SUB/Inner File.txt");
    Opened o(img);

    std::vector<std::string> ours;
    for (const DirSlot& s : list_root(*o.vol))
        if (s.is_entry()) ours.push_back(s.name());
    const auto mdir = img.mtool("mdir", "::");
    ASSERT_EQ(mdir.exit_code, 0) << mdir.output;
    EXPECT_EQ(ours, mdir_names(mdir.output)) << mdir.output;

    for (const std::string name :
         {"setup.bin", "B.TXT", "LongFileName.dat", "SUB/Inner File.txt"}) {
        const auto slot = lookup(*o.vol, "\\" + name);
        ASSERT_TRUE(slot) << name;
        const auto shown = img.mtool("mshowfat", ukpu::test::shell_quote("::" + name));
        EXPECT_EQ(o.vol->runs(slot->first_cluster), mshowfat_runs(shown.output)) << shown.output;
    }
    const auto setup = lookup(*o.vol, "/SETUP.BIN");
    ASSERT_TRUE(setup);
    EXPECT_EQ(setup->raw_name, (std::array<std::uint8_t, 11>{'S', 'E', 'T', 'U', 'P', ' ', ' ', ' ',
                                                             'B', 'I', 'N'}));
    EXPECT_EQ(setup->display_name, "setup.bin");
    EXPECT_EQ(setup->nt_flags, 0x18);  // mtools stores a lowercase 8.3 name this way, without LFN
    EXPECT_EQ(o.vol->read_file(setup->first_cluster, setup->size), big);
    const auto in = lookup(*o.vol, "sub\\INNER FILE.TXT");
    ASSERT_TRUE(in);
    EXPECT_EQ(o.vol->read_file(in->first_cluster, in->size), inner);
    EXPECT_FALSE(lookup(*o.vol, "\\nothere.bin"));

    const auto tree = walk(*o.vol);
    std::vector<std::string> paths;
    for (const auto& w : tree) paths.push_back(w.path);
    EXPECT_NE(std::find(paths.begin(), paths.end(), "\\SUB\\Inner File.txt"), paths.end());

    std::smatch m;
    ASSERT_TRUE(std::regex_search(mdir.output, m, std::regex(R"(([\d ]+) bytes free)")));
    std::string digits;
    for (char c : m[1].str())
        if (c != ' ') digits += c;
    EXPECT_EQ(std::uint64_t{o.vol->free_clusters()} * o.vol->geometry().bytes_per_cluster(),
              std::stoull(digits));
}

INSTANTIATE_TEST_SUITE_P(Layouts, Tree,
                         ::testing::Values(ImageSpec{4ull << 20, 12, false, 512, "", ""},
                                           ImageSpec{64ull << 20, 16, false, 512, "", ""},
                                           ImageSpec{64ull << 20, 16, true, 512, "", ""},
                                           ImageSpec{64ull << 20, 32, true, 512, "", ""},
                                           ImageSpec{300ull << 20, 32, false, 512, "", ""},
                                           ImageSpec{64ull << 20, 16, false, 4096, "", ""}));

TEST(Reader, LabelInBootSectorAndSlotZero) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "TESTVOL", ""});
    img.copy_bytes(ukpu::test::random_bytes(100, 4), "::X.TXT");
    Opened o(img);
    EXPECT_EQ(o.vol->label(), "TESTVOL");
    const auto root = list_root(*o.vol);
    ASSERT_GE(root.size(), 3u);
    EXPECT_EQ(root[0].kind, SlotKind::volume_label);  // mkfs.fat -n puts the label in slot 0
    EXPECT_EQ(root[0].short_name, "TESTVOL");
    EXPECT_EQ(root[1].kind, SlotKind::file);
    EXPECT_EQ(root[2].kind, SlotKind::end);
}

TEST(Reader, LongNameSlotsBeforeTheirEntry) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(100, 5), "::A long file name.bin");
    Opened o(img);
    const auto root = list_root(*o.vol);
    // 22 characters: two LFN slots, sequence 0x42 then 0x01, then the 8.3 slot.
    ASSERT_GE(root.size(), 3u);
    EXPECT_EQ(root[0].kind, SlotKind::lfn);
    EXPECT_EQ(root[0].lfn_order, 0x42);
    EXPECT_EQ(root[1].lfn_order, 0x01);
    EXPECT_EQ(root[2].kind, SlotKind::file);
    EXPECT_EQ(root[2].long_name, "A long file name.bin");
    EXPECT_EQ(root[2].lfn_slots, 2u);
    EXPECT_EQ(root[2].short_name, "ALONGF~1.BIN");
    EXPECT_TRUE(root[0].lfn_problem.empty());
}

TEST(Reader, GptIsRefused) {
    REQUIRE_TOOLS();
    TempDir dir;
    const auto path = dir / "gpt.img";
    ukpu::test::run_command("truncate -s 64M " + ukpu::test::shell_quote(path.string()));
    const auto r = ukpu::test::run_command(
        "echo 'label: gpt\nstart=2048,type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7' | sfdisk -q " +
        ukpu::test::shell_quote(path.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto dev = ImageFile::open(path, 512, false);
    try {
        locate_volume(*dev);
        FAIL() << "GPT accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::unsupported);
        EXPECT_NE(std::string(e.what()).find("GPT"), std::string::npos);
    }
}

TEST(Reader, MbrEntriesListed) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 32, true, 512, "", ""});
    auto dev = img.open();
    const auto loc = locate_volume(*dev);
    ASSERT_EQ(loc.partitions.size(), 1u);
    EXPECT_EQ(loc.partitions[0].type, 0x0C);
    EXPECT_EQ(loc.partitions[0].lba_first, 2048u);
    EXPECT_EQ(loc.partitions[0].sector_count, 129024u);  // 64 MiB less the first 2048
    EXPECT_FALSE(loc.partitions[0].active);
}

}  // namespace

namespace {

TEST(Reader, LongNameChecksumMismatchAndOrphans) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(100, 6), "::A long file name.bin");
    // Root directory at sector 260 (4 reserved + 2 FATs of 128); slot 2 is the 8.3 entry: change
    // its name so that the checksum in the two LFN slots no longer matches.
    const std::uint64_t slot2 = 260 * 512 + 2 * 32;
    const std::uint8_t x[1] = {'X'};
    img.patch(slot2, x);
    const auto fsck =
        ukpu::test::run_command("fsck.fat -n " + ukpu::test::shell_quote(img.path().string()));
    // fsck.fat sees the broken long name too (it reports it without failing in -n mode)
    EXPECT_NE(fsck.output.find("Wrong checksum for long file name"), std::string::npos)
        << fsck.output;
    Opened o(img);
    const auto root = list_root(*o.vol);
    ASSERT_GE(root.size(), 3u);
    EXPECT_EQ(root[2].kind, SlotKind::file);
    EXPECT_TRUE(root[2].long_name.empty());
    EXPECT_EQ(root[2].lfn_slots, 0u);
    EXPECT_NE(root[2].lfn_problem.find("checksum"), std::string::npos) << root[2].lfn_problem;
    EXPECT_NE(root[0].lfn_problem.find("orphaned"), std::string::npos);
    EXPECT_NE(root[1].lfn_problem.find("orphaned"), std::string::npos);
    EXPECT_EQ(root[2].name(), "XLONGF~1.BIN");
}

TEST(Reader, ReadRawFollowsTheDataArea) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    const auto data = ukpu::test::random_bytes(5000, 12);
    img.copy_bytes(data, "::F.BIN");
    Opened o(img);
    // First data cluster 2 at sector 292 (root directory at 260 plus its 32 sectors).
    EXPECT_EQ(o.vol->cluster_offset(2), 292u * 512);
    EXPECT_EQ(o.vol->read_raw(2, 5000), img.read_bytes(292 * 512, 5000));
    EXPECT_EQ(o.vol->read_raw(2, 5000), data);
}

}  // namespace
