#include "postgres.hpp"

#include <libpq-fe.h>

#include <memory>
#include <optional>

#include "dialect.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys::sql {

namespace {

struct ResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

struct MemFree {
    void operator()(unsigned char* p) const { PQfreemem(p); }
};

// libpq's message on one line: its line breaks and tabs as single spaces, none at the end.
std::string trimmed(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string field(const PGresult* r, int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return v ? v : "";
}

bool ok(const PGresult* r) {
    const ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

class PostgresStatement final : public StatementImpl {
public:
    PostgresStatement(PostgresConnection& db, std::string sql) : db_(db), sql_(std::move(sql)) {}

    void bind_int(int index, std::int64_t value) override {
        set(index).text = std::to_string(value);
    }
    void bind_text(int index, std::string_view text, bool /*copy*/) override {
        // Text parameters are NUL-terminated C strings for libpq: always copied.
        set(index).text = std::string(text);
    }
    void bind_blob(int index, std::span<const std::uint8_t> bytes, bool copy) override {
        Param& p = set(index);
        p.binary = true;
        if (copy) {
            p.bytes.assign(bytes.begin(), bytes.end());
            p.view = p.bytes;
        } else {
            p.view = bytes;
        }
    }
    void bind_null(int index) override { set(index).text.reset(); }

    bool step() override {
        if (!result_) {
            execute();
            row_ = 0;
        } else {
            ++row_;
        }
        return row_ < PQntuples(result_.get());
    }
    void reset() override {
        result_.reset();
        params_.clear();
        row_ = 0;
    }

    std::int64_t int_at(int column) const override {
        if (null_at(column)) return 0;
        return std::stoll(PQgetvalue(result_.get(), row_, column));
    }
    std::string_view text_view_at(int column) const override {
        if (null_at(column)) return {};
        return std::string_view(PQgetvalue(result_.get(), row_, column),
                                static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    std::vector<std::uint8_t> blob_at(int column) const override {
        if (null_at(column)) return {};
        std::size_t n = 0;
        std::unique_ptr<unsigned char, MemFree> p(PQunescapeBytea(
            reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &n));
        if (!p) throw Error(ErrorCode::io, "cannot decode a bytea value", db_.where());
        return std::vector<std::uint8_t>(p.get(), p.get() + n);
    }
    bool null_at(int column) const override {
        return PQgetisnull(result_.get(), row_, column) != 0;
    }

private:
    struct Param {
        std::optional<std::string> text;  // nullopt and not binary: NULL
        bool binary = false;
        std::vector<std::uint8_t> bytes;
        std::span<const std::uint8_t> view;
    };

    Param& set(int index) {
        const auto i = static_cast<std::size_t>(index - 1);
        if (params_.size() <= i) params_.resize(i + 1);
        params_[i] = Param{};
        return params_[i];
    }

    void execute() {
        static const char empty = 0;
        std::vector<const char*> values(params_.size());
        std::vector<int> lengths(params_.size()), formats(params_.size());
        for (std::size_t i = 0; i < params_.size(); ++i) {
            const Param& p = params_[i];
            if (p.binary) {
                values[i] = p.view.empty() ? &empty : reinterpret_cast<const char*>(p.view.data());
                lengths[i] = static_cast<int>(p.view.size());
                formats[i] = 1;
            } else {
                values[i] = p.text ? p.text->c_str() : nullptr;
            }
        }
        result_.reset(PQexecParams(db_.handle(), sql_.c_str(), static_cast<int>(params_.size()),
                                   nullptr, values.data(), lengths.data(), formats.data(), 0));
        if (!result_ || !ok(result_.get())) db_.fail(result_.get(), "SQL failed");
        const char* n = PQcmdTuples(result_.get());
        db_.set_changes(n && *n ? std::stoi(n) : 0);
    }

    PostgresConnection& db_;
    std::string sql_;
    std::vector<Param> params_;
    Result result_;
    int row_ = 0;
};

void ignore_notice(void*, const char*) {}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& url, std::string display)
    : display_(std::move(display)) {
    // The URL's own settings override these defaults (they come after it is expanded).
    // The store's text is UTF-8 whatever the database's own encoding.
    const char* const keys[] = {"connect_timeout", "fallback_application_name", "dbname",
                                "client_encoding", nullptr};
    const char* const values[] = {"10", "ukpu", url.c_str(), "UTF8", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_) throw Error(ErrorCode::io, "out of memory connecting to the server", display_);
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string msg = trimmed(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        // Whether the server answers at all (asked without TLS verification, which comes after
        // the dbname keyword and so wins over the URL's): down or unreachable is an I/O error, a
        // server that answers and is refused or refuses (TLS verification, user, database,
        // password) a refusal.
        const char* const ping_keys[] = {"connect_timeout", "dbname", "sslmode", nullptr};
        const char* const ping_values[] = {"10", url.c_str(), "prefer", nullptr};
        if (PQpingParams(ping_keys, ping_values, 1) == PQPING_NO_RESPONSE)
            throw Error(ErrorCode::io, "cannot reach the PostgreSQL server: " + msg, display_);
        throw Error(ErrorCode::refused,
                    "the connection to the PostgreSQL server was refused: " + msg, display_);
    }
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

PostgresConnection::~PostgresConnection() {
    if (conn_) PQfinish(conn_);
}

void PostgresConnection::fail(const PGresult* result, std::string_view what) const {
    const std::string state = field(result, PG_DIAG_SQLSTATE);
    std::string msg = result ? trimmed(field(result, PG_DIAG_MESSAGE_PRIMARY)) : "";
    if (msg.empty()) msg = trimmed(PQerrorMessage(conn_));
    // No SQLSTATE: libpq's own failure (the server went away mid-statement).
    if (PQstatus(conn_) == CONNECTION_BAD || state.empty() || state.rfind("08", 0) == 0 ||
        state.rfind("57P", 0) == 0)
        throw Error(ErrorCode::io,
                    "lost the connection to the PostgreSQL server (" + msg +
                        "); the transaction under way was not stored",
                    display_);
    if (state == "23505" && field(result, PG_DIAG_CONSTRAINT_NAME).find("pid") != std::string::npos)
        throw Error(ErrorCode::duplicate_pid,
                    "a PID of the new batch is already in the store (" +
                        field(result, PG_DIAG_MESSAGE_DETAIL) + "); nothing was stored",
                    display_);
    if (state.rfind("28", 0) == 0 || state == "42501")
        throw Error(ErrorCode::refused, "the PostgreSQL server refused: " + msg, display_);
    throw Error(ErrorCode::io,
                std::string(what) + ": " + msg + (state.empty() ? "" : " (SQLSTATE " + state + ")"),
                display_);
}

void PostgresConnection::exec(const std::string& sql) {
    Result r(PQexec(conn_, sql.c_str()));
    if (!r || !ok(r.get())) fail(r.get(), "SQL failed");
}

Statement PostgresConnection::prepare(std::string_view sql) {
    return Statement(std::make_unique<PostgresStatement>(*this, to_postgresql(sql)));
}

std::int64_t PostgresConnection::last_insert_rowid() {
    return scalar_int("SELECT lastval()");
}

void PostgresConnection::begin() {
    exec("BEGIN");
    exec("SELECT pg_advisory_xact_lock(" + std::to_string(store_application_id) + ")");
}

void PostgresConnection::commit() {
    Result r(PQexec(conn_, "COMMIT"));
    if ((!r || !ok(r.get())) &&
        (PQstatus(conn_) == CONNECTION_BAD || field(r.get(), PG_DIAG_SQLSTATE).empty()))
        throw Error(ErrorCode::io,
                    "lost the connection to the PostgreSQL server while committing (" +
                        trimmed(PQerrorMessage(conn_)) +
                        "): whether the server stored the transaction is not known; `ukpu keys "
                        "list` shows what it holds",
                    display_);
    if (!r || !ok(r.get())) fail(r.get(), "cannot commit");
    // COMMIT of a transaction that failed rolls it back.
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
        throw Error(ErrorCode::io, "the transaction failed and was rolled back", display_);
}

void PostgresConnection::rollback() noexcept {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, "ROLLBACK"));
}

}  // namespace ukpu::keys::sql
