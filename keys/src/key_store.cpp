#include "ukpu/keys/key_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <variant>

#include "postgres.hpp"
#include "sqlite.hpp"
#include "ukpu/base/error.hpp"
#include "ukpu/base/files.hpp"
#include "ukpu/base/parallel.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store_schema.hpp"
#include "ukpu/keys/packed_setup_bin.hpp"

namespace ukpu::keys {

namespace {

// A store a newer ukpu wrote (SQLite's user_version, PostgreSQL's ukpu_schema) is left alone.
void refuse_newer_schema(std::int64_t version, const std::string& where) {
    if (version > store_schema_version)
        throw Error(ErrorCode::newer_schema,
                    "the key store has schema version " + std::to_string(version) +
                        ", newer than the " + std::to_string(store_schema_version) +
                        " this ukpu knows; use a newer ukpu (the store was left untouched)",
                    where);
}

constexpr const char* now_sql = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

// The tables of the database ukpu opens, and whether ukpu_schema is one of them.
constexpr const char* postgres_tables_sql =
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()";
constexpr const char* postgres_ours_sql =
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
    "table_name = 'ukpu_schema'";

// The key library's error for a failed step of the shared file helpers: same words, same path.
Error store_error(const base::Error& e) {
    const ErrorCode code =
        e.code() == base::ErrorCode::not_regular ? ErrorCode::not_a_store : ErrorCode::io;
    return Error(code, e.message(), e.path().string());
}

// Creates `dir` and missing parents with mode 0700.
void make_private_dirs(const std::filesystem::path& dir) {
    try {
        base::create_private_dirs(dir);
    } catch (const base::Error& e) {
        throw store_error(e);
    }
}

// Creates the file with mode 0600 when it does not exist, so that SQLite never creates it, nor
// its -wal and -shm files (which take the database's mode), with wider permissions. An existing
// store with group or other bits is narrowed to 0600.
void prepare_store_file(const std::filesystem::path& path) {
    try {
        base::open_private_file(path);
    } catch (const base::Error& e) {
        throw store_error(e);
    }
}

// An existing store opened for reading and writing, never created: Error(not_found) naming the
// path and the default store when nothing is there; group or other bits are narrowed to 0600.
void check_existing_store(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err != ENOENT && err != ENOTDIR)
            throw Error(ErrorCode::io,
                        std::string("cannot stat the key store: ") + std::strerror(err),
                        path.string());
        std::string where_default;
        try {
            const std::filesystem::path d = default_store_path();
            where_default =
                d == path ? "this is the default store" : "the default store is " + d.string();
        } catch (const Error&) {
            where_default = "there is no default store (neither XDG_DATA_HOME nor HOME is set)";
        }
        throw Error(ErrorCode::not_found,
                    "no key store here (" + where_default +
                        "; --store FILE names another); only `ukpu keys generate` and `ukpu keys "
                        "import` create a store, nothing was created",
                    path.string());
    }
    if (!S_ISREG(st.st_mode))
        throw Error(ErrorCode::not_a_store, "not a regular file, not a ukpu key store",
                    path.string());
    if ((st.st_mode & 0077) != 0 && ::chmod(path.c_str(), 0600) != 0)
        throw Error(ErrorCode::io, std::string("cannot set mode 0600: ") + std::strerror(errno),
                    path.string());
}

// Records with their key file's index, target and state (NULL for a record on no key yet).
constexpr const char* record_columns =
    "r.id, r.batch_id, r.key_file_id, f.file_index, f.target, r.record_number, r.pid, r.pps, "
    "r.current_password, r.new_password, r.state, r.created_at, r.updated_at, f.state, "
    "r.void_reason, r.voided_at";
constexpr const char* record_from_clause =
    " FROM records r LEFT JOIN key_files f ON f.id = r.key_file_id";
// The same columns without the join, its four columns NULL: filled in from key files read apart.
constexpr const char* record_columns_alone =
    "r.id, r.batch_id, r.key_file_id, NULL, NULL, r.record_number, r.pid, r.pps, "
    "r.current_password, r.new_password, r.state, r.created_at, r.updated_at, NULL, "
    "r.void_reason, r.voided_at FROM records r";

// A record stored 'on-key' with its batch is on a key once its key file is written (schema 6).
void settle_state(KeyRecord& r) {
    if (r.state == RecordState::on_key && r.file_state != KeyFileState::written)
        r.state = RecordState::generated;
}

// The row of `s` (record_columns) into `r`, whose strings keep their capacity; its state as
// stored (settle_state gives the state its key file makes it).
void read_record(const sql::Statement& s, KeyRecord& r) {
    r.id = s.int_at(0);
    r.batch_id = s.int_at(1);
    r.key_file_id = s.int_at(2);
    r.file_index = static_cast<std::uint32_t>(s.int_at(3));
    r.key_file.assign(s.text_view_at(4));
    r.record_number = static_cast<std::uint32_t>(s.int_at(5));
    r.pid.assign(s.text_view_at(6));
    r.pps.assign(s.text_view_at(7));
    r.current_password.assign(s.text_view_at(8));
    r.new_password.assign(s.text_view_at(9));
    r.state = parse_record_state(s.text_view_at(10)).value_or(RecordState::generated);
    r.created_at.assign(s.text_view_at(11));
    r.updated_at.assign(s.text_view_at(12));
    r.file_state = parse_key_file_state(s.text_view_at(13)).value_or(KeyFileState::pending);
    r.void_reason.assign(s.text_view_at(14));
    r.voided_at.assign(s.text_view_at(15));
}

KeyRecord record_from(const sql::Statement& s) {
    KeyRecord r;
    read_record(s, r);
    settle_state(r);
    return r;
}

KeyFileInfo file_from(const sql::Statement& s) {
    KeyFileInfo f;
    f.id = s.int_at(0);
    f.batch_id = s.int_at(1);
    f.file_index = static_cast<std::uint32_t>(s.int_at(2));
    f.target = s.text_at(3);
    f.sha256 = s.text_at(4);
    f.first_record = static_cast<std::uint32_t>(s.int_at(5));
    f.last_record = static_cast<std::uint32_t>(s.int_at(6));
    if (!s.null_at(7)) {
        StickIdentity d;
        d.serial = s.text_at(7);
        d.vendor = s.text_at(8);
        d.model = s.text_at(9);
        d.size = static_cast<std::uint64_t>(s.int_at(10));
        d.bus_path = s.text_at(11);
        f.device = std::move(d);
    }
    if (!s.null_at(12)) f.volume_id = static_cast<std::uint32_t>(s.int_at(12));
    f.state = parse_key_file_state(s.text_at(13)).value_or(KeyFileState::pending);
    f.label = s.text_at(14);
    if (!s.null_at(15)) f.replaces = s.int_at(15);
    return f;
}

constexpr const char* file_columns =
    "id, batch_id, file_index, target, sha256, first_record, last_record, device_serial, "
    "device_vendor, device_model, device_size, device_bus_path, volume_id, state, label, "
    "replaces";

void bind_device(sql::Statement& f, int first, const std::optional<StickIdentity>& device) {
    if (device) {
        f.bind(first, device->serial)
            .bind(first + 1, device->vendor)
            .bind(first + 2, device->model)
            .bind(first + 3, static_cast<std::int64_t>(device->size))
            .bind(first + 4, device->bus_path);
    } else {
        for (int i = first; i < first + 5; ++i) f.bind_null(i);
    }
}

// A key file's setup.bin bytes packed (`packed` empty: none kept) and their encoding, at `index`
// and the next parameter.
void bind_packed(sql::Statement& s, int index, std::span<const std::uint8_t> packed) {
    if (packed.empty()) {
        s.bind_null(index);
        s.bind_null(index + 1);
        return;
    }
    s.bind_blob_static(index, packed);
    s.bind_static(index + 1, packed_encoding);
}

std::vector<std::uint8_t> packed_or_empty(const std::vector<std::uint8_t>& bytes) {
    return bytes.empty() ? std::vector<std::uint8_t>{} : pack_setup_bin(bytes);
}

void bind_text_or_null(sql::Statement& s, int index, const std::string& text) {
    if (text.empty())
        s.bind_null(index);
    else
        s.bind(index, text);
}

}  // namespace

const char* to_string(RecordState s) {
    switch (s) {
        case RecordState::generated:
            return "generated";
        case RecordState::on_key:
            return "on-key";
        case RecordState::consumed:
            return "consumed";
        case RecordState::exported:
            return "exported";
    }
    return "generated";
}

std::optional<RecordState> parse_record_state(std::string_view text) {
    if (text == "generated") return RecordState::generated;
    if (text == "on-key") return RecordState::on_key;
    if (text == "consumed") return RecordState::consumed;
    if (text == "exported") return RecordState::exported;
    return std::nullopt;
}

const char* to_string(KeyFileState s) {
    switch (s) {
        case KeyFileState::pending:
            return "pending";
        case KeyFileState::written:
            return "written";
        case KeyFileState::failed:
            return "failed";
    }
    return "pending";
}

std::optional<KeyFileState> parse_key_file_state(std::string_view text) {
    if (text == "pending") return KeyFileState::pending;
    if (text == "written") return KeyFileState::written;
    if (text == "failed") return KeyFileState::failed;
    return std::nullopt;
}

std::string batch_state(const BatchInfo& b) {
    // Pairs imported and not written to any key yet.
    if (b.files.empty()) return "on no key";
    std::size_t written = 0, failed = 0;
    for (const auto& f : b.files) {
        if (f.state == KeyFileState::pending) return "pending";
        if (f.state == KeyFileState::written) ++written;
        if (f.state == KeyFileState::failed) ++failed;
    }
    if (failed == 0) return "written";
    return written == 0 ? "failed" : "partly failed";
}

std::filesystem::path default_store_path() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg && xdg[0] == '/') return std::filesystem::path(xdg) / "ukpu" / "keys.db";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::filesystem::path(home) / ".local" / "share" / "ukpu" / "keys.db";
    throw Error(ErrorCode::bad_argument,
                "neither XDG_DATA_HOME nor HOME is set; choose the key store with --store FILE");
}

KeyStore::KeyStore(const StoreLocation& where, OpenMode mode)
    : location_(where), where_(where.display()) {
    if (where.is_postgresql()) {
        db_ = std::make_unique<sql::PostgresConnection>(where.url(), where_);
        open_postgres(mode);
        return;
    }
    const std::filesystem::path& path = where.file();
    if (mode != OpenMode::existing) {
        make_private_dirs(path.parent_path());
        prepare_store_file(path);
    } else {
        check_existing_store(path);
    }
    db_ = std::make_unique<sql::SqliteConnection>(path.string(), false);
    open_checked(mode);
    migrate();
}

KeyStore::~KeyStore() = default;

void KeyStore::open_checked(OpenMode mode) {
    // Reading the header fails with SQLITE_NOTADB for a file that is not SQLite at all.
    const std::int64_t app = db_->scalar_int("PRAGMA application_id");
    const std::int64_t version = db_->scalar_int("PRAGMA user_version");
    const std::int64_t objects = db_->scalar_int("SELECT count(*) FROM sqlite_schema");
    if (app != store_application_id) {
        if (app == 0 && version == 0 && objects == 0) {
            // New and empty: ours to set up when creating, else nobody's store.
            if (mode != OpenMode::existing) return;
            throw Error(ErrorCode::not_a_store,
                        "an empty file, not a ukpu key store (only `ukpu keys generate` and `ukpu "
                        "keys import` create one); it was left untouched",
                        where_);
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(app));
        throw Error(ErrorCode::not_a_store,
                    std::string("a SQLite database that is not a ukpu key store (application_id ") +
                        buf + ", ukpu's is 0x554b5055); it was left untouched",
                    where_);
    }
    refuse_newer_schema(version, where_);
}

void KeyStore::migrate() {
    // A new store gets 16 KiB pages (before WAL mode writes its first page): a batch writes
    // 100,000 rows and 0.5 MB of setup.bin bytes per key file at once, and 4 KiB pages took a
    // fifth more processor time in page writes. A store made before keeps its page size.
    if (db_->scalar_int("PRAGMA user_version") == 0) db_->exec("PRAGMA page_size=16384");
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA foreign_keys=ON");
    db_->exec("PRAGMA synchronous=NORMAL");
    // Up to 64 MiB of pages cached (SQLite's default is 2 MiB): a batch inserts 100,000 PIDs at
    // random places in the PID index of a store that may hold millions, and with the default the
    // same index pages were read again and again (a second batch of 100,000 into a store of
    // 100,000 took about a third longer).
    db_->exec("PRAGMA cache_size=-65536");
    auto steps = store_migrations();
    std::int64_t version = db_->scalar_int("PRAGMA user_version");
    if (version >= static_cast<std::int64_t>(steps.size())) return;
    sql::Transaction tx(*db_);
    // Checked again inside the write lock: another process may have migrated meanwhile.
    version = db_->scalar_int("PRAGMA user_version");
    for (auto v = version; v < static_cast<std::int64_t>(steps.size()); ++v)
        db_->exec(std::string(steps[static_cast<std::size_t>(v)]));
    db_->exec("PRAGMA application_id=" + std::to_string(store_application_id));
    db_->exec("PRAGMA user_version=" + std::to_string(steps.size()));
    tx.commit();
}

void KeyStore::open_postgres(OpenMode mode) {
    // Another station may make the store between two questions: whether ukpu_schema is there is
    // asked again after the count of the other tables.
    bool made = db_->scalar_int(postgres_ours_sql) != 0;
    const std::int64_t others = made ? 0 : db_->scalar_int(postgres_tables_sql);
    if (!made && others > 0) made = db_->scalar_int(postgres_ours_sql) != 0;
    if (!made) {
        if (others > 0)
            throw Error(ErrorCode::not_a_store,
                        "a PostgreSQL database that is not a ukpu key store (it holds " +
                            std::to_string(others) +
                            " table(s), none of them ukpu_schema); it was left untouched",
                        where_);
        if (mode == OpenMode::existing)
            throw Error(ErrorCode::not_found,
                        "no ukpu key store in this database (only `ukpu keys generate` and `ukpu "
                        "keys import` create one, `ukpu keys store copy` fills one); nothing was "
                        "created",
                        where_);
        if (mode == OpenMode::with_first_batch) {
            tables_pending_ = true;
            return;
        }
        sql::Transaction tx(*db_);
        make_postgres_tables();
        tx.commit();
    }
    check_postgres_schema();
}

void KeyStore::make_postgres_tables() {
    // Checked again under the write lock: another station may have made the tables meanwhile.
    if (db_->scalar_int(postgres_ours_sql) != 0) return;
    db_->exec(std::string(postgres_schema()));
    db_->exec("INSERT INTO ukpu_schema (application_id, version) VALUES (" +
              std::to_string(store_application_id) + ", " + std::to_string(store_schema_version) +
              ")");
}

void KeyStore::check_postgres_schema(bool may_upgrade) {
    auto s = db_->prepare("SELECT application_id, version FROM ukpu_schema");
    if (!s.step() || s.int_at(0) != store_application_id)
        throw Error(ErrorCode::not_a_store,
                    "a PostgreSQL database whose ukpu_schema is not a ukpu key store's; it was "
                    "left untouched",
                    where_);
    const std::int64_t version = s.int_at(1);
    s.reset();
    refuse_newer_schema(version, where_);
    if (version >= store_schema_version) return;
    if (!may_upgrade)
        throw Error(ErrorCode::refused,
                    "another ukpu made this store (schema " + std::to_string(version) +
                        ") while this batch was made; nothing was stored: run again",
                    where_);
    upgrade_postgres();
}

void KeyStore::upgrade_postgres() {
    sql::Transaction tx(*db_);
    // Read again under the write lock: another station may have upgraded the store meanwhile.
    const std::int64_t version = db_->scalar_int("SELECT version FROM ukpu_schema");
    if (version < first_postgres_version)
        throw Error(ErrorCode::not_a_store,
                    "a PostgreSQL store at schema version " + std::to_string(version) +
                        ", older than any ukpu made; it was left untouched",
                    where_);
    const auto steps = postgres_upgrades();
    for (auto v = version; v < store_schema_version; ++v)
        db_->exec(std::string(steps[static_cast<std::size_t>(v - first_postgres_version)]));
    db_->exec("UPDATE ukpu_schema SET version=" + std::to_string(store_schema_version));
    tx.commit();
}

std::int32_t KeyStore::schema_version() const {
    if (db_->backend() == sql::Backend::postgresql)
        return static_cast<std::int32_t>(db_->scalar_int("SELECT version FROM ukpu_schema"));
    return static_cast<std::int32_t>(db_->scalar_int("PRAGMA user_version"));
}

BatchInfo KeyStore::add_batch(const NewBatch& batch) {
    auto total = static_cast<std::uint32_t>(batch.unplaced.size());
    for (const auto& f : batch.files) total += static_cast<std::uint32_t>(f.records.size());
    // Every file packed on every core before the write transaction begins.
    std::vector<std::vector<std::uint8_t>> packed(batch.files.size());
    base::for_each_in_parallel(batch.files.size(), [&](std::size_t i) {
        packed[i] = packed_or_empty(batch.files[i].bytes);
    });
    BatchWriter writer(*this, batch, total);
    for (std::size_t i = 0; i < batch.files.size(); ++i) writer.add_file(batch.files[i], packed[i]);
    writer.add_unplaced(batch.unplaced);
    return writer.commit();
}

struct KeyStore::BatchWriter::State {
    explicit State(sql::Connection& db) : tx(db) {}
    sql::Transaction tx;
    std::int64_t batch_id = 0;
    std::string created_at;
    std::uint32_t files = 0;
    std::uint32_t position = 0;  // records placed on the key files so far
    std::uint32_t unplaced = 0;
    std::uint32_t record_count = 0;
    std::optional<sql::Statement> file_insert;
    std::optional<sql::Statement> full_insert;  // rows_per_insert records
};

KeyStore::BatchWriter::BatchWriter(KeyStore& store, const NewBatch& batch,
                                   std::uint32_t record_count)
    : store_(store), state_(std::make_unique<State>(*store.db_)) {
    sql::Connection& db = *store_.db_;
    if (store_.tables_pending_) {
        // The first batch of a new PostgreSQL store: its tables go in with it, or not at all.
        store_.make_postgres_tables();
        store_.check_postgres_schema(false);
    }
    auto b = db.prepare(std::string("INSERT INTO batches (created_at, ukpu_version, "
                                    "file_version, record_count, settings) VALUES (") +
                        now_sql + ", ?, ?, ?, ?)");
    b.bind(1, batch.ukpu_version)
        .bind(2, batch.file_version)
        .bind(3, std::int64_t{record_count})
        .bind(4, batch.settings);
    b.run();
    state_->batch_id = db.last_insert_rowid();
    state_->record_count = record_count;
    auto at = db.prepare("SELECT created_at FROM batches WHERE id=?");
    at.bind(1, state_->batch_id);
    at.step();
    state_->created_at = at.text_at(0);
}

KeyStore::BatchWriter::~BatchWriter() = default;

std::int64_t KeyStore::BatchWriter::add_file(const NewKeyFile& file,
                                             std::span<const std::uint8_t> packed) {
    State& st = *state_;
    if (!st.file_insert)
        st.file_insert.emplace(store_.db_->prepare(
            "INSERT INTO key_files (batch_id, file_index, target, sha256, first_record, "
            "last_record, device_serial, device_vendor, device_model, device_size, "
            "device_bus_path, label, setup_bin, setup_bin_encoding, state) VALUES (?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')"));
    sql::Statement& f = *st.file_insert;
    const std::uint32_t first = st.position + 1;
    const std::uint32_t last = st.position + static_cast<std::uint32_t>(file.records.size());
    f.bind(1, st.batch_id)
        .bind(2, std::int64_t{++st.files})
        .bind(3, file.target)
        .bind(4, file.sha256)
        .bind(5, std::int64_t{first})
        .bind(6, std::int64_t{last});
    bind_device(f, 7, file.device);
    bind_text_or_null(f, 12, file.label);
    bind_packed(f, 13, packed);
    f.run();
    f.reset();
    const std::int64_t id = store_.db_->last_insert_rowid();
    st.position = last;
    insert_records(id, file.records);
    return id;
}

void KeyStore::BatchWriter::add_unplaced(const std::vector<KeyRecord>& records) {
    state_->unplaced += static_cast<std::uint32_t>(records.size());
    insert_records(std::nullopt, records);
}

// On a key file: 'on-key', which counts once the file is written (schema 6); on none:
// 'generated'. Several rows per INSERT: one statement (one round trip to a server) for
// rows_per_insert records.
void KeyStore::BatchWriter::insert_records(std::optional<std::int64_t> file_id,
                                           const std::vector<KeyRecord>& records) {
    State& st = *state_;
    constexpr std::size_t rows_per_insert = 200;
    // ?1 the batch, ?2 its time (created_at and updated_at of every row), then 7 per row.
    constexpr int per_row = 7;
    auto insert_for = [&](std::size_t n) {
        std::string q =
            "INSERT INTO records (batch_id, key_file_id, record_number, pid, pps, "
            "current_password, new_password, state, created_at, updated_at) VALUES ";
        for (std::size_t k = 0; k < n; ++k) {
            q += k ? ", (?1" : "(?1";
            for (int c = 1; c <= per_row; ++c)
                q += ", ?" + std::to_string(2 + static_cast<int>(k) * per_row + c);
            q += ", ?2, ?2)";
        }
        return store_.db_->prepare(q);
    };
    for (std::size_t first = 0; first < records.size(); first += rows_per_insert) {
        const std::size_t n = std::min(rows_per_insert, records.size() - first);
        std::optional<sql::Statement> rest;
        if (n == rows_per_insert && !st.full_insert) st.full_insert.emplace(insert_for(n));
        sql::Statement& r = n == rows_per_insert ? *st.full_insert : rest.emplace(insert_for(n));
        r.bind(1, st.batch_id).bind_static(2, st.created_at);
        for (std::size_t k = 0; k < n; ++k) {
            const KeyRecord& rec = records[first + k];
            const int at = 2 + static_cast<int>(k) * per_row;
            if (file_id)
                r.bind(at + 1, *file_id).bind(at + 2, std::int64_t{rec.record_number});
            else
                r.bind_null(at + 1).bind_null(at + 2);
            r.bind_static(at + 3, rec.pid)
                .bind_static(at + 4, rec.pps)
                .bind_static(at + 5, rec.current_password)
                .bind_static(at + 6, rec.new_password)
                .bind_static(at + 7, file_id ? "on-key" : "generated");
        }
        r.run();
        r.reset();
    }
}

BatchInfo KeyStore::BatchWriter::commit() {
    State& st = *state_;
    // Read before the commit: no other writer can have changed it.
    BatchInfo out = store_.batch_row(st.batch_id);
    out.generated = st.record_count;
    out.unplaced = st.unplaced;
    st.tx.commit();
    store_.tables_pending_ = false;
    return out;
}

KeyFileInfo KeyStore::add_key_file(std::int64_t batch_id, const NewKeyFile& file,
                                   const std::vector<std::int64_t>& record_ids,
                                   std::optional<std::int64_t> replaces) {
    sql::Transaction tx(*db_);
    (void)batch(batch_id);  // Error(not_found)
    auto get = db_->prepare(std::string("SELECT ") + record_columns + record_from_clause +
                            " WHERE r.id=?");
    for (const auto id : record_ids) {
        get.bind(1, id);
        if (!get.step())
            throw Error(ErrorCode::not_found,
                        "no record " + std::to_string(id) + " in the key store", where_);
        const KeyRecord rec = record_from(get);
        get.reset();
        const std::string which = "record " + std::to_string(id) + " (PID " + rec.pid + ")";
        if (rec.batch_id != batch_id)
            throw Error(ErrorCode::refused, which + " is of batch " + std::to_string(rec.batch_id),
                        where_);
        if (rec.voided())
            throw Error(ErrorCode::refused, which + " was voided: " + rec.void_reason, where_);
        if (rec.state == RecordState::consumed)
            throw Error(ErrorCode::refused, which + " was consumed by a PC", where_);
        if (rec.placed() && rec.key_file_id != replaces.value_or(0))
            throw Error(ErrorCode::refused,
                        which + " is on key file " + std::to_string(rec.key_file_id), where_);
    }
    const std::int64_t index =
        db_->scalar_int("SELECT coalesce(max(file_index), 0) + 1 FROM key_files WHERE batch_id=" +
                        std::to_string(batch_id));
    // Positions within the batch: after every record the batch placed before.
    const std::int64_t first =
        db_->scalar_int("SELECT coalesce(max(last_record), 0) + 1 FROM key_files WHERE batch_id=" +
                        std::to_string(batch_id));
    auto f = db_->prepare(
        "INSERT INTO key_files (batch_id, file_index, target, sha256, first_record, "
        "last_record, device_serial, device_vendor, device_model, device_size, device_bus_path, "
        "label, replaces, setup_bin, setup_bin_encoding, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, 'pending')");
    f.bind(1, batch_id)
        .bind(2, index)
        .bind(3, file.target)
        .bind(4, file.sha256)
        .bind(5, first)
        .bind(6, first + static_cast<std::int64_t>(record_ids.size()) - 1);
    bind_device(f, 7, file.device);
    bind_text_or_null(f, 12, file.label);
    if (replaces)
        f.bind(13, *replaces);
    else
        f.bind_null(13);
    const std::vector<std::uint8_t> packed = packed_or_empty(file.bytes);
    bind_packed(f, 14, packed);
    f.run();
    const std::int64_t file_id = db_->last_insert_rowid();
    // Numbers first move out of the way: a record keeps UNIQUE (key_file_id, record_number)
    // while its key file changes.
    auto move = db_->prepare(std::string("UPDATE records SET key_file_id=?, record_number=?, "
                                         "state='generated', updated_at=") +
                             now_sql + " WHERE id=?");
    std::int64_t number = 0;
    for (const auto id : record_ids) {
        move.bind(1, file_id).bind(2, ++number).bind(3, id);
        move.run();
        move.reset();
    }
    tx.commit();
    return key_file(file_id);
}

void KeyStore::retarget_key_file(std::int64_t key_file_id, const std::string& target,
                                 const std::optional<StickIdentity>& device,
                                 const std::string& label) {
    (void)key_file(key_file_id);  // Error(not_found)
    auto f = db_->prepare(
        "UPDATE key_files SET target=?, device_serial=?, device_vendor=?, device_model=?, "
        "device_size=?, device_bus_path=?, label=?, volume_id=NULL, state='pending' WHERE id=?");
    f.bind(1, target);
    bind_device(f, 2, device);
    bind_text_or_null(f, 7, label);
    f.bind(8, key_file_id);
    f.run();
}

void KeyStore::set_label(std::int64_t key_file_id, const std::string& label) {
    auto f = db_->prepare("UPDATE key_files SET label=? WHERE id=?");
    bind_text_or_null(f, 1, label);
    f.bind(2, key_file_id);
    f.run();
}

std::optional<std::vector<std::uint8_t>> KeyStore::setup_bin(std::int64_t key_file_id) const {
    (void)key_file(key_file_id);  // Error(not_found)
    auto s = db_->prepare("SELECT setup_bin, setup_bin_encoding FROM key_files WHERE id=?");
    s.bind(1, key_file_id);
    if (!s.step() || s.null_at(0)) return std::nullopt;
    std::optional<std::string> encoding;
    if (!s.null_at(1)) encoding = s.text_at(1);
    return unpack_setup_bin(s.blob_at(0), encoding,
                            where_ + ": key file " + std::to_string(key_file_id));
}

VoidOutcome KeyStore::void_records(const VoidSelection& which, const std::string& reason) {
    // The records chosen, as one condition and its one parameter each (several PIDs: one each).
    std::vector<std::pair<std::string, std::variant<std::int64_t, std::string>>> parts;
    if (which.key_file_id) {
        (void)key_file(*which.key_file_id);
        parts.push_back({"key_file_id=?", *which.key_file_id});
    } else if (which.batch_id) {
        (void)batch(*which.batch_id);
        parts.push_back({"batch_id=?", *which.batch_id});
    } else if (which.pid || !which.pids.empty()) {
        std::vector<std::string> pids = which.pids;
        if (which.pid) pids.push_back(*which.pid);
        for (const auto& pid : pids) {
            if (!find_pid(pid))
                throw Error(ErrorCode::not_found, "no record with PID " + pid + " in the key store",
                            where_);
            parts.push_back({"pid=?", pid});
        }
    } else {
        throw Error(ErrorCode::bad_argument, "nothing chosen to void", where_);
    }
    auto bind_value = [](sql::Statement& s, int index,
                         const std::variant<std::int64_t, std::string>& v) {
        if (const auto* id = std::get_if<std::int64_t>(&v))
            s.bind(index, *id);
        else
            s.bind(index, std::get<std::string>(v));
    };
    sql::Transaction tx(*db_);
    VoidOutcome out;
    for (const auto& [where, value] : parts) {
        auto count = db_->prepare(
            "SELECT coalesce(sum(CASE WHEN state='consumed' THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN state<>'consumed' AND voided_at IS NOT NULL THEN 1 ELSE 0 "
            "END), 0) FROM records WHERE " +
            where);
        bind_value(count, 1, value);
        if (count.step()) {
            out.consumed_kept += static_cast<std::uint32_t>(count.int_at(0));
            out.already_voided += static_cast<std::uint32_t>(count.int_at(1));
        }
        auto v = db_->prepare(std::string("UPDATE records SET void_reason=?, voided_at=") +
                              now_sql + ", updated_at=" + now_sql +
                              " WHERE state<>'consumed' AND voided_at IS NULL AND " + where);
        v.bind(1, reason);
        bind_value(v, 2, value);
        v.run();
        out.voided += static_cast<std::uint32_t>(db_->changes());
    }
    tx.commit();
    return out;
}

void KeyStore::mark_written(std::int64_t batch_id) {
    // Its records went in 'on-key' (add_batch): they are on a key from here on.
    auto f =
        db_->prepare("UPDATE key_files SET state='written' WHERE batch_id=? AND state='pending'");
    f.bind(1, batch_id);
    f.run();
}

void KeyStore::mark_file_written(std::int64_t key_file_id, std::optional<std::uint32_t> volume_id) {
    sql::Transaction tx(*db_);
    auto r = db_->prepare(std::string("UPDATE records SET state='on-key', updated_at=") + now_sql +
                          " WHERE key_file_id=? AND state='generated'");
    r.bind(1, key_file_id);
    r.run();
    auto f = db_->prepare(
        "UPDATE key_files SET state='written', volume_id=coalesce(?, volume_id) WHERE id=?");
    if (volume_id)
        f.bind(1, std::int64_t{*volume_id});
    else
        f.bind_null(1);
    f.bind(2, key_file_id);
    f.run();
    tx.commit();
}

void KeyStore::mark_file_failed(std::int64_t key_file_id, std::optional<std::uint32_t> volume_id) {
    sql::Transaction tx(*db_);
    auto f = db_->prepare(
        "UPDATE key_files SET state='failed', volume_id=coalesce(?, volume_id) WHERE id=? AND "
        "state='pending'");
    if (volume_id)
        f.bind(1, std::int64_t{*volume_id});
    else
        f.bind_null(1);
    f.bind(2, key_file_id);
    f.run();
    if (db_->changes() == 0) return;  // not pending: left as it is (the transaction rolls back)
    // Its records, stored 'on-key' with their batch, never reached a key.
    auto r = db_->prepare(std::string("UPDATE records SET state='generated', updated_at=") +
                          now_sql + " WHERE key_file_id=? AND state='on-key'");
    r.bind(1, key_file_id);
    r.run();
    tx.commit();
}

std::vector<KeyFileInfo> KeyStore::key_files_with_volume_id(std::uint32_t volume_id) const {
    auto s = db_->prepare(std::string("SELECT ") + file_columns +
                          " FROM key_files WHERE volume_id=? ORDER BY id");
    s.bind(1, std::int64_t{volume_id});
    std::vector<KeyFileInfo> out;
    while (s.step()) out.push_back(file_from(s));
    return out;
}

std::vector<BatchInfo> KeyStore::batches() const {
    std::vector<BatchInfo> out;
    std::vector<std::int64_t> ids;
    auto s = db_->prepare("SELECT id FROM batches ORDER BY id");
    while (s.step()) ids.push_back(s.int_at(0));
    for (auto id : ids) out.push_back(batch(id));
    return out;
}

BatchInfo KeyStore::batch_row(std::int64_t id) const {
    auto s = db_->prepare(
        "SELECT id, created_at, ukpu_version, file_version, settings, record_count FROM batches "
        "WHERE id=?");
    s.bind(1, id);
    if (!s.step())
        throw Error(ErrorCode::not_found, "no batch " + std::to_string(id) + " in the key store",
                    where_);
    BatchInfo b;
    b.id = s.int_at(0);
    b.created_at = s.text_at(1);
    b.ukpu_version = s.text_at(2);
    b.file_version = s.text_at(3);
    b.settings = s.text_at(4);
    b.record_count = static_cast<std::uint32_t>(s.int_at(5));
    auto f = db_->prepare(std::string("SELECT ") + file_columns +
                          " FROM key_files WHERE batch_id=? ORDER BY file_index");
    f.bind(1, id);
    while (f.step()) b.files.push_back(file_from(f));
    return b;
}

BatchInfo KeyStore::batch(std::int64_t id) const {
    BatchInfo b = batch_row(id);
    auto v = db_->prepare(
        "SELECT coalesce(sum(CASE WHEN voided_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN key_file_id IS NULL THEN 1 ELSE 0 END), 0) FROM records WHERE "
        "batch_id=?");
    v.bind(1, id);
    if (v.step()) {
        b.voided = static_cast<std::uint32_t>(v.int_at(0));
        b.unplaced = static_cast<std::uint32_t>(v.int_at(1));
    }
    // A record stored 'on-key' whose key file is not written counts as 'generated' (schema 6).
    auto c = db_->prepare(
        "SELECT CASE WHEN r.state='on-key' AND f.state<>'written' THEN 'generated' ELSE r.state "
        "END AS s, count(*) FROM records r LEFT JOIN key_files f ON f.id = r.key_file_id WHERE "
        "r.batch_id=? GROUP BY s");
    c.bind(1, id);
    while (c.step()) {
        auto n = static_cast<std::uint32_t>(c.int_at(1));
        switch (parse_record_state(c.text_at(0)).value_or(RecordState::generated)) {
            case RecordState::generated:
                b.generated = n;
                break;
            case RecordState::on_key:
                b.on_key = n;
                break;
            case RecordState::consumed:
                b.consumed = n;
                break;
            case RecordState::exported:
                b.exported = n;
                break;
        }
    }
    return b;
}

void KeyStore::for_each_record(std::optional<std::int64_t> batch_id,
                               const std::function<void(const KeyRecord&)>& visit) const {
    // The key files first (a few hundred), then the records alone: a join would look their key
    // file up again for each of 100,000 records.
    struct FileOf {
        std::uint32_t index = 0;
        std::string target;
        KeyFileState state = KeyFileState::pending;
    };
    std::unordered_map<std::int64_t, FileOf> files;
    auto f = db_->prepare(std::string("SELECT id, file_index, target, state FROM key_files") +
                          (batch_id ? " WHERE batch_id=?" : ""));
    if (batch_id) f.bind(1, *batch_id);
    while (f.step())
        files[f.int_at(0)] = {
            static_cast<std::uint32_t>(f.int_at(1)), f.text_at(2),
            parse_key_file_state(f.text_view_at(3)).value_or(KeyFileState::pending)};
    std::string q = std::string("SELECT ") + record_columns_alone;
    if (batch_id) q += " WHERE r.batch_id=?";
    q += " ORDER BY r.id";
    auto s = db_->prepare(q);
    if (batch_id) s.bind(1, *batch_id);
    KeyRecord r;  // one record read into again and again: its strings keep their capacity
    bool any = false;
    while (s.step()) {
        read_record(s, r);
        if (auto it = files.find(r.key_file_id); it != files.end()) {
            r.file_index = it->second.index;
            r.key_file.assign(it->second.target);
            r.file_state = it->second.state;
        }
        settle_state(r);
        any = true;
        visit(r);
    }
    // Error(not_found) for an unknown batch (not asked of a batch that has records: counting
    // them again would cost as much as reading them).
    if (batch_id && !any) batch(*batch_id);
}

std::set<std::string> KeyStore::pids_held(const std::vector<std::string>& pids) const {
    // Asked 500 at a time (one round trip to a server each), through the PID index.
    constexpr std::size_t per_query = 500;
    std::set<std::string> out;
    std::optional<sql::Statement> full;
    for (std::size_t first = 0; first < pids.size(); first += per_query) {
        const std::size_t n = std::min(per_query, pids.size() - first);
        auto query_for = [&] {
            std::string q = "SELECT pid FROM records WHERE pid IN (?";
            for (std::size_t k = 1; k < n; ++k) q += ", ?";
            return db_->prepare(q + ")");
        };
        std::optional<sql::Statement> rest;
        if (n == per_query && !full) full.emplace(query_for());
        sql::Statement& s = n == per_query ? *full : rest.emplace(query_for());
        for (std::size_t k = 0; k < n; ++k) s.bind_static(static_cast<int>(k) + 1, pids[first + k]);
        while (s.step()) out.insert(s.text_at(0));
        s.reset();
    }
    return out;
}

std::vector<KeyRecord> KeyStore::records(std::optional<std::int64_t> batch_id) const {
    std::vector<KeyRecord> out;
    for_each_record(batch_id, [&](const KeyRecord& r) { out.push_back(r); });
    return out;
}

std::vector<KeyRecord> KeyStore::records_of_file(std::int64_t key_file_id) const {
    auto s = db_->prepare(std::string("SELECT ") + record_columns + record_from_clause +
                          " WHERE r.key_file_id=? ORDER BY r.record_number");
    s.bind(1, key_file_id);
    std::vector<KeyRecord> out;
    while (s.step()) out.push_back(record_from(s));
    return out;
}

std::optional<KeyRecord> KeyStore::find_pid(const std::string& pid) const {
    auto s = db_->prepare(std::string("SELECT ") + record_columns + record_from_clause +
                          " WHERE r.pid=?");
    s.bind(1, pid);
    if (!s.step()) return std::nullopt;
    return record_from(s);
}

KeyFileInfo KeyStore::key_file(std::int64_t key_file_id) const {
    auto s = db_->prepare(std::string("SELECT ") + file_columns + " FROM key_files WHERE id=?");
    s.bind(1, key_file_id);
    if (!s.step())
        throw Error(ErrorCode::not_found,
                    "no key file " + std::to_string(key_file_id) + " in the key store", where_);
    return file_from(s);
}

std::uint32_t KeyStore::mark_consumed(std::int64_t key_file_id,
                                      const std::set<std::uint32_t>& numbers) {
    sql::Transaction tx(*db_);
    auto s =
        db_->prepare(std::string("UPDATE records SET state='consumed', updated_at=") + now_sql +
                     " WHERE key_file_id=? AND record_number=? AND state<>'consumed'");
    std::uint32_t changed = 0;
    for (auto n : numbers) {
        s.bind(1, key_file_id).bind(2, std::int64_t{n});
        s.run();
        s.reset();
        changed += static_cast<std::uint32_t>(db_->changes());
    }
    tx.commit();
    return changed;
}

std::uint32_t KeyStore::mark_exported(std::optional<std::int64_t> batch_id) {
    // The time, taken once for every row rather than formatted again for each.
    auto now = db_->prepare(std::string("SELECT ") + now_sql);
    now.step();
    const std::string at = now.text_at(0);
    std::string q =
        "UPDATE records SET state='exported', updated_at=?1 WHERE state='on-key' AND voided_at IS "
        "NULL AND key_file_id IN (SELECT id FROM key_files WHERE state='written')";
    if (batch_id) q += " AND batch_id=?2";
    auto s = db_->prepare(q);
    s.bind_static(1, at);
    if (batch_id) s.bind(2, *batch_id);
    s.run();
    return static_cast<std::uint32_t>(db_->changes());
}

}  // namespace ukpu::keys
