#include "repair_support.hpp"

#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::test {

void FailingDevice::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    if (writes_ >= allowed_)
        throw fat::Error(fat::ErrorCode::io, "the stick was pulled (test) after " +
                                                 std::to_string(writes_) + " writes");
    ++writes_;
    base_.write(lba, data);
}

std::vector<std::uint8_t> setup_with_records(std::uint32_t records) {
    auto sb = setupbin::parse(corpus_file("v4-pki-amt-test-ca.bin"));
    const auto one = sb.records.at(0);
    sb.records.clear();
    for (std::uint32_t i = 0; i < records; ++i) {
        auto r = one;
        r.number = i + 1;
        sb.records.push_back(r);
    }
    setupbin::normalize_header(sb);
    return setupbin::serialize(sb);
}

namespace {

const char* const setup_name = "v4-pki-amt-test-ca.bin";

std::vector<std::uint8_t> good() {
    return corpus_file(setup_name);
}

// A host tree of `folders` folders with long names, `per_folder` files each (some nested one
// level deeper), copied in with one mcopy -s.
void add_tree(const FatImage& img, const TempDir& dir, int folders, int per_folder,
              std::uint32_t seed) {
    const auto root = dir / ("tree" + std::to_string(seed));
    std::filesystem::create_directories(root);
    for (int f = 0; f < folders; ++f) {
        const auto folder =
            root / ("Folder with a long name " + std::to_string(seed) + "-" + std::to_string(f));
        const auto inner = folder / "Nested documents";
        std::filesystem::create_directories(inner);
        for (int i = 0; i < per_folder; ++i) {
            const auto where = (i % 3 == 0) ? inner : folder;
            const auto data =
                random_bytes(static_cast<std::size_t>(100 + (i * 977 + f * 131) % 9000),
                             seed + static_cast<std::uint32_t>(f * 1000 + i));
            const auto p =
                where / ("Report " + std::to_string(f) + "-" + std::to_string(i) + ".txt");
            FILE* out = std::fopen(p.c_str(), "wb");
            std::fwrite(data.data(), 1, data.size(), out);
            std::fclose(out);
        }
    }
    const auto r = img.mtool("mcopy -s -m", snapshot::quote(root.string()) + "/* ::");
    if (r.exit_code != 0) throw std::runtime_error("mcopy -s: " + r.output);
}

std::unique_ptr<FatImage> fat16(const TempDir& d, const std::string& label = "",
                                const std::string& args = "") {
    return std::make_unique<FatImage>(d, ImageSpec{64ull << 20, 16, false, 512, label, args});
}

}  // namespace

std::vector<RepairCase> repair_cases() {
    std::vector<RepairCase> c;
    c.push_back({"LabelEntryFirst", [](const TempDir& d) {
                     auto img = fat16(d, "AMTKEY");
                     img->copy_bytes(good(), "::SETUP.BIN");
                     img->copy_bytes(random_bytes(2100, 2), "::Other file.txt");
                     return img;
                 }});
    c.push_back({"LongNameEntry", [](const TempDir& d) {
                     auto img = fat16(d);
                     img->copy_bytes(random_bytes(5000, 3), "::Notes for the admin.txt");
                     img->copy_bytes(good(), "::Setup.bin");
                     return img;
                 }});
    c.push_back({"LowercaseName", [](const TempDir& d) {
                     auto img = fat16(d);
                     img->copy_bytes(good(), "::setup.bin");
                     img->copy_bytes(random_bytes(300, 4), "::data.txt");
                     return img;
                 }});
    c.push_back({"NotFirst", [](const TempDir& d) {
                     auto img = fat16(d);
                     img->copy_bytes(random_bytes(100, 7), "::README.TXT");
                     img->copy_bytes(good(), "::SETUP.BIN");
                     return img;
                 }});
    c.push_back({"DeletedSlotFirst", [](const TempDir& d) {
                     auto img = fat16(d);
                     img->copy_bytes(random_bytes(100, 8), "::OLD.TXT");
                     img->copy_bytes(good(), "::SETUP.BIN");
                     img->del("::OLD.TXT");
                     img->copy_bytes(random_bytes(5000, 11), "::KEEP.TXT");
                     return img;
                 }});
    c.push_back({"Fragmented", [](const TempDir& d) {
                     auto img = std::make_unique<FatImage>(
                         d, ImageSpec{16ull << 20, 16, false, 512, "", "-s 1"});
                     img->copy_bytes(random_bytes(512, 9), "::A.TXT");
                     img->copy_bytes(random_bytes(512, 10), "::B.TXT");
                     img->del("::A.TXT");
                     img->copy_bytes(good(), "::SETUP.BIN");
                     return img;
                 }});
    c.push_back({"InSubdirectory", [](const TempDir& d) {
                     auto img = fat16(d, "KEY");
                     img->copy_bytes(random_bytes(3000, 12), "::First file.txt");
                     img->mkdir("::AMT");
                     img->copy_bytes(random_bytes(700, 13), "::AMT/OTHER.TXT");
                     img->copy_bytes(good(), "::AMT/SETUP.BIN");
                     return img;
                 }});
    c.push_back({"Renamed", [](const TempDir& d) {
                     auto img = fat16(d);
                     img->copy_bytes(random_bytes(4000, 14), "::Photo.jpg");
                     img->copy_bytes(good(), "::Setup (1).bin");
                     return img;
                 }});
    c.push_back({"Fat32InPlace",
                 [](const TempDir& d) {
                     auto img = std::make_unique<FatImage>(
                         d, ImageSpec{64ull << 20, 32, true, 512, "STICK", ""});
                     img->copy_bytes(random_bytes(20000, 15), "::Big file.bin");
                     img->copy_bytes(good(), "::setup.bin");
                     return img;
                 },
                 false});
    c.push_back({"LargeSetupMovesManyFiles", [](const TempDir& d) {
                     auto img = std::make_unique<FatImage>(
                         d, ImageSpec{16ull << 20, 16, false, 512, "MANY", "-s 1"});
                     add_tree(*img, d, 12, 25, 100);
                     img->copy_bytes(setup_with_records(200), "::setup.bin");
                     return img;
                 }});
    c.push_back({"HundredsOfFilesAndFolders", [](const TempDir& d) {
                     auto img = fat16(d, "MANY");
                     add_tree(*img, d, 20, 20, 200);
                     img->mkdir("::Provisioning Files");
                     img->copy_bytes(setup_with_records(40), "::Provisioning Files/Setup.BIN");
                     img->del("::Folder with a long name 200-3/Report 3-1.txt");
                     add_tree(*img, d, 2, 30, 300);
                     return img;
                 }});
    c.push_back({"Fat32HundredsOfFiles",
                 [](const TempDir& d) {
                     auto img = std::make_unique<FatImage>(
                         d, ImageSpec{64ull << 20, 32, false, 512, "", ""});
                     add_tree(*img, d, 10, 30, 400);
                     img->copy_bytes(setup_with_records(30), "::Setup.bin");
                     return img;
                 },
                 false});
    c.push_back({"Fat32RootGrows",
                 [](const TempDir& d) {
                     // 512-byte clusters: the root's one cluster holds 16 slots, all in use, so
                     // SETUP.BIN moving up from a folder needs a second root cluster.
                     auto img = std::make_unique<FatImage>(
                         d, ImageSpec{64ull << 20, 32, false, 512, "", "-s 1"});
                     img->mkdir("::AMT");
                     img->copy_bytes(good(), "::AMT/SETUP.BIN");
                     for (int i = 0; i < 15; ++i)
                         img->copy_bytes(random_bytes(700, 40 + static_cast<std::uint32_t>(i)),
                                         "::F" + std::to_string(i) + ".TXT");
                     return img;
                 },
                 false});
    return c;
}

std::string drive(const FatImage& img) {
    return img.path().string() + (img.spec().mbr ? "@@1M" : "");
}

std::string fsck_problems(const std::filesystem::path& image, std::uint64_t offset) {
    std::string dev = image.string();
    std::unique_ptr<LoopDevice> loop;
    if (offset) {
        loop = std::make_unique<LoopDevice>(image, offset, 512);
        if (!loop->ok()) return "no loop device: " + loop->error();
        dev = loop->path();
    }
    int rc = 0;
    const std::string out = snapshot::shell("fsck.fat -n " + snapshot::quote(dev), &rc);
    return rc == 0 ? "" : out;
}

std::string fsck_problems(const FatImage& img) {
    return fsck_problems(img.path(), img.volume_offset());
}

std::string check_repaired(const FatImage& img, const snapshot::Tree& before,
                           const std::string& setup_sha256, bool legacy,
                           const std::filesystem::path& scratch, std::string spec,
                           std::uint64_t fsck_offset) {
    std::string out;
    if (spec.empty()) spec = drive(img);
    if (fsck_offset == UINT64_MAX) fsck_offset = img.volume_offset();
    if (auto f = fsck_problems(img.path(), fsck_offset); !f.empty()) out += "fsck.fat -n:\n" + f;
    auto dev = img.open();
    const auto r = fat::verify_key(*dev);
    if (!r.uefi || !r.uefi->found) out += "uefi does not find setup.bin\n";
    if (legacy && (!r.legacy || !r.legacy->found)) {
        out += "legacy does not find setup.bin:\n";
        for (const auto& p : r.problems) out += "  " + p.message + "\n";
    }
    const auto after = snapshot::take(spec, scratch);
    if (!(after == before)) out += "tree changed:\n" + snapshot::diff(before, after);
    if (snapshot::setup_sha256(spec, scratch) != setup_sha256) out += "setup.bin's bytes changed\n";
    return out;
}

}  // namespace ukpu::test
