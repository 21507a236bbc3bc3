// RAII wrappers of the SQLite C API: a connection, prepared statements and transactions. Every
// failure throws keys::Error (io, or duplicate_pid for a UNIQUE violation on a PID column).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ukpu::keys::sql {

class Statement;

class Database {
public:
    // Opens (creating when `create`) the database at `path`.
    Database(const std::string& path, bool create);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements without results.
    void exec(const std::string& sql);
    Statement prepare(std::string_view sql);
    std::int64_t scalar_int(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // Throws the Error for result code `rc` of the last call on this connection.
    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

class Statement {
public:
    Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    // Text SQLite does not copy: it must stay unchanged until the statement is reset.
    Statement& bind_static(int index, std::string_view text);
    Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    // Bytes SQLite does not copy: they must stay unchanged until the statement is reset.
    Statement& bind_blob_static(int index, std::span<const std::uint8_t> bytes);
    Statement& bind_null(int index);
    // Steps once: true when a row is available, false when done.
    bool step();
    // Steps to completion, expecting no rows.
    void run();
    // Clears bindings and resets for the next run.
    void reset();

    std::int64_t int_at(int column) const;
    std::string text_at(int column) const;
    std::vector<std::uint8_t> blob_at(int column) const;
    bool null_at(int column) const;

private:
    Database* db_;
    sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() ran.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace ukpu::keys::sql
