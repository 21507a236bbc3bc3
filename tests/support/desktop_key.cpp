#include "support/desktop_key.hpp"

#include <cstdlib>

namespace ukpu::test {

bool make_desktop_key(const std::string& target, const std::string& setup_bin) {
    const std::string env = "MTOOLS_SKIP_CHECK=1 ";
    return std::system(("mkfs.fat -F16 -n DESKTOP " + target + " >/dev/null 2>&1 && " + env +
                        "mcopy -i " + target + " /etc/os-release ::NOTES.TXT 2>/dev/null && " +
                        env + "mcopy -i " + target + " " + setup_bin + " ::Setup.Bin 2>/dev/null")
                           .c_str()) == 0;
}

bool desktop_key_notes_kept(const std::string& target) {
    return std::system(("MTOOLS_SKIP_CHECK=1 mtype -i " + target +
                        " ::NOTES.TXT 2>/dev/null | cmp -s - /etc/os-release")
                           .c_str()) == 0;
}

}  // namespace ukpu::test
