// Where a key store is: a SQLite file, or a database on a PostgreSQL server named by a
// postgresql:// (or postgres://) URL that libpq reads, with the PG* variables and ~/.pgpass
// filling in what it leaves out. Parsed in one place for every front end.
#pragma once

#include <filesystem>
#include <string>

namespace ukpu::keys {

class StoreLocation {
public:
    // A SQLite file; a "path" holding "://" is parsed as the URL (or refused) it is, never
    // taken for a file name.
    StoreLocation(std::filesystem::path file);  // NOLINT: a path is a location
    // parse(text), so that a --store value converts as it is.
    StoreLocation(const std::string& text) : StoreLocation(parse(text)) {}  // NOLINT
    StoreLocation(const char* text) : StoreLocation(parse(text)) {}         // NOLINT
    // `text` as given to --store: a postgresql:// or postgres:// URL, else a file path; empty
    // is the default store (default_store_path()). Throws Error(bad_argument) for another
    // scheme ("mysql://...") and for a password written in the URL (user:password@ or
    // password=), which the message never repeats: PGPASSWORD or ~/.pgpass hold it.
    static StoreLocation parse(const std::string& text);

    bool is_postgresql() const { return !url_.empty(); }
    // The SQLite file (empty for a server).
    const std::filesystem::path& file() const { return file_; }
    // The URL libpq connects with (empty for a file).
    const std::string& url() const { return url_; }
    // What messages name: the file, or the URL.
    std::string display() const { return is_postgresql() ? url_ : file_.string(); }

private:
    StoreLocation() = default;
    std::filesystem::path file_;
    std::string url_;
};

// `url` with a password it holds (user:password@, password=...) replaced by "***".
std::string redact_url(const std::string& url);

}  // namespace ukpu::keys
