// A key file's setup.bin bytes as the store keeps them: a zstd frame (level 1). A batch's files
// hold the same entries record after record, so they shrink about tenfold: 100,000 records take
// about 5 MB in the store instead of 51 MB, written once through the WAL and once more at its
// checkpoint. Rows written before schema 6 hold the bytes as they are (encoding NULL).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ukpu::keys {

// The value of key_files.setup_bin_encoding for a packed file.
inline constexpr std::string_view packed_encoding = "zstd";

// `bytes` packed. Throws Error(io) when zstd fails (it does not on bytes in memory).
std::vector<std::uint8_t> pack_setup_bin(std::span<const std::uint8_t> bytes);

// The bytes of a stored setup_bin column with its encoding (NULL for bytes kept as they are).
// Throws Error(bad_input) naming `where` for an encoding this ukpu does not know or a frame that
// does not unpack (a damaged store).
std::vector<std::uint8_t> unpack_setup_bin(std::vector<std::uint8_t> stored,
                                           const std::optional<std::string>& encoding,
                                           const std::string& where);

}  // namespace ukpu::keys
