// Shared pieces of the checker: where each entry sits in the file, and how findings are recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::setupbin::detail {

// One entry of a record with its absolute file offset and catalog information.
struct EntryAt {
    const Entry* entry = nullptr;
    std::uint64_t offset = 0;            // of the entry header
    const VariableInfo* info = nullptr;  // nullptr for an unknown pair
    std::string field;                   // "entry 2/29 Manual Setup and Configuration"

    bool is(std::uint16_t m, std::uint16_t v) const {
        return entry->module == m && entry->variable == v;
    }
};

// A record that is checked entry by entry (not consumed), with its entries located.
struct RecordAt {
    const Record* record = nullptr;
    std::uint32_t number = 0;  // 1-based
    std::uint64_t offset = 0;  // of the record header
    std::vector<EntryAt> entries;

    const EntryAt* find(std::uint16_t m, std::uint16_t v) const;
    std::size_t count(std::uint16_t m, std::uint16_t v) const;
};

struct Context {
    const ParseResult& parsed;
    std::optional<FormatVersion> version;  // from the Major/Minor pair, else the GUID family
    bool header_accepted = false;          // GUID/version pair valid and chunk counts usable
    std::vector<RecordAt> records;         // unconsumed records only
    Problems out;

    explicit Context(const ParseResult& p);

    void add(Firmware fw, Severity sev, ErrorCode code, std::optional<std::uint32_t> record,
             std::optional<std::uint64_t> offset, std::string field, std::string message);
    void add(Firmware fw, Severity sev, ErrorCode code, const RecordAt& r, const EntryAt& e,
             std::string message) {
        add(fw, sev, code, r.number, e.offset, e.field, std::move(message));
    }
};

std::string entry_field(std::uint16_t module, std::uint16_t variable);

// The u8/u16/u32 value of an integer entry whose length fits its type.
std::optional<std::uint32_t> int_value(const EntryAt& e);

void check_format(Context& c);
void check_legacy(Context& c);
void check_mebx(Context& c);

// Where the BIOS finds the next record (at RecordChunkCount*512 + DataRecordsConsumed * record
// size, used only if it is a valid data record), shared by legacy and UEFI; reports what
// stops `fw` from finding or taking it (for UEFI also the exact file size rule).
struct Selection {
    bool found = false;
    std::optional<std::uint32_t> next_record;  // 1-based
};
Selection select_record(Context& c, Firmware fw);

}  // namespace ukpu::setupbin::detail
