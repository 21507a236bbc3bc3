// How the BIOS finds the record it hands to the MEBx, per generation: GUID and version checked,
// the record computed from the header counts (no scan), taken only if it is a valid data record;
// UEFI code also requires the exact file size.
#include "check_context.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/setupbin/format.hpp"

namespace ukpu::setupbin::detail {

Selection select_record(Context& c, Firmware fw) {
    Selection s;
    const FileHeader& h = c.parsed.file.header;
    // A GUID/version mismatch or zero chunk counts are format errors already: not found.
    if (!c.header_accepted) return s;

    const std::uint64_t expected =
        format::chunk_size *
        (std::uint64_t{h.chunk_count} + std::uint64_t{h.record_count} * h.record_chunk_count);
    if (fw == Firmware::uefi && c.parsed.file_size != expected) {
        const std::uint64_t size = c.parsed.file_size;
        const bool longer = size > expected;
        const std::uint64_t diff = longer ? size - expected : expected - size;
        c.add(fw, Severity::error, ErrorCode::count_mismatch, std::nullopt, size, "file size",
              "the file is " + std::to_string(size) + " bytes, " + base::counted(diff, "byte") +
                  " " + (longer ? "more" : "fewer") + " than the " + std::to_string(expected) +
                  " that 512 * (RecordChunkCount + DataRecordCount * DataRecordChunkCount) gives; "
                  "UEFI BIOS code rejects a file whose size is not exact" +
                  (longer ? " (trailing bytes or cluster padding cause this)" : ""));
        return s;
    }
    // consumed > count is a format error already; UEFI code rejects the file, and the legacy
    // BIOS reads past the last record.
    if (h.records_consumed > h.record_count) return s;
    if (h.records_consumed == h.record_count) {
        c.add(fw, Severity::error, ErrorCode::rule, std::nullopt, format::header::records_consumed,
              "DataRecordsConsumed",
              "every record is consumed (" + std::to_string(h.records_consumed) + " of " +
                  std::to_string(h.record_count) +
                  "): nothing is left to take, the firmware ignores the file");
        return s;
    }
    const std::uint32_t index = h.records_consumed;
    if (index >= c.parsed.file.records.size()) return s;  // truncated file: a format error
    const Record& rec = c.parsed.file.records[index];
    const std::uint32_t number = index + 1;
    const std::uint64_t at = format::chunk_size * (std::uint64_t{h.chunk_count} +
                                                   std::uint64_t{index} * h.record_chunk_count);
    s.next_record = number;
    if (rec.type != format::record_type_data) {
        c.add(fw, Severity::error, ErrorCode::bad_record, number, at + format::record::type,
              "RecordTypeIdentifier",
              "the record the BIOS takes next (number " + std::to_string(number) +
                  ", from DataRecordsConsumed " + std::to_string(index) + ") has type " +
                  std::to_string(rec.type) + ", not 1; the BIOS uses no record");
        return s;
    }
    if (!rec.valid()) {
        c.add(
            fw, Severity::error, ErrorCode::bad_record, number, at + format::record::flags,
            "RecordFlags",
            "the record the BIOS takes next (number " + std::to_string(number) +
                ", from DataRecordsConsumed " + std::to_string(index) +
                ") does not have its Valid bit set" +
                (rec.consumed ? " (it is consumed but DataRecordsConsumed was not advanced)" : "") +
                "; the BIOS uses no record");
        return s;
    }
    s.found = true;
    return s;
}

}  // namespace ukpu::setupbin::detail
