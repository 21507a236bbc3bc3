#include "ukpu/keys/packed_setup_bin.hpp"

#include <zstd.h>

#include "ukpu/keys/error.hpp"

namespace ukpu::keys {

std::vector<std::uint8_t> pack_setup_bin(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> out(ZSTD_compressBound(bytes.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 1);
    if (ZSTD_isError(n))
        throw Error(ErrorCode::io, std::string("cannot pack a setup.bin: ") + ZSTD_getErrorName(n));
    out.resize(n);
    out.shrink_to_fit();
    return out;
}

std::vector<std::uint8_t> unpack_setup_bin(std::vector<std::uint8_t> stored,
                                           const std::optional<std::string>& encoding,
                                           const std::string& where) {
    if (!encoding) return stored;
    if (*encoding != packed_encoding)
        throw Error(ErrorCode::bad_input,
                    "its setup.bin is stored as '" + *encoding +
                        "', which this ukpu cannot read (a newer ukpu wrote it?)",
                    where);
    const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
    // A setup.bin is at most a few megabytes: a larger size is a damaged frame header.
    constexpr unsigned long long most = 1ull << 30;
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > most)
        throw Error(ErrorCode::bad_input,
                    "its stored setup.bin is damaged (not a zstd frame of known size, " +
                        std::to_string(stored.size()) + " bytes stored)",
                    where);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(size));
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), stored.data(), stored.size());
    if (ZSTD_isError(n) || n != out.size())
        throw Error(ErrorCode::bad_input,
                    std::string("its stored setup.bin is damaged (") +
                        (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "shorter than its header says") +
                        ")",
                    where);
    return out;
}

}  // namespace ukpu::keys
