// A PostgreSQL server of the tests' own: initdb and pg_ctl in a temporary directory (as the
// postgres user when run as root), listening on a unix socket there only, stopped and removed
// when the object goes. The export tests load ukpu's SQL into it with psql; the store tests keep
// their stores in databases of it (shared_postgres()).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace ukpu::keystest {

// The newest /usr/lib/postgresql/*/bin, or empty when PostgreSQL is not installed.
std::string postgres_bin();

class LocalPostgres {
public:
    // Starts the server from `bin` (postgres_bin()); throws std::runtime_error when it cannot.
    // With a `password`, user postgres needs it (scram-sha-256) and psql here is given it in
    // PGPASSWORD; without, every local connection is trusted.
    explicit LocalPostgres(std::string bin, std::string password = "");
    ~LocalPostgres();
    LocalPostgres(const LocalPostgres&) = delete;
    LocalPostgres& operator=(const LocalPostgres&) = delete;

    // A server already running with its socket in `socket_dir` (the ctest fixture's), left
    // running when the object goes.
    static std::unique_ptr<LocalPostgres> attach(std::string bin, std::string socket_dir);

    // psql with `args` on database `db`, and the file `input_file` on stdin when given (read by
    // this process, so that its mode can stay 0600); its stdout. Throws when psql fails.
    std::string psql(const std::string& args, const std::string& input_file = "",
                     const std::string& db = "postgres") const;
    // Runs the SQL file.
    void load(const std::string& sql_file) const { (void)psql("", sql_file); }
    // The rows of `query` (on database `db`), each split into its columns.
    std::vector<std::vector<std::string>> rows(const std::string& query,
                                               const std::string& db = "postgres") const;

    // A new empty database named `name`.
    void create_database(const std::string& name) const;
    // The URL ukpu connects to database `db` with (user postgres, over the unix socket).
    std::string url(const std::string& db) const;
    const std::string& socket_dir() const { return dir_; }
    // pg_ctl stop (-m immediate: as a crash or a pulled cable would) and start again;
    // `options` are the server's -c settings added from then on ("-c ssl=on ...").
    void stop();
    void start();
    void set_options(std::string options) { options_ = std::move(options); }

private:
    LocalPostgres() = default;
    std::string bin_, dir_, as_, password_, options_;
    bool started_ = false;
    bool owned_ = true;
};

// The server the store tests share: the one the ctest fixture started (UKPU_TEST_STORE is
// postgresql:DIR, its socket directory), else one this process starts on first use and stops at
// exit.
LocalPostgres& shared_postgres();

}  // namespace ukpu::keystest
