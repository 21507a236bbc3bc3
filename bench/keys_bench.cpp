// The key-batch benchmark: N records generated (PID/PPS from RAND_bytes, a random strong password
// each, setup.bin files of --per-key records, on every core), stored in a fresh key store (the
// setup.bin files written, one transaction of prepared INSERTs keeping each file's bytes, then
// marked written) and exported (scs-sql and scs-csv), with records per second for each phase,
// its wall and processor time, and the peak RSS. Two baselines measured in the same run: SQLite's
// own floor, the same rows inserted in this process into an equivalent records table (the same
// columns, UNIQUE constraints and index, 16 KiB pages, WAL, synchronous=NORMAL) with one prepared
// INSERT reused in one transaction; and the sqlite3 command-line tool loading the same rows from
// a SQL file, timed around the child process. Asserts nothing about time; exits 1 when the store
// or the export does not hold N records.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sqlite3.h>

#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/key_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace keys = ukpu::keys;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Processor time of this process (every thread), and of its children that ended, in seconds.
double cpu_seconds(int who = RUSAGE_SELF) {
    rusage ru{};
    ::getrusage(who, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Wall time and processor time of a phase: on a machine other people load too, the processor
// time tells what the phase itself cost.
struct Lap {
    double wall = 0;
    double cpu = 0;
};

class Stopwatch {
public:
    explicit Stopwatch(int who = RUSAGE_SELF) : who_(who) {}
    Lap lap() const { return {seconds_since(wall_), cpu_seconds(who_) - cpu_}; }

private:
    int who_;
    Clock::time_point wall_ = Clock::now();
    double cpu_ = cpu_seconds(who_);
};

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// The baseline's SQL: the records table of the store (version 1) and the same rows.
std::string baseline_sql(const std::vector<keys::KeyRecord>& records) {
    std::string out =
        "PRAGMA journal_mode=WAL;\n"
        "CREATE TABLE records (id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL, key_file_id "
        "INTEGER NOT NULL, record_number INTEGER NOT NULL, pid TEXT NOT NULL UNIQUE, pps TEXT NOT "
        "NULL, current_password TEXT NOT NULL, new_password TEXT NOT NULL, state TEXT NOT NULL, "
        "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (key_file_id, "
        "record_number));\nBEGIN;\n";
    for (const auto& r : records) {
        out += "INSERT INTO records VALUES (" + std::to_string(r.id) + ", 1, " +
               std::to_string(r.key_file_id) + ", " + std::to_string(r.record_number) + ", " +
               keys::sql_string(r.pid) + ", " + keys::sql_string(r.pps) + ", " +
               keys::sql_string(r.current_password) + ", " + keys::sql_string(r.new_password) +
               ", 'on-key', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');\n";
    }
    out += "COMMIT;\n";
    return out;
}

// SQLite's floor: the same rows, one prepared INSERT bound and stepped per row, one transaction,
// into a table like the store's records (schema 5: the UNIQUE pid, the UNIQUE (key_file_id,
// record_number), the index on batch_id; no CHECK, no foreign key), 16 KiB pages, WAL and
// synchronous=NORMAL as the store. Returns false when SQLite fails.
bool baseline_prepared(const std::filesystem::path& db_path,
                       const std::vector<keys::KeyRecord>& records) {
    sqlite3* db = nullptr;
    if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    const char* schema =
        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE records (id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL, key_file_id "
        "INTEGER, record_number INTEGER, pid TEXT NOT NULL UNIQUE, pps TEXT NOT NULL, "
        "current_password TEXT NOT NULL, new_password TEXT NOT NULL, state TEXT NOT NULL, "
        "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (key_file_id, "
        "record_number));"
        "CREATE INDEX records_batch ON records(batch_id);";
    bool ok = sqlite3_exec(db, schema, nullptr, nullptr, nullptr) == SQLITE_OK &&
              sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_stmt* st = nullptr;
    ok = ok && sqlite3_prepare_v2(db,
                                  "INSERT INTO records (batch_id, key_file_id, record_number, "
                                  "pid, pps, current_password, new_password, state, created_at, "
                                  "updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, 'generated', ?, ?)",
                                  -1, &st, nullptr) == SQLITE_OK;
    const char* now = "2026-01-01T00:00:00Z";
    for (std::size_t i = 0; ok && i < records.size(); ++i) {
        const auto& r = records[i];
        sqlite3_bind_int64(st, 1, r.key_file_id);
        sqlite3_bind_int64(st, 2, r.record_number);
        sqlite3_bind_text(st, 3, r.pid.data(), static_cast<int>(r.pid.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r.pps.data(), static_cast<int>(r.pps.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r.current_password.data(),
                          static_cast<int>(r.current_password.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r.new_password.data(), static_cast<int>(r.new_password.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

void rate(const char* what, std::uint32_t n, Lap t, const char* extra = "") {
    std::printf("%-9s %9.0f records/s  (%.3f s, cpu %.3f s)%s\n", what, n / t.wall, t.wall, t.cpu,
                extra);
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t n = 100000;
    std::uint32_t per_key = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--records")
            n = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
        else if (a == "--per-key")
            per_key = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
        else {
            std::fprintf(stderr, "usage: keys_bench [--records N] [--per-key M]\n");
            return 2;
        }
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "ukpu-keys-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return 5;
    const std::filesystem::path dir = tmpl;
    struct Cleanup {
        std::filesystem::path d;
        ~Cleanup() {
            std::error_code ec;
            std::filesystem::remove_all(d, ec);
        }
    } cleanup{dir};

    std::printf("keys: %u records, %u per setup.bin\n", n, per_key);
    Stopwatch watch;
    keys::BatchRequest req;
    req.count = n;
    req.per_key = per_key;
    req.current_password = "admin";
    std::vector<keys::BuiltKeyFile> files = keys::build_batch(req);
    const Lap gen = watch.lap();

    watch = Stopwatch();
    keys::KeyStore store(dir / "keys.db");
    keys::NewBatch nb;
    nb.ukpu_version = "bench";
    nb.file_version = "4.0";
    nb.settings = "{}";
    std::uint32_t i = 0;
    double files_s = 0;
    for (auto& f : files) {
        keys::NewKeyFile kf;
        kf.target = (dir / ("setup-" + std::to_string(++i) + ".bin")).string();
        kf.sha256 = f.sha256;
        kf.records = std::move(f.records);
        {
            const auto tf = Clock::now();
            std::ofstream out(kf.target, std::ios::binary);
            out.write(reinterpret_cast<const char*>(f.bytes.data()),
                      static_cast<std::streamsize>(f.bytes.size()));
            out.close();
            files_s += seconds_since(tf);
        }
        kf.bytes = std::move(f.bytes);  // schema 4: the store keeps each setup.bin's bytes
        nb.files.push_back(std::move(kf));
    }
    const Stopwatch add_watch;
    auto batch = store.add_batch(nb);
    const Lap add = add_watch.lap();
    const Stopwatch mark_watch;
    store.mark_written(batch.id);
    const Lap mark = mark_watch.lap();
    const Lap stored = watch.lap();

    // Read back once, record by record as `ukpu keys export` reads them, into both formats.
    watch = Stopwatch();
    keys::ExportWriter sql(keys::ExportFormat::scs_sql);
    keys::ExportWriter csv(keys::ExportFormat::scs_csv);
    store.for_each_record(batch.id, [&](const keys::KeyRecord& r) {
        if (!keys::exportable(r)) return;
        sql.add(r);
        csv.add(r);
    });
    const std::size_t exported_records = sql.added();
    write_file(dir / "scs.sql", sql.finish());
    write_file(dir / "scs.csv", csv.finish());
    const Lap exported = watch.lap();
    const auto records = store.records(batch.id);  // for the baselines

    watch = Stopwatch();
    const bool prepared_ok = baseline_prepared(dir / "prepared.db", records);
    const Lap prepared = watch.lap();

    write_file(dir / "baseline.sql", baseline_sql(records));
    const std::string cmd = "sqlite3 " + (dir / "baseline.db").string() + " < " +
                            (dir / "baseline.sql").string() + " > /dev/null";
    const Stopwatch tool_watch(RUSAGE_CHILDREN);
    const int rc = std::system(cmd.c_str());
    const Lap tool = tool_watch.lap();

    rate("generate", n, gen, "  PID/PPS, random password, setup.bin bytes and sha256");
    rate("store", n, stored, "  setup.bin files written and kept in the store, one transaction");
    std::printf(
        "          of which: setup.bin files %.3f s, add_batch %.3f s (cpu %.3f s), "
        "mark_written %.3f s (cpu %.3f s)\n",
        files_s, add.wall, add.cpu, mark.wall, mark.cpu);
    rate("export", n, exported, "  read back from the store, scs-sql and scs-csv written");
    char extra[160];
    std::snprintf(extra, sizeof extra, "  sqlite3 tool loading the same rows from SQL%s",
                  rc == 0 ? "" : " (FAILED)");
    rate("baseline", n, tool, extra);
    rate("prepared", n, prepared,
         prepared_ok ? "  SQLite's floor: the same rows, one prepared INSERT, one transaction"
                     : "  SQLite's floor (FAILED)");
    std::printf("store / baseline: %.2f x the time of the sqlite3 tool (cpu %.2f x)\n",
                stored.wall / tool.wall, stored.cpu / tool.cpu);
    std::printf("store / prepared: %.2f x the time of SQLite's floor (cpu %.2f x)\n",
                stored.wall / prepared.wall, stored.cpu / prepared.cpu);
    const Lap total{gen.wall + stored.wall + exported.wall, gen.cpu + stored.cpu + exported.cpu};
    std::printf(
        "all three: %.0f records/s into SQLite (target 200000), %.2f x the time of SQLite's "
        "floor alone (cpu: %.0f records per processor-second, %.2f x the floor's)\n",
        n / total.wall, total.wall / prepared.wall, n / total.cpu, total.cpu / prepared.cpu);
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::printf("peak RSS: %.1f MiB (this process)\n", ru.ru_maxrss / 1024.0);
    if (records.size() != n || exported_records != n) {
        std::fprintf(stderr,
                     "keys_bench: the store holds %zu records and %zu were exported, not %u\n",
                     records.size(), exported_records, n);
        return 1;
    }
    return rc == 0 && prepared_ok ? 0 : 1;
}
