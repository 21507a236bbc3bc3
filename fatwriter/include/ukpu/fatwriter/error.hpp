// The one error type of the fatwriter library: a code, a message and the offending location.
#pragma once

#include <stdexcept>
#include <string>

#include "ukpu/base/location.hpp"

namespace ukpu::fat {

enum class ErrorCode {
    io,  // a read, write, flush or create failed (errno in the message)
    // The file or device named cannot be opened as what it should be: missing, not permitted,
    // a directory, not a block device, no medium, or too small to hold one sector.
    cannot_open,
    bad_argument,   // a caller-supplied value is malformed or out of range
    bad_geometry,   // no FAT layout fits the requested size / type / cluster size
    bad_mbr,        // the partition table is unreadable or inconsistent
    bad_bpb,        // a boot-sector field is invalid (the field is named)
    bad_fat,        // a FAT chain is broken: loop, cross-link, out of range, free in a chain
    bad_directory,  // a directory entry is malformed
    not_found,      // a file or directory is not there
    no_space,       // not enough free (contiguous) space
    unsupported,    // valid but not handled (e.g. GPT when MBR is needed)
};

const char* to_string(ErrorCode code);

// Where a problem is: a byte offset on the device, a cluster number, a field (a BPB field, a
// directory entry, a path, an option). Any part may be absent: `{offset, cluster, field}`.
using Location = base::Location;

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, Location where = {});
    ErrorCode code() const noexcept { return code_; }
    const Location& where() const noexcept { return where_; }
    const std::string& message() const noexcept { return message_; }

private:
    ErrorCode code_;
    std::string message_;
    Location where_;
};

}  // namespace ukpu::fat
