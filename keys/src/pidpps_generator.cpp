#include "ukpu/keys/pidpps_generator.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>

#include <pthread.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "ukpu/keys/error.hpp"
#include "ukpu/setupbin/password.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::keys {

namespace {

constexpr std::size_t pps_group_chars = 3;  // random characters per PPS group of 4

// Forks of this process so far, counted in each child (pthread_atfork): a child starts with a
// copy of its parent's blocks, which it must never hand out again.
std::atomic<unsigned> forks{0};

void count_fork() {
    forks.fetch_add(1, std::memory_order_relaxed);
}

// RAND_bytes drawn in blocks of 16 KiB (one call per some 100 records rather than three calls
// each), handed out a byte at a time. Each thread has its own; a forked child never reuses the
// bytes its parent had drawn (the block is dropped when a fork happened since it was drawn).
class RandomReader {
public:
    // Drops the block when this is a forked child of the process that drew it.
    void check_fork() {
        static const bool counting = ::pthread_atfork(nullptr, nullptr, count_fork) == 0;
        if (!counting) throw Error(ErrorCode::io, "cannot watch for forks (pthread_atfork)");
        if (forks_seen_ != forks.load(std::memory_order_relaxed)) pos_ = block_.size();
    }

    std::uint8_t next() {
        if (pos_ == block_.size()) refill();
        return block_[pos_++];
    }

private:
    void refill() {
        forks_seen_ = forks.load(std::memory_order_relaxed);
        random_bytes(block_);
        pos_ = 0;
    }

    std::array<std::uint8_t, 16384> block_{};
    std::size_t pos_ = block_.size();
    unsigned forks_seen_ = 0;
};

RandomReader& reader() {
    thread_local RandomReader r;
    return r;
}

}  // namespace

void random_bytes(std::span<std::uint8_t> out) {
    if (out.empty()) return;
    if (out.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw Error(ErrorCode::bad_argument, "too many random bytes asked for at once");
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
        unsigned long e = ERR_get_error();
        std::array<char, 256> buf{};
        ERR_error_string_n(e, buf.data(), buf.size());
        throw Error(ErrorCode::io, std::string("the random generator failed: ") + buf.data());
    }
}

std::string random_string(std::size_t count, std::string_view alphabet) {
    const std::size_t size = alphabet.size();
    if (size < 2 || size > 256)
        throw Error(ErrorCode::bad_argument, "an alphabet needs 2 to 256 characters");
    // Bytes at or above `limit` would make the low residues more likely: they are drawn again.
    const unsigned limit = 256u - 256u % static_cast<unsigned>(size);
    std::string out;
    out.reserve(count);
    RandomReader& r = reader();
    r.check_fork();
    while (out.size() < count) {
        const std::uint8_t b = r.next();
        if (b >= limit) continue;
        out.push_back(alphabet[b % size]);
    }
    return out;
}

std::string generate_pid() {
    std::string pid = random_string(setupbin::pid_length - 1, pidpps_alphabet);
    pid.push_back(setupbin::pid_pps_checksum(pid));
    return pid;
}

std::string generate_pps() {
    const std::size_t groups = setupbin::pps_length / (pps_group_chars + 1);
    const std::string body = random_string(groups * pps_group_chars, pidpps_alphabet);
    std::string pps;
    pps.reserve(setupbin::pps_length);
    for (std::size_t g = 0; g < groups; ++g) {
        std::string_view chars(body.data() + g * pps_group_chars, pps_group_chars);
        pps.append(chars);
        pps.push_back(setupbin::pid_pps_checksum(chars));
    }
    return pps;
}

std::string generate_password(std::size_t length) {
    if (length < setupbin::mebx_password_min || length > setupbin::mebx_password_max)
        throw Error(ErrorCode::bad_argument, "a MEBx password has 8 to 32 characters");
    for (;;) {
        std::string pw = random_string(length, password_alphabet);
        if (setupbin::new_password_problems(pw).empty()) return pw;
    }
}

}  // namespace ukpu::keys
