// Parsing setup.bin bytes into the model: the file header, then fixed-size data records of entries
// (8-byte header, value padded to 4 bytes) walked within the record's bounds. A record with Valid
// clear and an all-zero body is consumed and is not descrambled.
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/base/counted.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "hex_text.hpp"
#include "scramble.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::setupbin {

namespace {

namespace fh = format::header;
namespace fr = format::record;
namespace fe = format::entry;
using message_text::hex;
using Bytes = std::span<const std::uint8_t>;

class Parser {
public:
    explicit Parser(Bytes data) : data_(data) { result_.file_size = data.size(); }

    ParseResult run() {
        parse_all();
        return std::move(result_);
    }

private:
    Bytes data_;
    ParseResult result_;

    void report(Severity sev, ErrorCode code, std::optional<std::uint32_t> record,
                std::uint64_t offset, std::string field, std::string message) {
        Problem p;
        p.firmware = Firmware::format;
        p.severity = sev;
        p.code = code;
        p.where = Location{.offset = offset, .field = std::move(field), .record = record};
        p.message = std::move(message);
        result_.problems.push_back(std::move(p));
    }
    void error(ErrorCode code, std::uint64_t offset, std::string field, std::string message,
               std::optional<std::uint32_t> record = std::nullopt) {
        report(Severity::error, code, record, offset, std::move(field), std::move(message));
    }
    void warning(ErrorCode code, std::uint64_t offset, std::string field, std::string message,
                 std::optional<std::uint32_t> record = std::nullopt) {
        report(Severity::warning, code, record, offset, std::move(field), std::move(message));
    }

    void parse_all();
    bool parse_header();
    void parse_module_list();
    void parse_record(std::size_t index, std::size_t offset);
    void parse_entries(Record& rec, std::uint32_t number, std::size_t rec_offset,
                       std::span<const std::uint8_t> body);
    void check_module_list();
};

void Parser::parse_all() {
    if (data_.size() < format::chunk_size) {
        error(ErrorCode::truncated, data_.size(), "file header",
              "truncated: the file is " + std::to_string(data_.size()) +
                  " bytes long, shorter than the 512-byte file header");
        result_.complete = false;
        return;
    }
    if (!parse_header()) {
        result_.complete = false;
        return;
    }
    const FileHeader& h = result_.file.header;

    const std::uint64_t record_bytes = std::uint64_t{h.record_chunk_count} * format::chunk_size;
    const std::uint64_t records_start = std::uint64_t{h.chunk_count} * format::chunk_size;
    const std::uint64_t expected = records_start + std::uint64_t{h.record_count} * record_bytes;
    std::uint64_t fitting = h.record_count;
    if (data_.size() < expected) {
        fitting = (data_.size() - records_start) / record_bytes;
        error(ErrorCode::count_mismatch, fh::data_record_count, "DataRecordCount",
              "truncated: the header declares " + base::counted(h.record_count, "record") + " of " +
                  std::to_string(record_bytes) + " bytes, which needs a file of " +
                  std::to_string(expected) + " bytes, but the file has only " +
                  std::to_string(data_.size()) + " bytes (" + std::to_string(fitting) +
                  " whole record(s) present)");
        result_.complete = false;
    } else if (data_.size() > expected) {
        warning(ErrorCode::count_mismatch, expected, "file size",
                "the file is " + std::to_string(data_.size()) + " bytes long but its counts give " +
                    std::to_string(expected) + " bytes; the " +
                    std::to_string(data_.size() - expected) +
                    " extra byte(s) make newer BIOSes reject the file");
        result_.file.extra.assign(data_.begin() + static_cast<std::ptrdiff_t>(expected),
                                  data_.end());
    }

    result_.file.records.reserve(static_cast<std::size_t>(fitting));
    for (std::uint64_t i = 0; i < fitting; ++i)
        parse_record(static_cast<std::size_t>(i),
                     static_cast<std::size_t>(records_start + i * record_bytes));

    check_module_list();
}

bool Parser::parse_header() {
    FileHeader& h = result_.file.header;
    using namespace ukpu::bytes;
    h.guid = Guid::from_bytes(data_.subspan(fh::guid, 16));
    h.chunk_count = get_u16(data_, fh::chunk_count);
    h.header_byte_count = get_u16(data_, fh::header_byte_count);
    h.record_number = get_u32(data_, fh::record_number);
    h.major = get_u8(data_, fh::major_version);
    h.minor = get_u8(data_, fh::minor_version);
    h.flags = get_u16(data_, fh::file_flags);
    h.record_count = get_u32(data_, fh::data_record_count);
    h.records_consumed = get_u32(data_, fh::records_consumed);
    h.record_chunk_count = get_u16(data_, fh::data_record_chunks);
    h.reserved = get_u16(data_, fh::reserved);

    const std::string pair = std::to_string(h.major) + "." + std::to_string(h.minor);
    const auto family = version_family_from_guid(h.guid);
    if (!family) {
        error(ErrorCode::unknown_guid, fh::guid, "FileTypeUUID",
              "the file type GUID " + h.guid.str() +
                  " is none of the four setup.bin GUIDs (v1, v2, v3, v4)");
    } else if (!guid_accepts(h.guid, h.major, h.minor)) {
        const auto name = *family == FormatVersion::v2_0 ? std::string("2.x (2.0 or 2.1)")
                                                         : std::string(version_info(*family).name);
        error(ErrorCode::version_mismatch, fh::major_version, "MajorVersion/MinorVersion",
              "the GUID is the version " + name + " GUID but the version bytes say " + pair +
                  "; the BIOS ignores a file whose GUID and version disagree");
    }

    bool stop = false;
    if (h.chunk_count == 0) {
        error(ErrorCode::bad_header, fh::chunk_count, "RecordChunkCount",
              "the header chunk count is 0, so the BIOS reads the file header as the first data "
              "record (the bug of files made with MeshCommander's \"New\"); it must be 1");
        stop = true;
    }
    if (h.record_chunk_count == 0) {
        error(ErrorCode::bad_header, fh::data_record_chunks, "DataRecordChunkCount",
              "the data record chunk count is 0, which makes every record zero bytes long (the "
              "bug of files made with MeshCommander's \"New\"); it must be 1");
        stop = true;
    }
    if (h.record_number != 0)
        warning(ErrorCode::bad_header, fh::record_number, "RecordNumber",
                "the file header's record number is " + std::to_string(h.record_number) +
                    "; it should be 0");
    if ((h.flags & ~format::flag_dont_consume) != 0)
        warning(ErrorCode::bad_header, fh::file_flags, "FileFlags",
                "FileFlags is " + hex(h.flags) +
                    ": bits other than bit 0 are reserved and "
                    "should be 0");
    if (h.major == 1 && h.reusable())
        warning(ErrorCode::bad_header, fh::file_flags, "FileFlags",
                "FileFlags bit 0 (do not consume) is set in a version 1 file; v1 firmware ignores "
                "it and always consumes the records");
    if (h.reserved != 0)
        warning(ErrorCode::bad_header, fh::reserved, "Reserved",
                "the header's reserved field is " + hex(h.reserved) + "; it should be 0");
    if (h.records_consumed > h.record_count)
        error(ErrorCode::consumed_overflow, fh::records_consumed, "DataRecordsConsumed",
              "DataRecordsConsumed is " + std::to_string(h.records_consumed) +
                  " but the file has only " + base::counted(h.record_count, "record") +
                  "; newer BIOSes reject the file");

    parse_module_list();
    if (stop) return false;

    if (h.chunk_count > 1) {
        const std::uint64_t end = std::uint64_t{h.chunk_count} * format::chunk_size;
        if (data_.size() < end) {
            error(ErrorCode::truncated, fh::chunk_count, "RecordChunkCount",
                  "the header claims " + std::to_string(h.chunk_count) + " chunks (" +
                      std::to_string(end) + " bytes) but the file has only " +
                      std::to_string(data_.size()) + " bytes");
            return false;
        }
        h.extra_chunks.assign(data_.begin() + format::chunk_size,
                              data_.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return true;
}

void Parser::parse_module_list() {
    FileHeader& h = result_.file.header;
    std::size_t slot = 0;
    bool terminated = false;
    for (; slot < fh::module_list_slots; ++slot) {
        const auto id = bytes::get_u16(data_, fh::module_list + 2 * slot);
        if (id == 0) {
            terminated = true;
            break;
        }
        h.modules.push_back(id);
    }
    if (terminated) {
        const std::size_t tail_start = fh::module_list + 2 * (slot + 1);
        const auto tail = data_.subspan(tail_start, format::chunk_size - tail_start);
        if (std::any_of(tail.begin(), tail.end(), [](std::uint8_t b) { return b != 0; })) {
            h.module_area_tail.assign(tail.begin(), tail.end());
            warning(ErrorCode::bad_header, tail_start, "ModuleList",
                    "the module list area holds non-zero bytes after its 0 terminator");
        }
    }
    const std::size_t expected = fh::fixed_bytes + 2 * (h.modules.size() + 1);
    if (h.header_byte_count != expected)
        warning(ErrorCode::bad_header, fh::header_byte_count, "RecordHeaderByteCount",
                "the header byte count is " + std::to_string(h.header_byte_count) + " but " +
                    std::to_string(h.modules.size()) + " listed module(s) give " +
                    std::to_string(expected) + " (40 + 2 * (modules + 1))");
}

void Parser::parse_record(std::size_t index, std::size_t offset) {
    using namespace ukpu::bytes;
    const auto number = static_cast<std::uint32_t>(index + 1);
    const FileHeader& h = result_.file.header;
    const std::size_t size = std::size_t{h.record_chunk_count} * format::chunk_size;
    const auto rec_bytes = data_.subspan(offset, size);

    Record rec;
    rec.type = get_u32(rec_bytes, fr::type);
    rec.flags = get_u32(rec_bytes, fr::flags);
    rec.reserved = {get_u32(rec_bytes, fr::reserved0), get_u32(rec_bytes, fr::reserved1)};
    rec.chunk_count = get_u16(rec_bytes, fr::chunk_count);
    rec.header_byte_count = get_u16(rec_bytes, fr::header_byte_count);
    rec.number = get_u32(rec_bytes, fr::record_number);

    if (rec.type != format::record_type_data)
        warning(ErrorCode::bad_record, offset + fr::type, "RecordTypeIdentifier",
                "the record type is " + std::to_string(rec.type) +
                    ", not 1 (data record); the BIOS skips this record",
                number);
    const std::uint32_t known_flags = format::record_flag_valid | format::record_flag_scrambled;
    if ((rec.flags & ~known_flags) != 0)
        warning(ErrorCode::bad_record, offset + fr::flags, "RecordFlags",
                "RecordFlags is " + hex(rec.flags) + ": bits 2..31 are reserved and should be 0",
                number);
    if (rec.reserved[0] != 0)
        warning(ErrorCode::bad_record, offset + fr::reserved0, "Reserved",
                "the record's first reserved u32 is " + hex(rec.reserved[0]) + "; it should be 0",
                number);
    if (rec.reserved[1] != 0)
        warning(ErrorCode::bad_record, offset + fr::reserved1, "Reserved",
                "the record's second reserved u32 is " + hex(rec.reserved[1]) + "; it should be 0",
                number);

    bool usable = true;
    if (rec.chunk_count == 0 || rec.chunk_count > fr::max_chunks) {
        error(ErrorCode::bad_record, offset + fr::chunk_count, "RecordChunkCount",
              "the record chunk count is " + std::to_string(rec.chunk_count) +
                  "; the MEBx accepts only 1 to 10 (and it must equal the header's "
                  "DataRecordChunkCount " +
                  std::to_string(h.record_chunk_count) + ")",
              number);
        usable = false;
    } else if (rec.chunk_count != h.record_chunk_count) {
        error(ErrorCode::bad_record, offset + fr::chunk_count, "RecordChunkCount",
              "the record chunk count is " + std::to_string(rec.chunk_count) +
                  " but the header's DataRecordChunkCount is " +
                  std::to_string(h.record_chunk_count) + "; all records must have that size",
              number);
        usable = false;
    }
    if (usable && rec.header_byte_count != fr::header_size) {
        error(ErrorCode::bad_record, offset + fr::header_byte_count, "RecordHeaderByteCount",
              "the record header byte count is " + std::to_string(rec.header_byte_count) +
                  "; it must be 24" +
                  (rec.header_byte_count == 0 ? " (the MEBx rejects 0)"
                                              : " (no tool writes another value)"),
              number);
        usable = false;
    }
    if (!usable) {
        result_.complete = false;
        result_.file.records.push_back(std::move(rec));
        return;
    }

    const auto stored = rec_bytes.subspan(fr::header_size);
    const bool zero_body =
        std::all_of(stored.begin(), stored.end(), [](std::uint8_t b) { return b == 0; });
    if (!rec.valid() && zero_body) {
        rec.consumed = true;
    } else {
        std::vector<std::uint8_t> body(stored.begin(), stored.end());
        if (rec.scrambled()) scrambling::descramble(body);
        parse_entries(rec, number, offset, body);
    }
    result_.file.records.push_back(std::move(rec));
}

void Parser::parse_entries(Record& rec, std::uint32_t number, std::size_t rec_offset,
                           std::span<const std::uint8_t> body) {
    using namespace ukpu::bytes;
    const std::size_t body_offset = rec_offset + fr::header_size;
    std::size_t pos = 0;
    while (pos < body.size()) {
        const std::size_t left = body.size() - pos;
        const bool header_fits = left >= fe::header_size;
        const bool terminator = header_fits && get_u16(body, pos + fe::module) == 0 &&
                                get_u16(body, pos + fe::variable) == 0 &&
                                get_u16(body, pos + fe::length) == 0;
        if (!header_fits || terminator) {
            const auto rest = body.subspan(pos);
            if (std::any_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b != 0; })) {
                rec.trailing.assign(rest.begin(), rest.end());
                warning(ErrorCode::bad_record, body_offset + pos, "record tail",
                        "the " + std::to_string(rest.size()) +
                            " bytes after the last entry are not all zero" +
                            (rec.scrambled() ? " (after descrambling)" : "") +
                            "; they are kept but ignored by the firmware",
                        number);
            }
            return;
        }
        Entry e;
        e.module = get_u16(body, pos + fe::module);
        e.variable = get_u16(body, pos + fe::variable);
        e.reserved = get_u16(body, pos + fe::reserved);
        const std::size_t len = get_u16(body, pos + fe::length);
        const std::string name =
            "entry " + std::to_string(e.module) + "/" + std::to_string(e.variable);
        if (fe::header_size + len > left) {
            error(ErrorCode::entry_overrun, body_offset + pos, name,
                  name + " has value length " + std::to_string(len) + ": with its 8-byte " +
                      "header it runs " + base::counted(fe::header_size + len - left, "byte") +
                      " past the end of the record (" + std::to_string(left) + " bytes left)",
                  number);
            result_.complete = false;
            return;
        }
        if (e.reserved != 0)
            warning(ErrorCode::bad_record, body_offset + pos + fe::reserved, name,
                    "the entry's reserved u16 is " + hex(e.reserved) + "; it should be 0", number);
        const std::size_t value_at = pos + fe::header_size;
        e.value.assign(body.begin() + static_cast<std::ptrdiff_t>(value_at),
                       body.begin() + static_cast<std::ptrdiff_t>(value_at + len));
        const std::size_t next = std::min(value_at + format::padded(len), body.size());
        for (std::size_t i = value_at + len; i < next; ++i) {
            if (body[i] != 0) {
                warning(ErrorCode::bad_record, body_offset + i, name,
                        "the padding after the entry's value is not zero; the padding is "
                        "not kept",
                        number);
                break;
            }
        }
        rec.entries.push_back(std::move(e));
        pos = next;
    }
}

void Parser::check_module_list() {
    const SetupBin& f = result_.file;
    std::set<std::uint16_t> used;
    bool any_unconsumed = false;
    for (const auto& rec : f.records) {
        if (rec.consumed) continue;
        any_unconsumed = true;
        for (const auto& e : rec.entries)
            if (e.module != 0) used.insert(e.module);
    }
    if (!any_unconsumed) return;
    const std::set<std::uint16_t> listed(f.header.modules.begin(), f.header.modules.end());
    if (listed == used) return;
    const std::vector<std::uint16_t> used_v(used.begin(), used.end());
    const std::vector<std::uint16_t> listed_v(listed.begin(), listed.end());
    const std::string uses = used_v.empty()
                                 ? std::string("the records use no module")
                                 : "the records use module(s) " + message_text::join_ids(used_v);
    const std::string lists = listed_v.empty()
                                  ? std::string("the module list is empty")
                                  : "the module list names " + message_text::join_ids(listed_v);
    warning(ErrorCode::bad_header, fh::module_list, "ModuleList",
            lists + " but " + uses + " (the BIOS does not read the list, but it should match)");
}

}  // namespace

ParseResult parse_lenient(std::span<const std::uint8_t> data) {
    return Parser(data).run();
}

SetupBin parse(std::span<const std::uint8_t> data) {
    ParseResult r = parse_lenient(data);
    for (const auto& p : r.problems)
        if (p.severity == Severity::error) throw Error(p.code, p.message, p.where);
    return std::move(r.file);
}

const Problem* not_a_setup_bin(const ParseResult& parsed) {
    const bool short_file = parsed.file_size < format::chunk_size;
    const bool foreign = !version_family_from_guid(parsed.file.header.guid).has_value();
    if (!short_file && !foreign) return nullptr;
    for (const auto& p : parsed.problems)
        if (p.severity == Severity::error &&
            (short_file ? p.code == ErrorCode::truncated : p.where.field == "FileTypeUUID"))
            return &p;
    return nullptr;
}

}  // namespace ukpu::setupbin
