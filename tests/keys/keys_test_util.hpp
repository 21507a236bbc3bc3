// Helpers of the key-batch tests: shell commands with captured output, rows read with the
// sqlite3 command-line tool (the independent oracle), file modes, and an independent
// implementation of Intel's PID/PPS checksum (sum of the ASCII codes mod 36, as 0-9 then A-Z).
#pragma once

#include <sys/types.h>
#include <string>
#include <string_view>
#include <vector>

namespace ukpu::keystest {

struct Captured {
    int status = -1;
    std::string out;
};

// Runs `command` through /bin/sh; stdout captured, stderr passed through.
Captured capture(const std::string& command);

// 'text' quoted for /bin/sh.
std::string shell_quote(std::string_view text);

// The rows of `query` on database `db`, read with `sqlite3 -ascii` (unit and record separators).
std::vector<std::vector<std::string>> sqlite_rows(const std::string& db, const std::string& query);

// The backend the store tests run on: PostgreSQL when UKPU_TEST_STORE is postgresql, or
// postgresql:DIR for a server already running with its socket in DIR (ctest runs every keys test
// so too, as pg/...; they skip when PostgreSQL is not installed), else SQLite.
bool on_postgresql();
// The key store a test keeps at `path` (a file in its temporary directory): `path` itself on
// SQLite; on PostgreSQL the URL of a new empty database of shared_postgres(), the same URL each
// time for the same path.
std::string store_for(const std::string& path);
// The rows of `query` on `store`: sqlite3 for a file, psql for a URL (booleans as 1 and 0).
std::vector<std::vector<std::string>> store_rows(const std::string& store,
                                                 const std::string& query);
// Runs `sql` on `store` (sqlite3 or psql).
void store_sql(const std::string& store, const std::string& sql);
// Whether ukpu made a store there: the file, or ukpu's tables in the database.
bool store_exists(const std::string& store);
// The schema version the store says it has, set to `version` (PRAGMA user_version; the
// ukpu_schema row).
void set_store_version(const std::string& store, int version);

// The permission bits of `path` (e.g. 0600).
mode_t file_mode(const std::string& path);
// The names in directory `dir` (hidden ones too), sorted.
std::vector<std::string> names_in(const std::string& dir);

// The checksum character over `chars`, written independently of ukpu's code: the sum of the
// ASCII codes mod 36, as 0-9 then A-Z.
char spec_checksum(std::string_view chars);
// True when `pid` is 8 characters of A-Z0-9 whose last one is the checksum of the first 7.
bool spec_pid_ok(std::string_view pid);
// True when `pps` is 32 characters of A-Z0-9 whose every 4th is the checksum of the 3 before it.
bool spec_pps_ok(std::string_view pps);

std::vector<std::string> split(std::string_view text, char sep);
std::string remove_dashes(std::string_view text);

}  // namespace ukpu::keystest
