// Record consumption exactly as the BIOS performs it, on the file's bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace ukpu::setupbin {

struct ConsumeResult {
    bool consumed = false;           // false: the record is reusable (v2+ with FileFlags bit0)
    std::uint32_t record_index = 0;  // 0-based index of the record the firmware took
    std::uint64_t record_offset = 0;
};

// Which record the next PC takes: the 0-based index, or nothing when all are consumed or the
// record at the computed offset is not a valid data record. Throws Error for a file too malformed
// to locate records.
std::optional<std::uint32_t> next_record(std::span<const std::uint8_t> file);

// Applies the firmware's consumption of the next record to `file` in place: zero the record body,
// clear Valid (keep Scrambled), write DataRecordsConsumed+1 at 0x20 -- unless the file is v2+ and
// reusable, in which case nothing is written. Throws Error when there is no record to take.
ConsumeResult consume_next(std::span<std::uint8_t> file);

}  // namespace ukpu::setupbin
