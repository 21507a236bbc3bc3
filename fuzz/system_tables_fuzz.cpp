// libFuzzer target for the system tables ukpu reads before it writes a stick: the mount table
// (/proc/self/mountinfo) and the swap table (/proc/swaps). A wrong reading could hide a mounted
// system disk, so the parsers must never crash and must fail only with devices::Error.
//
// For every input:
//  - parse_mountinfo returns entries or throws devices::Error(malformed) naming the line;
//  - every entry's unescaped mount point and source are no longer than the input;
//  - parse_swaps never throws, and returns at most one path per line;
//  - unescape_mount_field never lengthens a field.
// Any other exception escapes to libFuzzer, which reports it as a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ukpu/devices/error.hpp"
#include "ukpu/devices/mounts.hpp"

namespace dv = ukpu::devices;

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto mounts = dv::parse_mountinfo(text, "mountinfo");
        for (const auto& m : mounts) {
            require(m.mount_point.size() <= size, "mount point longer than the input");
            require(m.source.size() <= size, "source longer than the input");
        }
    } catch (const dv::Error& e) {
        require(e.code() == dv::ErrorCode::malformed, "mountinfo error other than malformed");
        require(e.location().rfind("mountinfo line ", 0) == 0, "error does not name its line");
    }
    const auto swaps = dv::parse_swaps(text);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    require(swaps.size() <= lines, "more swap entries than lines");
    require(dv::unescape_mount_field(text).size() <= size, "unescaping lengthened a field");
    return 0;
}
