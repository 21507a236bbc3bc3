// Reading input and secrets from files or stdin, and writing output files atomically with mode
// 0600.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ukpu::base {
class AtomicFile;
}

namespace ukpu::provision {

class Reporter;

// Reads a whole file. Throws Error (bad_input) naming the path when it cannot.
std::vector<std::uint8_t> read_input_file(const std::string& path);

// The content of `path` ("-" reads stdin) with one trailing newline ("\n" or "\r\n") removed.
// Throws Error (bad_input) naming `what` (the option) and the path.
std::string read_secret(const std::string& path, const std::string& what);

// The warning for a secret file that its group or others may read or write, as ssh gives for a
// key: "FILE is readable by others (mode 0644); chmod 600 FILE". "" when only its owner may, and
// for "-" (stdin), a file that is not a regular file (a pipe) or one that cannot be looked at.
std::string secret_file_warning(const std::string& path);

// Reads secret files as read_secret does, and warns once per file (the same file under two names
// too) about one that its group or others may read or write: through the reporter, and into
// `warnings` when given (for a front end that shows the warnings of a result). Such a file is
// read all the same.
class SecretReader {
public:
    explicit SecretReader(Reporter& reporter, std::vector<std::string>* warnings = nullptr)
        : reporter_(reporter), warnings_(warnings) {}

    std::string read(const std::string& path, const std::string& what);
    // Only the warning, for a secret file read elsewhere (the password of a PKCS#12 file).
    void check(const std::string& path);

private:
    Reporter& reporter_;
    std::vector<std::string>* warnings_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> warned_;  // device, inode
};

// Writes `data` to `path` through a temporary file in the same directory (mode 0600), fsync,
// rename, fsync of the directory: the path holds either its old content or all of `data`.
// Throws Error: refused when `path` exists and is not a regular file, or exists at all and
// `overwrite` is false ("already exists; add --overwrite to replace it"); io otherwise.
void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data, bool overwrite);

// Output written as it is made and put at `path` whole by commit(): a temporary file in the same
// directory (mode 0600), then fsync, rename, fsync of the directory; removed when the object goes
// without a commit. Throws as write_file_atomic does.
class OutputFile {
public:
    OutputFile(const std::string& path, bool overwrite);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(std::string_view text);
    void commit();

private:
    std::unique_ptr<base::AtomicFile> file_;
};

// Before anything is made for `path`: throws Error(refused) when it exists and `overwrite` is
// false ("already exists; add --overwrite to replace it"), or exists and is not a regular file
// (never replaced). `nothing` ends the message: what was left undone.
void refuse_existing_output(const std::string& path, bool overwrite,
                            const std::string& nothing = "nothing was written");

}  // namespace ukpu::provision
