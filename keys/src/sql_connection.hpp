// The SQL layer under the key store: a connection, its prepared statements and its write
// transactions, with one implementation per backend (sqlite.hpp: a SQLite file; postgres.hpp: a
// PostgreSQL server through libpq). The key store's SQL is written once, in SQLite's spelling
// with `?` or `?N` placeholders; a backend that spells things otherwise translates them (see
// dialect.hpp). Every failure throws keys::Error: io, duplicate_pid for a UNIQUE violation on a
// PID column, refused when the server refuses, not_a_store.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ukpu::keys::sql {

enum class Backend { sqlite, postgresql };

// One backend's prepared statement. Parameters are 1-based, columns 0-based.
class StatementImpl {
public:
    virtual ~StatementImpl() = default;
    // `copy` false: the backend may keep a pointer to the bytes until the next reset().
    virtual void bind_int(int index, std::int64_t value) = 0;
    virtual void bind_text(int index, std::string_view text, bool copy) = 0;
    virtual void bind_blob(int index, std::span<const std::uint8_t> bytes, bool copy) = 0;
    virtual void bind_null(int index) = 0;
    virtual bool step() = 0;
    virtual void reset() = 0;
    virtual std::int64_t int_at(int column) const = 0;
    // The text of the current row's column, valid until the next step or reset.
    virtual std::string_view text_view_at(int column) const = 0;
    virtual std::vector<std::uint8_t> blob_at(int column) const = 0;
    virtual bool null_at(int column) const = 0;
};

class Statement {
public:
    explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

    Statement& bind(int index, std::int64_t value) {
        impl_->bind_int(index, value);
        return *this;
    }
    Statement& bind(int index, std::string_view text) {
        impl_->bind_text(index, text, true);
        return *this;
    }
    // Text the backend need not copy: it must stay unchanged until the statement is reset.
    Statement& bind_static(int index, std::string_view text) {
        impl_->bind_text(index, text, false);
        return *this;
    }
    Statement& bind_blob(int index, std::span<const std::uint8_t> bytes) {
        impl_->bind_blob(index, bytes, true);
        return *this;
    }
    // Bytes the backend need not copy: they must stay unchanged until the statement is reset.
    Statement& bind_blob_static(int index, std::span<const std::uint8_t> bytes) {
        impl_->bind_blob(index, bytes, false);
        return *this;
    }
    Statement& bind_null(int index) {
        impl_->bind_null(index);
        return *this;
    }
    // Steps once: true when a row is available, false when done.
    bool step() { return impl_->step(); }
    // Steps to completion, expecting no rows.
    void run() {
        while (step()) {
        }
    }
    // Clears bindings and resets for the next run.
    void reset() { impl_->reset(); }

    std::int64_t int_at(int column) const { return impl_->int_at(column); }
    std::string text_at(int column) const { return std::string(impl_->text_view_at(column)); }
    // Valid until the next step or reset: read into a string that keeps its capacity.
    std::string_view text_view_at(int column) const { return impl_->text_view_at(column); }
    std::vector<std::uint8_t> blob_at(int column) const { return impl_->blob_at(column); }
    bool null_at(int column) const { return impl_->null_at(column); }

private:
    std::unique_ptr<StatementImpl> impl_;
};

class Connection {
public:
    virtual ~Connection() = default;
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    virtual Backend backend() const = 0;
    // Runs one or more statements without parameters or results.
    virtual void exec(const std::string& sql) = 0;
    virtual Statement prepare(std::string_view sql) = 0;
    // The id the last INSERT of this connection gave its row.
    virtual std::int64_t last_insert_rowid() = 0;
    // Rows the last INSERT, UPDATE or DELETE changed.
    virtual int changes() const = 0;
    // A write transaction: one writer at a time in the whole store (SQLite's BEGIN IMMEDIATE; a
    // transaction-wide lock on the server), so that what it reads stays true until it commits.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    // What messages name: the file, or the server's URL without any password.
    virtual const std::string& where() const = 0;

    // The first column of the first row, 0 when there is none.
    std::int64_t scalar_int(std::string_view sql) {
        Statement s = prepare(sql);
        if (!s.step()) return 0;
        return s.int_at(0);
    }
};

// begin() on construction; rollback() on destruction unless commit() ran.
class Transaction {
public:
    explicit Transaction(Connection& db) : db_(db) { db_.begin(); }
    ~Transaction() {
        if (!done_) db_.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        db_.commit();
        done_ = true;
    }

private:
    Connection& db_;
    bool done_ = false;
};

}  // namespace ukpu::keys::sql
