// Record consumption as the BIOS performs it: it takes the record at RecordChunkCount*512 +
// DataRecordsConsumed*DataRecordChunkCount*512. Only the raw header and record fields the firmware
// reads are used.
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/base/counted.hpp"

#include <algorithm>
#include <string>

#include "hex_text.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/format.hpp"

namespace ukpu::setupbin {

namespace {

namespace fh = format::header;
namespace fr = format::record;

struct Slot {
    std::uint32_t index = 0;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

// The record the BIOS looks at: RecordChunkCount*512 +
// DataRecordsConsumed*DataRecordChunkCount*512. Empty when every record is consumed or the record
// there is not a valid data record.
std::optional<Slot> locate(std::span<const std::uint8_t> file) {
    using namespace ukpu::bytes;
    if (file.size() < format::chunk_size)
        throw Error(ErrorCode::truncated,
                    "truncated: the file is " + std::to_string(file.size()) +
                        " bytes long, shorter than the 512-byte file header",
                    Location{.offset = file.size(), .field = "file header"});
    const std::uint16_t header_chunks = get_u16(file, fh::chunk_count);
    const std::uint32_t count = get_u32(file, fh::data_record_count);
    const std::uint32_t consumed = get_u32(file, fh::records_consumed);
    const std::uint16_t record_chunks = get_u16(file, fh::data_record_chunks);
    if (consumed >= count) return std::nullopt;
    if (record_chunks == 0)
        throw Error(ErrorCode::bad_header,
                    "the data record chunk count is 0, so no record can be located",
                    Location{.offset = fh::data_record_chunks, .field = "DataRecordChunkCount"});
    Slot s;
    s.index = consumed;
    s.size = std::uint64_t{record_chunks} * format::chunk_size;
    s.offset = std::uint64_t{header_chunks} * format::chunk_size + std::uint64_t{consumed} * s.size;
    if (s.offset + s.size > file.size())
        throw Error(
            ErrorCode::truncated,
            "record " + std::to_string(consumed + 1) + " would be at " +
                message_text::hex(s.offset) + ".." + message_text::hex(s.offset + s.size) +
                " but the file has only " + std::to_string(file.size()) + " bytes",
            Location{.offset = s.offset, .field = "DataRecordsConsumed", .record = consumed + 1});
    const auto rec = file.subspan(static_cast<std::size_t>(s.offset));
    if (get_u32(rec, fr::type) != format::record_type_data) return std::nullopt;
    if ((get_u32(rec, fr::flags) & format::record_flag_valid) == 0) return std::nullopt;
    return s;
}

}  // namespace

std::optional<std::uint32_t> next_record(std::span<const std::uint8_t> file) {
    const auto slot = locate(file);
    if (!slot) return std::nullopt;
    return slot->index;
}

ConsumeResult consume_next(std::span<std::uint8_t> file) {
    using namespace ukpu::bytes;
    const auto slot = locate(file);
    if (!slot) {
        const std::uint32_t count = get_u32(file, fh::data_record_count);
        const std::uint32_t consumed = get_u32(file, fh::records_consumed);
        if (consumed >= count)
            throw Error(ErrorCode::bad_argument,
                        "no record left to consume: " + std::to_string(consumed) + " of " +
                            base::counted(count, "record") + (count == 1 ? " is" : " are") +
                            " consumed",
                        Location{.offset = fh::records_consumed, .field = "DataRecordsConsumed"});
        throw Error(ErrorCode::bad_record,
                    "the next record is not a valid data record (type 1 with the Valid bit)",
                    Location{.field = "RecordFlags", .record = consumed + 1});
    }
    ConsumeResult result;
    result.record_index = slot->index;
    result.record_offset = slot->offset;

    const std::uint8_t major = get_u8(file, fh::major_version);
    const std::uint16_t flags = get_u16(file, fh::file_flags);
    if (major >= 2 && (flags & format::flag_dont_consume) != 0) return result;

    auto rec =
        file.subspan(static_cast<std::size_t>(slot->offset), static_cast<std::size_t>(slot->size));
    const std::size_t body_start = get_u16(rec, fr::header_byte_count);
    if (body_start > rec.size())
        throw Error(ErrorCode::bad_record,
                    "the record header byte count " + std::to_string(body_start) +
                        " is larger than the record",
                    Location{.offset = slot->offset + fr::header_byte_count,
                             .field = "RecordHeaderByteCount",
                             .record = slot->index + 1});
    std::fill(rec.begin() + static_cast<std::ptrdiff_t>(body_start), rec.end(), std::uint8_t{0});
    put_u32(rec, fr::flags, get_u32(rec, fr::flags) & ~format::record_flag_valid);
    put_u32(file, fh::records_consumed, get_u32(file, fh::records_consumed) + 1);
    result.consumed = true;
    return result;
}

}  // namespace ukpu::setupbin
