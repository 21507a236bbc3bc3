// Which firmware generations a key is judged by. Named by the user (`--firmware all`, or a list of
// legacy, uefi, mebx) they are the user's demand; otherwise they are the generations the key's
// content is for (setupbin::intended_generations: a PID/PPS key is for legacy BIOSes and UEFI,
// since a modern MEBx rejects PSK records by design), and what was left out is said once.
// Shared by build, verify, repair, keys generate and the window.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/setupbin/check.hpp"

namespace ukpu::provision {

// The generations of `firmware` ("all", or a comma-separated list of legacy, uefi, mebx). Throws
// Error(bad_argument) naming --firmware for another word.
fat::VerifyOptions verify_generations(const std::string& firmware);
// "legacy BIOS, UEFI BIOS": the generations of `o`, as a user reads them.
std::string generations_text(const fat::VerifyOptions& o);
// "legacy,uefi": the generations of `o` as --firmware takes them.
std::string firmware_list(const fat::VerifyOptions& o);
// The same generations as the setup.bin checker takes them.
std::set<setupbin::Firmware> check_generations(const fat::VerifyOptions& o);

struct Judgement {
    fat::VerifyOptions generations;
    bool by_content = false;  // not named by the user: the ones the content is for
    // Each generation left out, with why: "modern MEBx: the key holds PID/PPS (PSK) records ...".
    std::vector<std::string> left_out;

    // One line for the user, empty when nothing was left out: "judged for legacy BIOS, UEFI
    // BIOS; modern MEBx left out: ... (--firmware all judges it too)".
    std::string note() const;
};

// The generations to judge a key holding `setup` by: `firmware` when given, else its content's.
Judgement judge_generations(const std::optional<std::string>& firmware,
                            std::span<const std::uint8_t> setup);

// Each generation of `asked` that cannot use the key of `r`, with why: "legacy BIOS: the volume
// is FAT12; legacy BIOSes read only FAT16". Empty when each would apply its next record.
std::vector<std::string> unusable_generations(const fat::VerifyReport& r,
                                              const fat::VerifyOptions& asked);

// \setup.bin of the key on `dev` as a UEFI FAT driver reads it; nothing when it cannot be found.
std::optional<std::vector<std::uint8_t>> read_key_setup_bin(fat::BlockDevice& dev);

// Verifies the key on `dev` by `firmware` when given, else by the generations its setup.bin is
// for (all when none can be read). `judgement` receives what was decided. Throws fat::Error as
// verify_key does.
fat::VerifyReport verify_as_intended(fat::BlockDevice& dev,
                                     const std::optional<std::string>& firmware,
                                     Judgement& judgement, bool repair_advice = true);

}  // namespace ukpu::provision
