// The speed and time left of one stick's write, from the progress reports it gets: bytes done
// since the first report over the time since then (an average: a stick's speed varies from one
// request to the next as its cache fills). A new phase ("writing", then "verifying") or bytes
// going back starts the measure again.
#pragma once

#include <QString>

#include <chrono>
#include <cstdint>
#include <optional>

namespace ukpu::gui {

class TransferRate {
public:
    using Clock = std::chrono::steady_clock;

    // `what` ("writing") reached `done` of `total` bytes at `now`.
    void update(const QString& what, std::uint64_t done, std::uint64_t total,
                Clock::time_point now);

    // Bytes per second once half a second has passed with bytes done; none before.
    std::optional<double> bytes_per_second() const;
    // Seconds until `total` at that speed; none without a speed.
    std::optional<double> seconds_left() const;
    // "writing 45%, 12.3 MB/s, 8 s left" ("writing 45%" until the speed is known).
    QString text() const;

private:
    QString what_;
    std::uint64_t first_done_ = 0;
    Clock::time_point first_{};
    std::uint64_t done_ = 0;
    std::uint64_t total_ = 0;
    Clock::time_point last_{};
    bool started_ = false;
};

// "8 s", "2 min 05 s", "1 h 02 min".
QString duration_text(double seconds);
// "12.3 MB/s" (MB: 10^6 bytes, as stick makers count), "850 kB/s" below 1 MB/s.
QString speed_text(double bytes_per_second);

}  // namespace ukpu::gui
