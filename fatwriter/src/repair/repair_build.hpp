// The two ways a repair is built, both into an OverlayDevice (nothing touches the key): in place
// (clusters moved, FAT and directories rewritten, the volume kept) and the strict conversion (a
// new strict-layout volume with every file and folder copied in).
#pragma once

#include <vector>

#include "ukpu/fatwriter/overlay_device.hpp"
#include "repair_scan.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/repair.hpp"

namespace ukpu::fat {

// Write phases: moved clusters into free space, then metadata (FATs, directories, FSInfo),
// then setup.bin's run.
inline constexpr std::uint32_t phase_moves = 1;
inline constexpr std::uint32_t phase_metadata = 2;
inline constexpr std::uint32_t phase_setup = 3;

struct SetupFile {
    std::size_t entry = 0;  // index into scan.entries
    std::vector<std::uint8_t> data;
    std::array<std::uint8_t, 32> raw{};  // its directory entry as stored
};

// Finds, reads and checks the setup file (content defects are refused, see plan_repair).
SetupFile load_setup_file(const Volume& volume, const ScannedVolume& scan,
                          const RepairOptions& options, RepairPlan& plan);

// The 8.3 entry `SETUP   BIN`, archive only, no case flags, at `cluster`; timestamps and size
// from `raw`.
std::array<std::uint8_t, 32> setup_entry(const std::array<std::uint8_t, 32>& raw, FatType type,
                                         std::uint32_t cluster);

void build_in_place(OverlayDevice& overlay, const VolumeLocation& where, const Volume& volume,
                    const ScannedVolume& scan, const SetupFile& setup, RepairPlan& plan);

// `checks_only`: returns after the checks that can refuse the conversion, before every file is
// read and copied.
void build_strict(OverlayDevice& overlay, const Volume& volume, const ScannedVolume& scan,
                  const SetupFile& setup, RepairPlan& plan, bool checks_only = false);

// Throws Error(no_space) when the device is too small for the strict layout (FAT16 with the
// partition at 1 MiB), whatever it holds: what the strict conversion refuses first, known without
// reading the volume.
void check_strict_fits(const BlockDevice& device);

// Throws what plan_repair throws for this key and these options, without building the strict
// copy of every file or checking the result: how verify learns whether `ukpu repair` would
// refuse the key it advises it for. Writes nothing.
void check_repairable(BlockDevice& device, const RepairOptions& options);

}  // namespace ukpu::fat
