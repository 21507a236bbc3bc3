// PID/PPS pairs made elsewhere (another tool, the provisioning server's csti_pid_map, or another
// ukpu store's export), read from a file and checked before anything is stored:
// - CSV (RFC 4180: quoted fields with commas, quotes and line breaks, CRLF or LF, a UTF-8 BOM;
//   comma, semicolon or tab as the header shows) whose header names the columns, in any case and
//   order: pid and pps, optionally current_password and new_password (admin_password, SCS's name
//   for it), used (or ukpu's state) and anything else, which is ignored. Intel SCS's csti_pid_map
//   column set (id, pid, pps, current_password, admin_password, used, as `keys export --format
//   scs-csv` writes it, dashed or plain) is such a CSV, also without its header line;
// - JSON: `keys export --format json` ({"records": [{"pid": ..., "pps": ..., ...}]}) or a bare
//   array of such objects.
// Every pair is checked as the firmware would (PID 8 and PPS 32 characters of A-Z0-9 once the
// dashes are removed, Intel's checksum characters: setupbin's checks), and the whole file is
// refused on the first bad one, naming the file, the line and the field.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/keys/records.hpp"

namespace ukpu::keys {

class KeyStore;

// auto: JSON when the text starts with '{' or '[', else CSV (scs-csv when its columns are
// csti_pid_map's, or it has no header and six fields a line).
enum class ImportFormat { automatic, csv, scs_csv, json };

// "auto", "csv", "scs-csv", "json"; nullopt for anything else.
std::optional<ImportFormat> parse_import_format(std::string_view text);
const char* to_string(ImportFormat f);

// One pair as the file holds it.
struct ImportedPair {
    std::size_t line = 0;  // the line its record starts on (1-based)
    std::string pid;       // 8 characters, dashes removed, checked
    std::string pps;       // 32 characters, dashes removed, checked
    // The file's values, when it has the column and the field is not empty.
    std::optional<std::string> current_password;
    std::optional<std::string> new_password;
    // The file says a PC already took it (used = 1, or state consumed): never imported.
    bool used = false;
};

struct ImportedFile {
    ImportFormat format = ImportFormat::csv;  // as read (never automatic)
    bool current_password_column = false;
    bool new_password_column = false;
    std::vector<ImportedPair> pairs;  // in file order, the used ones too
};

// Reads `content`, the text of the file called `name` in messages. Throws Error:
// - bad_input, where "NAME: line N" or "NAME: line N, FIELD", for a malformed file (no header
//   naming pid and pps, an unterminated quote, a record with another number of fields than the
//   header, JSON that does not parse or has no records) and for the first bad PID or PPS;
// - duplicate_pid, where "NAME: line N, pid", for a PID the file holds twice (naming both lines).
ImportedFile read_pairs(std::string_view content, const std::string& name,
                        ImportFormat format = ImportFormat::automatic);

// Where the passwords of the pairs come from: a value given for every pair (read from a file the
// option names), else the file's column.
struct ImportPasswords {
    std::optional<std::string> current;  // --current-password-file's content
    std::string current_from;            // "--current-password-file cur.txt", for messages
    std::optional<std::string> new_password;
    std::string new_from;
};

// The batch of the pairs of `file` not used, on no key (NewBatch::unplaced), with their
// passwords: the given one when there is one (it stands for the file's column), else the file's;
// its settings JSON names `source` (the file's absolute path), the format and where the passwords
// came from. No setup.bin holds them yet: the batch's file_version is empty. Throws Error:
// - bad_argument, where the option, when neither the file nor an option gives a password;
// - bad_input, where "NAME: line N, current_password", for a pair without one (the file's field
//   empty) or one not 1 to 32 bytes; where the option, for a given one not 1 to 32 bytes;
// - weak_password for a new password the firmware would reject (where the option, or
//   "NAME: line N, new_password");
// - bad_input when the file holds no pair that is not used.
NewBatch import_batch(const ImportedFile& file, const std::string& name, const std::string& source,
                      const ImportPasswords& passwords);

// Throws Error(duplicate_pid), where "NAME: line N, pid", for the first pair of `file` (used
// ones left aside) whose PID `store` holds already, naming the stored record's batch.
void refuse_stored_pids(const KeyStore& store, const ImportedFile& file, const std::string& name);

}  // namespace ukpu::keys
