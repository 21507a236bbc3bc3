// Writing the model to bytes and building canonical models.
#include "ukpu/setupbin/write.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "hex_text.hpp"
#include "scramble.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/format.hpp"

namespace ukpu::setupbin {

namespace {

namespace fh = format::header;
namespace fr = format::record;
namespace fe = format::entry;

[[noreturn]] void fail(const std::string& message, Location where = {}) {
    throw Error(ErrorCode::bad_argument, message, std::move(where));
}

void write_header(const FileHeader& h, std::span<std::uint8_t> out) {
    using namespace ukpu::bytes;
    std::copy(h.guid.bytes.begin(), h.guid.bytes.end(), out.begin() + fh::guid);
    put_u16(out, fh::chunk_count, h.chunk_count);
    put_u16(out, fh::header_byte_count, h.header_byte_count);
    put_u32(out, fh::record_number, h.record_number);
    put_u8(out, fh::major_version, h.major);
    put_u8(out, fh::minor_version, h.minor);
    put_u16(out, fh::file_flags, h.flags);
    put_u32(out, fh::data_record_count, h.record_count);
    put_u32(out, fh::records_consumed, h.records_consumed);
    put_u16(out, fh::data_record_chunks, h.record_chunk_count);
    put_u16(out, fh::reserved, h.reserved);

    if (h.modules.size() > fh::module_list_slots)
        fail("the module list has " + std::to_string(h.modules.size()) + " ids but holds at most " +
                 std::to_string(fh::module_list_slots),
             Location{.offset = fh::module_list, .field = "ModuleList"});
    std::size_t pos = fh::module_list;
    for (const auto id : h.modules) {
        if (id == 0)
            fail("module id 0 cannot be listed: it terminates the module list",
                 Location{.offset = pos, .field = "ModuleList"});
        put_u16(out, pos, id);
        pos += 2;
    }
    if (!h.module_area_tail.empty()) {
        const std::size_t tail_start = pos + 2;  // after the 0 terminator
        if (tail_start > format::chunk_size ||
            h.module_area_tail.size() > format::chunk_size - tail_start)
            fail("the " + std::to_string(h.module_area_tail.size()) +
                     " bytes kept after the module list terminator do not fit in the header",
                 Location{.offset = pos, .field = "ModuleList"});
        std::copy(h.module_area_tail.begin(), h.module_area_tail.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(tail_start));
    }
}

void write_record(const Record& rec, std::uint32_t number, std::span<std::uint8_t> out,
                  std::uint64_t file_offset) {
    using namespace ukpu::bytes;
    put_u32(out, fr::type, rec.type);
    put_u32(out, fr::flags, rec.flags);
    put_u32(out, fr::reserved0, rec.reserved[0]);
    put_u32(out, fr::reserved1, rec.reserved[1]);
    put_u16(out, fr::chunk_count, rec.chunk_count);
    put_u16(out, fr::header_byte_count, rec.header_byte_count);
    put_u32(out, fr::record_number, rec.number);
    if (rec.consumed) return;  // the body stays all zero and is never scrambled

    auto body = out.subspan(fr::header_size);
    std::size_t pos = 0;
    for (std::size_t i = 0; i < rec.entries.size(); ++i) {
        const Entry& e = rec.entries[i];
        const std::string name =
            "entry " + std::to_string(e.module) + "/" + std::to_string(e.variable);
        const Location where{
            .offset = file_offset + fr::header_size + pos, .field = name, .record = number};
        if (e.value.size() > 0xFFFF)
            fail("the value is " + std::to_string(e.value.size()) +
                     " bytes long; an entry holds at most 65535",
                 where);
        const std::size_t need = fe::header_size + format::padded(e.value.size());
        if (need > body.size() - pos)
            fail("the entries do not fit in the record: entry " + std::to_string(i + 1) +
                     " needs " + std::to_string(need) + " bytes but only " +
                     std::to_string(body.size() - pos) + " are left of " +
                     std::to_string(body.size()),
                 where);
        put_u16(body, pos + fe::module, e.module);
        put_u16(body, pos + fe::variable, e.variable);
        put_u16(body, pos + fe::length, static_cast<std::uint16_t>(e.value.size()));
        put_u16(body, pos + fe::reserved, e.reserved);
        std::copy(e.value.begin(), e.value.end(),
                  body.begin() + static_cast<std::ptrdiff_t>(pos + fe::header_size));
        pos += need;
    }
    if (!rec.trailing.empty()) {
        if (rec.trailing.size() > body.size() - pos)
            fail("the " + std::to_string(rec.trailing.size()) +
                     " trailing bytes do not fit after the entries (" +
                     std::to_string(body.size() - pos) + " bytes left)",
                 Location{.offset = file_offset + fr::header_size + pos,
                          .field = "record tail",
                          .record = number});
        std::copy(rec.trailing.begin(), rec.trailing.end(),
                  body.begin() + static_cast<std::ptrdiff_t>(pos));
    }
    if (rec.scrambled()) scrambling::scramble(body);
}

std::vector<std::uint16_t> modules_used(const std::vector<Record>& records) {
    std::set<std::uint16_t> used;
    for (const auto& rec : records) {
        if (rec.consumed) continue;
        for (const auto& e : rec.entries)
            if (e.module != 0) used.insert(e.module);
    }
    return {used.begin(), used.end()};
}

std::uint16_t header_bytes_for(std::size_t modules) {
    return static_cast<std::uint16_t>(fh::fixed_bytes + 2 * (modules + 1));
}

}  // namespace

std::vector<std::uint8_t> serialize(const SetupBin& file) {
    const FileHeader& h = file.header;
    const std::size_t extra_header =
        h.chunk_count > 1 ? (std::size_t{h.chunk_count} - 1) * format::chunk_size : 0;
    if (h.extra_chunks.size() != extra_header)
        fail("the header chunk count " + std::to_string(h.chunk_count) + " needs " +
                 std::to_string(extra_header) + " bytes of extra header chunks but the model has " +
                 std::to_string(h.extra_chunks.size()),
             Location{.offset = fh::chunk_count, .field = "RecordChunkCount"});
    const std::size_t record_size = std::size_t{h.record_chunk_count} * format::chunk_size;
    if (!file.records.empty() && record_size == 0)
        fail("the data record chunk count is 0, so records cannot be written",
             Location{.offset = fh::data_record_chunks, .field = "DataRecordChunkCount"});

    const std::size_t records_start = format::chunk_size + extra_header;
    std::vector<std::uint8_t> out(records_start + file.records.size() * record_size +
                                  file.extra.size());
    std::span<std::uint8_t> all(out);
    write_header(h, all.first(format::chunk_size));
    std::copy(h.extra_chunks.begin(), h.extra_chunks.end(), out.begin() + format::chunk_size);

    for (std::size_t i = 0; i < file.records.size(); ++i) {
        const Record& rec = file.records[i];
        const auto number = static_cast<std::uint32_t>(i + 1);
        const std::size_t offset = records_start + i * record_size;
        if (rec.chunk_count != h.record_chunk_count)
            fail("the record chunk count " + std::to_string(rec.chunk_count) +
                     " differs from the header's DataRecordChunkCount " +
                     std::to_string(h.record_chunk_count),
                 Location{.offset = offset + fr::chunk_count,
                          .field = "RecordChunkCount",
                          .record = number});
        write_record(rec, number, all.subspan(offset, record_size), offset);
    }
    std::copy(file.extra.begin(), file.extra.end(),
              out.begin() + static_cast<std::ptrdiff_t>(out.size() - file.extra.size()));
    return out;
}

SetupBin build(const BuildOptions& options, const std::vector<std::vector<Entry>>& records) {
    const VersionInfo& v = version_info(options.version);
    SetupBin file;
    FileHeader& h = file.header;
    h.guid = v.guid;
    h.major = v.major;
    h.minor = v.minor;
    h.chunk_count = 1;
    h.record_number = 0;
    h.flags = options.reusable ? format::flag_dont_consume : 0;
    h.records_consumed = 0;
    h.record_chunk_count = 1;
    h.reserved = 0;

    const std::uint32_t flags =
        format::record_flag_valid | (options.scramble ? format::record_flag_scrambled : 0u);
    file.records.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        Record rec;
        rec.type = format::record_type_data;
        rec.flags = flags;
        rec.chunk_count = 1;
        rec.header_byte_count = fr::header_size;
        rec.number = static_cast<std::uint32_t>(i + 1);
        rec.entries = records[i];
        std::stable_sort(
            rec.entries.begin(), rec.entries.end(), [](const Entry& a, const Entry& b) {
                return a.module != b.module ? a.module < b.module : a.variable < b.variable;
            });
        file.records.push_back(std::move(rec));
    }
    normalize_header(file);
    return file;
}

void normalize_header(SetupBin& file) {
    FileHeader& h = file.header;
    h.modules = modules_used(file.records);
    if (h.modules.size() > fh::module_list_slots)
        throw Error(ErrorCode::bad_argument,
                    "the records use " + std::to_string(h.modules.size()) +
                        " distinct modules but the module list holds at most " +
                        std::to_string(fh::module_list_slots),
                    Location{.offset = fh::module_list, .field = "ModuleList"});
    h.module_area_tail.clear();
    h.header_byte_count = header_bytes_for(h.modules.size());
    h.record_count = static_cast<std::uint32_t>(file.records.size());
}

}  // namespace ukpu::setupbin
