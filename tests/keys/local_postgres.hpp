// A PostgreSQL server of the tests' own: initdb and pg_ctl in a temporary directory (as the
// postgres user when run as root), listening on a unix socket there only, stopped and removed
// when the object goes. The export tests load ukpu's SQL into it with psql.
#pragma once

#include <string>
#include <vector>

namespace ukpu::keystest {

// The newest /usr/lib/postgresql/*/bin, or empty when PostgreSQL is not installed.
std::string postgres_bin();

class LocalPostgres {
public:
    // Starts the server from `bin` (postgres_bin()); throws std::runtime_error when it cannot.
    explicit LocalPostgres(std::string bin);
    ~LocalPostgres();
    LocalPostgres(const LocalPostgres&) = delete;
    LocalPostgres& operator=(const LocalPostgres&) = delete;

    // psql with `args`, and the file `input_file` on stdin when given (read by this process, so
    // that its mode can stay 0600); its stdout. Throws when psql fails.
    std::string psql(const std::string& args, const std::string& input_file = "") const;
    // Runs the SQL file.
    void load(const std::string& sql_file) const { (void)psql("", sql_file); }
    // The rows of `query`, each split into its columns.
    std::vector<std::vector<std::string>> rows(const std::string& query) const;

private:
    std::string bin_, dir_, as_;
    bool started_ = false;
};

}  // namespace ukpu::keystest
