// FAT directory timestamps: DOS date (years since 1980, month, day) and time (2-second units).
#pragma once

#include <cstdint>

namespace ukpu::fat {

struct DosDateTime {
    std::uint16_t date = 0;
    std::uint16_t time = 0;
};

// UTC calendar of `epoch_seconds`, clamped to the FAT range 1980-01-01 .. 2107-12-31.
DosDateTime to_dos_time(std::int64_t epoch_seconds);
// Seconds since the epoch of a DOS date/time read as UTC.
std::int64_t from_dos_time(DosDateTime t);

}  // namespace ukpu::fat
