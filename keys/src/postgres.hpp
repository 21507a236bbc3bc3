// The PostgreSQL backend of the SQL layer: one connection through libpq (the URL, the PG*
// variables, ~/.pgpass, sslmode and the rest as libpq reads them). Statements are sent with
// PQexecParams, parameters as text (integers, text) or binary (bytea), results read as text.
// Write transactions take one transaction-wide advisory lock (ukpu's application id), so that
// stations writing the same store take turns as SQLite's writers do.
#pragma once

#include <string>

#include "sql_connection.hpp"

struct pg_conn;
struct pg_result;

namespace ukpu::keys::sql {

class PostgresConnection final : public Connection {
public:
    // Connects to `url`; `display` names the server in messages (never a password). Throws
    // Error(io) when the server does not answer, Error(refused) when it refuses (no such
    // database or user, authentication failed, TLS verification failed).
    PostgresConnection(const std::string& url, std::string display);
    ~PostgresConnection() override;

    Backend backend() const override { return Backend::postgresql; }
    void exec(const std::string& sql) override;
    Statement prepare(std::string_view sql) override;
    std::int64_t last_insert_rowid() override;
    int changes() const override { return changes_; }
    void begin() override;
    void commit() override;
    void rollback() noexcept override;
    const std::string& where() const override { return display_; }

    pg_conn* handle() const { return conn_; }
    void set_changes(int n) { changes_ = n; }
    // Throws the Error for the failed `result` (nullptr: the connection's last error).
    [[noreturn]] void fail(const pg_result* result, std::string_view what) const;

private:
    pg_conn* conn_ = nullptr;
    std::string display_;
    int changes_ = 0;
};

}  // namespace ukpu::keys::sql
