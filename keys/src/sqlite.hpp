// The SQLite backend of the SQL layer: one database file through the SQLite C API.
#pragma once

#include <string>

#include "sql_connection.hpp"

struct sqlite3;

namespace ukpu::keys::sql {

class SqliteConnection final : public Connection {
public:
    // Opens (creating when `create`) the database at `path`.
    SqliteConnection(const std::string& path, bool create);
    ~SqliteConnection() override;

    Backend backend() const override { return Backend::sqlite; }
    void exec(const std::string& sql) override;
    Statement prepare(std::string_view sql) override;
    std::int64_t last_insert_rowid() override;
    int changes() const override;
    void begin() override;
    void commit() override;
    void rollback() noexcept override;
    const std::string& where() const override { return path_; }

    sqlite3* handle() const { return db_; }
    // Throws the Error for result code `rc` of the last call on this connection.
    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

}  // namespace ukpu::keys::sql
