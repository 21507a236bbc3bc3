// The key-batch benchmark: N records (PID/PPS from RAND_bytes, a random strong password each,
// setup.bin files of --per-key records) made and stored into a new key store as `ukpu keys
// generate` does (each file made, packed and written on the other cores while the files before it
// go into the store's one transaction; the store made under a temporary name and put in place,
// then its key files marked written), then exported (scs-sql and scs-csv), with records per
// second for each phase, its wall and processor time, and the peak RSS. For comparison, the same
// batch made alone and stored alone from memory (add_batch). Two baselines measured in the same
// run: SQLite's own floor, the same rows inserted in this process into an equivalent records
// table (the same columns, UNIQUE constraints and index, 16 KiB pages, WAL, synchronous=NORMAL)
// with one prepared INSERT reused in one transaction; and the sqlite3 command-line tool loading
// the same rows from a SQL file, timed around the child process. Asserts nothing about time;
// exits 1 when the store or the export does not hold N records.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "ukpu/base/files.hpp"
#include "ukpu/base/parallel.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/packed_setup_bin.hpp"
#include "ukpu/keys/staged_store.hpp"

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
    keys::BatchRequest req;
    req.count = n;
    req.per_key = per_key;
    req.current_password = "admin";

    // The batch as `ukpu keys generate` stores it into a store that is not there yet: the PIDs
    // drawn first, then each file made whole, packed and written on the other cores while this
    // thread puts the files before it into the new store's transaction, in order; the store put
    // in place, then its key files marked written. Timed as one phase, with its parts as this
    // thread saw them.
    Stopwatch watch;
    const Stopwatch plan_watch;
    std::vector<keys::BuiltKeyFile> files = keys::plan_batch(req);
    const Lap plan = plan_watch.lap();
    auto staged = std::make_unique<keys::StagedStore>(dir / "keys.db");
    keys::NewBatch nb;
    nb.ukpu_version = "bench";
    nb.file_version = "2.1";
    nb.settings = "{}";
    std::vector<std::vector<std::uint8_t>> packed(files.size());
    std::vector<double> file_seconds(files.size());
    auto produce = [&](std::size_t i) {
        keys::complete_file(req, files[i]);
        packed[i] = keys::pack_setup_bin(files[i].bytes);
        const auto tf = Clock::now();
        std::ofstream out(dir / ("setup-" + std::to_string(i + 1) + ".bin"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(files[i].bytes.data()),
                  static_cast<std::streamsize>(files[i].bytes.size()));
        out.close();
        file_seconds[i] = seconds_since(tf);
    };
    std::optional<keys::KeyStore::BatchWriter> writer;
    writer.emplace(staged->store(), nb, n);
    auto consume = [&](std::size_t i) {
        keys::NewKeyFile kf;
        kf.target = (dir / ("setup-" + std::to_string(i + 1) + ".bin")).string();
        kf.sha256 = files[i].sha256;
        kf.records = std::move(files[i].records);
        writer->add_file(kf, packed[i]);
        packed[i] = {};
    };
    const Stopwatch pipe_watch;
    ukpu::base::in_order_in_parallel(files.size(), produce, consume);
    const Lap pipe = pipe_watch.lap();
    const Stopwatch commit_watch;
    const keys::BatchInfo batch = writer->commit();
    writer.reset();
    const Lap commit = commit_watch.lap();
    const Stopwatch publish_watch;
    const std::unique_ptr<keys::KeyStore> published = staged->publish();
    staged.reset();
    keys::KeyStore& store = *published;
    const Lap publish = publish_watch.lap();
    const Stopwatch mark_watch;
    store.mark_written(batch.id);
    const Lap mark = mark_watch.lap();
    const Lap stored = watch.lap();
    double files_s = 0;
    for (double f : file_seconds) files_s += f;

    // The parts alone, one after the other, for comparison: the same batch made without a
    // store (every core), and stored by add_batch from memory into a second store.
    watch = Stopwatch();
    std::vector<keys::BuiltKeyFile> alone = keys::build_batch(req);
    const Lap gen = watch.lap();
    keys::KeyStore store2(dir / "keys2.db");
    keys::NewBatch nb2 = nb;
    for (auto& f : alone) {
        keys::NewKeyFile kf;
        kf.target = "setup.bin";
        kf.sha256 = f.sha256;
        kf.records = std::move(f.records);
        kf.bytes = std::move(f.bytes);
        nb2.files.push_back(std::move(kf));
    }
    alone.clear();
    watch = Stopwatch();
    store2.add_batch(nb2);
    const Lap add = watch.lap();
    nb2 = {};

    // Read back once, record by record as `ukpu keys export` reads them, into both formats, each
    // written to its file as it is made and put in place whole, as the command writes it.
    watch = Stopwatch();
    keys::ExportWriter sql(keys::ExportFormat::scs_sql);
    keys::ExportWriter csv(keys::ExportFormat::scs_csv);
    ukpu::base::AtomicFile sql_file(dir / "scs.sql");
    ukpu::base::AtomicFile csv_file(dir / "scs.csv");
    auto to = [](ukpu::base::AtomicFile& file) {
        return [&file](std::string_view text) {
            file.write(std::span<const std::uint8_t>(
                reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
        };
    };
    sql.stream_to(to(sql_file));
    csv.stream_to(to(csv_file));
    store.for_each_record(batch.id, [&](const keys::KeyRecord& r) {
        if (!keys::exportable(r)) return;
        sql.add(r);
        csv.add(r);
    });
    const std::size_t exported_records = sql.added();
    sql.finish();
    csv.finish();
    sql_file.commit();
    csv_file.commit();
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

    rate("batch", n, stored,
         "  made and stored as keys generate does: files made, packed and written on the other "
         "cores while stored in order, one transaction");
    std::printf(
        "          of which: PIDs drawn %.3f s, made and stored %.3f s (cpu %.3f s), commit "
        "%.3f s, store put in place %.3f s, mark_written %.3f s; setup.bin files written %.3f s "
        "on the other cores\n",
        plan.wall, pipe.wall, pipe.cpu, commit.wall, publish.wall, mark.wall, files_s);
    rate("generate", n, gen, "  the same batch made alone (every core, no store)");
    rate("add_batch", n, add, "  the same batch stored alone from memory, one transaction");
    rate("export", n, exported, "  read back from the store, scs-sql and scs-csv written");
    char extra[160];
    std::snprintf(extra, sizeof extra, "  sqlite3 tool loading the same rows from SQL%s",
                  rc == 0 ? "" : " (FAILED)");
    rate("baseline", n, tool, extra);
    rate("prepared", n, prepared,
         prepared_ok ? "  SQLite's floor: the same rows, one prepared INSERT, one transaction"
                     : "  SQLite's floor (FAILED)");
    std::printf("add_batch / baseline: %.2f x the time of the sqlite3 tool (cpu %.2f x)\n",
                add.wall / tool.wall, add.cpu / tool.cpu);
    std::printf("add_batch / prepared: %.2f x the time of SQLite's floor (cpu %.2f x)\n",
                add.wall / prepared.wall, add.cpu / prepared.cpu);
    const Lap total{stored.wall + exported.wall, stored.cpu + exported.cpu};
    std::printf(
        "batch and export: %.0f records/s into SQLite (target 200000), %.2f x the time of SQLite's "
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
