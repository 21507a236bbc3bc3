#include "ukpu/fatwriter/dos_time.hpp"

#include <ctime>

namespace ukpu::fat {

DosDateTime to_dos_time(std::int64_t epoch_seconds) {
    constexpr std::int64_t min_epoch = 315532800;   // 1980-01-01T00:00:00Z
    constexpr std::int64_t max_epoch = 4354819198;  // 2107-12-31T23:59:58Z
    if (epoch_seconds < min_epoch) epoch_seconds = min_epoch;
    if (epoch_seconds > max_epoch) epoch_seconds = max_epoch;
    const std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    DosDateTime d;
    d.date = static_cast<std::uint16_t>(((tm.tm_year + 1900 - 1980) << 9) | ((tm.tm_mon + 1) << 5) |
                                        tm.tm_mday);
    d.time = static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    return d;
}

std::int64_t from_dos_time(DosDateTime t) {
    std::tm tm{};
    tm.tm_year = ((t.date >> 9) & 0x7F) + 1980 - 1900;
    tm.tm_mon = ((t.date >> 5) & 0x0F) - 1;
    tm.tm_mday = t.date & 0x1F;
    tm.tm_hour = (t.time >> 11) & 0x1F;
    tm.tm_min = (t.time >> 5) & 0x3F;
    tm.tm_sec = (t.time & 0x1F) * 2;
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace ukpu::fat
