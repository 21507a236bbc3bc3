#include "sqlite.hpp"

#include <sqlite3.h>

#include "ukpu/keys/error.hpp"

namespace ukpu::keys::sql {

namespace {

class SqliteStatement final : public StatementImpl {
public:
    SqliteStatement(SqliteConnection& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
    ~SqliteStatement() override;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind_int(int index, std::int64_t value) override;
    void bind_text(int index, std::string_view text, bool copy) override;
    void bind_blob(int index, std::span<const std::uint8_t> bytes, bool copy) override;
    void bind_null(int index) override;
    bool step() override;
    void reset() override;
    std::int64_t int_at(int column) const override;
    std::string_view text_view_at(int column) const override;
    std::vector<std::uint8_t> blob_at(int column) const override;
    bool null_at(int column) const override;

private:
    SqliteConnection* db_;
    sqlite3_stmt* stmt_;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool create) : path_(path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(ErrorCode::io, "cannot open the key store: " + msg, path);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
}

SqliteConnection::~SqliteConnection() {
    if (db_) sqlite3_close_v2(db_);
}

void SqliteConnection::fail(int rc, std::string_view what) const {
    const int primary = rc & 0xff;
    std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        std::string detail = sqlite3_errmsg(db_);
        if (detail.find(".pid") != std::string::npos)
            throw Error(ErrorCode::duplicate_pid,
                        "a PID of the new batch is already in the store (" + detail +
                            "); nothing was stored",
                        path_);
    }
    if (primary == SQLITE_NOTADB)
        throw Error(ErrorCode::not_a_store, "not a SQLite database, so not a ukpu key store",
                    path_);
    throw Error(ErrorCode::io, msg, path_);
}

void SqliteConnection::exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) fail(sqlite3_extended_errcode(db_), "SQL failed");
}

Statement SqliteConnection::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) fail(sqlite3_extended_errcode(db_), "cannot prepare a statement");
    return Statement(std::make_unique<SqliteStatement>(*this, stmt));
}

std::int64_t SqliteConnection::last_insert_rowid() {
    return sqlite3_last_insert_rowid(db_);
}

int SqliteConnection::changes() const {
    return sqlite3_changes(db_);
}

SqliteStatement::~SqliteStatement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

void SqliteStatement::bind_int(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_->fail(rc, "cannot bind a value");
}

void SqliteStatement::bind_text(int index, std::string_view text, bool copy) {
    int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
    if (rc != SQLITE_OK) db_->fail(rc, "cannot bind a value");
}

void SqliteStatement::bind_blob(int index, std::span<const std::uint8_t> bytes, bool copy) {
    // An empty blob is bound as a zero-length blob, not NULL.
    static const std::uint8_t none = 0;
    int rc = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &none : bytes.data(),
                                 static_cast<sqlite3_uint64>(bytes.size()),
                                 copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
    if (rc != SQLITE_OK) db_->fail(rc, "cannot bind a value");
}

void SqliteStatement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_->fail(rc, "cannot bind a value");
}

bool SqliteStatement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    int ext = sqlite3_extended_errcode(db_->handle());
    sqlite3_reset(stmt_);
    db_->fail(ext, "SQL failed");
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::int_at(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string_view SqliteStatement::text_view_at(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    if (!p) return {};
    return std::string_view(reinterpret_cast<const char*>(p),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<std::uint8_t> SqliteStatement::blob_at(int column) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
    if (!p) return {};
    return std::vector<std::uint8_t>(p, p + n);
}

bool SqliteStatement::null_at(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void SqliteConnection::begin() {
    exec("BEGIN IMMEDIATE");
}

void SqliteConnection::commit() {
    exec("COMMIT");
}

void SqliteConnection::rollback() noexcept {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace ukpu::keys::sql
