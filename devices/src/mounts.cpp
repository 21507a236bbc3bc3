#include "ukpu/devices/mounts.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include "ukpu/devices/error.hpp"

namespace ukpu::devices {

namespace {

std::vector<std::string> split_spaces(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string f;
    while (in >> f) out.push_back(f);
    return out;
}

bool read_text(const std::string& path, std::string& text) {
    std::ifstream in(path);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
    return true;
}

// A device number part: decimal digits only, within unsigned.
bool parse_number(std::string_view text, unsigned& out) {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string unescape_mount_field(const std::string& field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string oct = field.substr(i + 1, 3);
            if (oct.size() == 3 && oct.find_first_not_of("01234567") == std::string::npos) {
                out.push_back(static_cast<char>(std::stoi(oct, nullptr, 8)));
                i += 3;
                continue;
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

std::vector<MountEntry> parse_mountinfo(const std::string& text, const std::string& where) {
    std::vector<MountEntry> out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        const auto f = split_spaces(line);
        const std::string at = where + " line " + std::to_string(number);
        // id parent major:minor root mount-point options [optional...] - fstype source super
        std::size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (f.size() < 7 || dash >= f.size())
            throw Error(ErrorCode::malformed, "not a mountinfo line", at);
        MountEntry m;
        const std::string& mm = f[2];
        const auto colon = mm.find(':');
        if (colon == std::string::npos || !parse_number(mm.substr(0, colon), m.major) ||
            !parse_number(mm.substr(colon + 1), m.minor))
            throw Error(ErrorCode::malformed, "'" + mm + "' is not major:minor", at);
        m.mount_point = unescape_mount_field(f[4]);
        if (dash + 1 < f.size()) m.fs_type = f[dash + 1];
        if (dash + 2 < f.size()) m.source = unescape_mount_field(f[dash + 2]);
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<std::string> parse_swaps(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {  // "Filename Type Size Used Priority"
            header = false;
            if (line.rfind("Filename", 0) == 0) continue;
        }
        const auto f = split_spaces(line);
        if (!f.empty()) out.push_back(unescape_mount_field(f[0]));
    }
    return out;
}

std::vector<MountEntry> read_mounts(const std::filesystem::path& mountinfo) {
    const std::string path = mountinfo.string();
    std::string text;
    if (!read_text(path, text)) throw Error(ErrorCode::io, "cannot read the mount table", path);
    return parse_mountinfo(text, path);
}

std::vector<SwapEntry> read_swaps(const std::filesystem::path& swaps, bool may_be_missing) {
    const std::string path = swaps.string();
    std::string text;
    if (!read_text(path, text)) {
        if (!may_be_missing) throw Error(ErrorCode::io, "cannot read the swap table", path);
        return {};
    }
    std::vector<SwapEntry> out;
    for (auto& p : parse_swaps(text)) {
        SwapEntry e;
        e.path = std::move(p);
        struct stat st {};
        if (e.path.rfind("/dev/", 0) != 0 && ::stat(e.path.c_str(), &st) == 0) {
            e.major = major(st.st_dev);
            e.minor = minor(st.st_dev);
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace ukpu::devices
