// Throughput of the setup.bin writer and parser on a large PSK batch file.
//
// Builds a model of N records (default 100,000) shaped like a PSK batch: 1/1 "admin", 1/2 a
// strong password, 2/1 PID, 2/2 PPS, scrambled, format 2.0, consumable. Then times, best of R
// runs (default 5) with std::chrono::steady_clock:
//   - serialize(model)         (the writer)
//   - parse_lenient(bytes)     (the parser)
//   - check(parsed)            (every firmware generation's rules)
//   - a plain pass over the same bytes (copy into a second buffer + byte sum), run in the same
//     process as the baseline, so each figure is also given as a ratio to it.
// Prints records per second, the ratios and the peak resident set size. It asserts nothing about
// time; it fails only when the parsed file differs from the model it was written from.
//
// Usage: setupbin_bench [--records N] [--runs R]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/write.hpp"

namespace sb = ukpu::setupbin;
using Clock = std::chrono::steady_clock;

namespace {

// Keeps results observable so the optimiser cannot drop the work being timed.
volatile std::uint64_t g_sink = 0;

std::vector<std::uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}

// A deterministic generator (xorshift64*), so every run times the same file.
struct Rng {
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    std::uint64_t next() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1Dull;
    }
    char pick(std::string_view alphabet) { return alphabet[next() % alphabet.size()]; }
};

constexpr std::string_view upper_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

std::string make_pid(Rng& rng) {
    std::string s;
    for (int i = 0; i < 7; ++i) s += rng.pick(upper_digits);
    s += sb::pid_pps_checksum(s);
    return s;
}

std::string make_pps(Rng& rng) {
    std::string s;
    for (int g = 0; g < 8; ++g) {
        std::string group;
        for (int i = 0; i < 3; ++i) group += rng.pick(upper_digits);
        s += group;
        s += sb::pid_pps_checksum(group);
    }
    return s;
}

// 16 characters with each class the MEBx asks for, none of the forbidden ones.
std::string make_password(Rng& rng) {
    std::string s = "Aa1!";
    constexpr std::string_view pool =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*+-./;=?@[]^{}~";
    for (int i = 0; i < 12; ++i) s += rng.pick(pool);
    return s;
}

sb::SetupBin make_model(std::uint32_t records) {
    Rng rng;
    std::vector<std::vector<sb::Entry>> recs;
    recs.reserve(records);
    const auto admin = bytes_of("admin");
    for (std::uint32_t i = 0; i < records; ++i) {
        recs.push_back({
            sb::Entry{1, 1, 0, admin},
            sb::Entry{1, 2, 0, bytes_of(make_password(rng))},
            sb::Entry{2, 1, 0, bytes_of(make_pid(rng))},
            sb::Entry{2, 2, 0, bytes_of(make_pps(rng))},
        });
    }
    sb::BuildOptions options;
    options.version = sb::FormatVersion::v2_0;
    options.reusable = false;
    options.scramble = true;
    return sb::build(options, recs);
}

// Runs `fn` `runs` times and returns the best wall time in seconds.
template <typename Fn>
double best_of(int runs, Fn&& fn) {
    double best = std::numeric_limits<double>::infinity();
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        fn();
        const auto t1 = Clock::now();
        best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    }
    return best;
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;  // KiB on Linux
}

[[noreturn]] void usage_error(const char* argv0) {
    std::fprintf(stderr, "usage: %s [--records N] [--runs R]\n", argv0);
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    unsigned long records = 100000;
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--records" || arg == "--runs") && i + 1 < argc) {
            char* end = nullptr;
            const unsigned long v = std::strtoul(argv[++i], &end, 10);
            if (*end != '\0' || v == 0 || v > 4000000) usage_error(argv[0]);
            if (arg == "--records")
                records = v;
            else
                runs = static_cast<int>(std::min(v, 1000ul));
        } else {
            usage_error(argv[0]);
        }
    }

    const auto t_build0 = Clock::now();
    const sb::SetupBin model = make_model(static_cast<std::uint32_t>(records));
    const double build_s = std::chrono::duration<double>(Clock::now() - t_build0).count();

    std::vector<std::uint8_t> bytes;
    const double write_s = best_of(runs, [&] {
        bytes = sb::serialize(model);
        g_sink = g_sink + bytes.size();
    });
    const double mb = static_cast<double>(bytes.size()) / 1e6;

    sb::ParseResult parsed;
    const double parse_s = best_of(runs, [&] {
        parsed = sb::parse_lenient(bytes);
        g_sink = g_sink + parsed.file.records.size();
    });

    std::size_t check_problems = 0;
    const double check_s = best_of(runs, [&] {
        const sb::CheckResult result = sb::check(parsed);
        check_problems = result.problems.size();
        g_sink = g_sink + check_problems;
    });

    // Baseline: touch every byte once, as cheaply as a program that does nothing with them can.
    std::vector<std::uint8_t> copy(bytes.size());
    const double plain_s = best_of(runs, [&] {
        std::memcpy(copy.data(), bytes.data(), bytes.size());
        std::uint64_t sum = 0;
        for (const std::uint8_t b : copy) sum += b;
        g_sink = g_sink + sum;
    });

    const bool identical = parsed.file == model && parsed.complete;
    const auto rate = [&](double s) { return static_cast<double>(records) / s; };

    std::printf("setupbin_bench: %lu records (PSK batch, v2.0, scrambled), %.1f MB, best of %d\n",
                records, mb, runs);
    std::printf("  model build (once):  %8.3f s\n", build_s);
    std::printf("  plain copy + sum:    %8.3f s  %12.0f records/s  %8.0f MB/s  (baseline)\n",
                plain_s, rate(plain_s), mb / plain_s);
    std::printf("  serialize:           %8.3f s  %12.0f records/s  %8.0f MB/s  %6.1f x baseline\n",
                write_s, rate(write_s), mb / write_s, write_s / plain_s);
    std::printf("  parse_lenient:       %8.3f s  %12.0f records/s  %8.0f MB/s  %6.1f x baseline\n",
                parse_s, rate(parse_s), mb / parse_s, parse_s / plain_s);
    std::printf(
        "  check (all fw):      %8.3f s  %12.0f records/s  %8.0f MB/s  %6.1f x baseline"
        "  (%zu problems)\n",
        check_s, rate(check_s), mb / check_s, check_s / plain_s, check_problems);
    std::printf("write: %.0f records/s, %.1f x the time of a plain copy of the same %.0f MB\n",
                rate(write_s), write_s / plain_s, mb);
    std::printf("parse: %.0f records/s, %.1f x the time of a plain copy of the same %.0f MB\n",
                rate(parse_s), parse_s / plain_s, mb);
    std::printf("peak RSS: %.1f MB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
    std::printf("round trip: %s (%zu format problems)\n",
                identical ? "parsed model identical to the written one" : "MODEL DIFFERS",
                parsed.problems.size());
    return identical ? 0 : 1;
}
