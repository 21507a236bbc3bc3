// A key as desktop tools make it, for the repair tests: FAT16 without a partition table, another
// file first, the setup.bin after it (where old firmware would not find it).
#pragma once

#include <string>

namespace ukpu::test {

// Formats `target` (an image file or a device) the way desktop tools do: FAT16 without a
// partition table, a file first (NOTES.TXT, a copy of /etc/os-release), then `setup_bin` as
// Setup.Bin after it, which old firmware would not find. False when a tool failed (needs
// dosfstools and mtools).
bool make_desktop_key(const std::string& target, const std::string& setup_bin);

// True when the key `target` still holds the NOTES.TXT make_desktop_key put there, byte for
// byte (mtools reads it back).
bool desktop_key_notes_kept(const std::string& target);

}  // namespace ukpu::test
