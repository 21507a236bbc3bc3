#include "fixtures.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

#include "support/files.hpp"

namespace ukpu::test {

namespace {
const std::string mtools_env = "MTOOLS_SKIP_CHECK=1 ";
}

bool fat_tools_available() {
    for (const char* tool :
         {"mkfs.fat", "sfdisk", "mcopy", "mdir", "mshowfat", "mmd", "mdel", "mattrib", "fsck.fat"})
        if (!tool_available(tool)) return false;
    return true;
}

FatImage::FatImage(const TempDir& dir, const ImageSpec& spec, const std::string& name)
    : spec_(spec), path_(dir / name), scratch_(dir / (name + ".part")) {
    const std::string img = shell_quote(path_.string());
    must(run_command("truncate -s " + std::to_string(spec.size_bytes) + " " + img), "truncate");
    std::string mkfs = "mkfs.fat -i 1234ABCD";
    if (spec.fat_bits) mkfs += " -F " + std::to_string(spec.fat_bits);
    if (spec.sector_size != 512) mkfs += " -S " + std::to_string(spec.sector_size);
    if (!spec.label.empty()) mkfs += " -n " + shell_quote(spec.label);
    if (!spec.mkfs_args.empty()) mkfs += " " + spec.mkfs_args;
    if (spec.mbr) {
        const char* type = spec.fat_bits == 32 ? "0c" : spec.fat_bits == 12 ? "01" : "06";
        must(run_command("echo 'start=2048,type=" + std::string(type) + "' | sfdisk -q " + img),
             "sfdisk");
        mkfs += " -h 2048 --offset 2048";
    }
    must(run_command(mkfs + " " + img), "mkfs.fat");
}

CommandResult FatImage::mtool(const std::string& tool, const std::string& args) const {
    std::string target = path_.string();
    if (spec_.mbr) target += "@@1M";
    return run_command(mtools_env + tool + " -i " + shell_quote(target) + " " + args);
}

void FatImage::must(const CommandResult& r, const std::string& what) const {
    if (r.exit_code != 0)
        throw std::runtime_error(what + " failed (" + std::to_string(r.exit_code) +
                                 "): " + r.output);
}

void FatImage::copy(const std::filesystem::path& source, const std::string& target) const {
    must(mtool("mcopy -o", shell_quote(source.string()) + " " + shell_quote(target)), "mcopy");
}

void FatImage::copy_bytes(std::span<const std::uint8_t> data, const std::string& target) const {
    {
        std::ofstream out(scratch_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data.data()),
                  static_cast<std::streamsize>(data.size()));
    }
    copy(scratch_, target);
}

void FatImage::mkdir(const std::string& target) const {
    must(mtool("mmd", shell_quote(target)), "mmd");
}

void FatImage::del(const std::string& target) const {
    must(mtool("mdel", shell_quote(target)), "mdel");
}

void FatImage::patch(std::uint64_t offset, std::span<const std::uint8_t> bytes) const {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("patch failed");
}

std::vector<std::uint8_t> FatImage::read_bytes(std::uint64_t offset, std::size_t count) const {
    std::ifstream f(path_, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    std::vector<std::uint8_t> out(count);
    f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(count));
    return out;
}

std::unique_ptr<fat::ImageFile> FatImage::open(bool writable) const {
    return fat::ImageFile::open(path_, spec_.sector_size, writable);
}

std::vector<std::uint8_t> read_host_file(const std::filesystem::path& path) {
    return read_bytes(path.string());
}

std::vector<std::uint8_t> corpus_file(const std::string& name) {
    return read_host_file(std::filesystem::path(UKPU_CORPUS_DIR) / name);
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

}  // namespace ukpu::test
