// The key store: batches, their key files and records, in one SQLite file (mode 0600, WAL) or in
// a PostgreSQL database that several stations share (store_location.hpp). A SQLite store is
// recognised by PRAGMA application_id, PRAGMA user_version is its schema version, brought up to
// date by the migrations in key_store_schema.cpp; a PostgreSQL store keeps both in its table
// ukpu_schema. A database that is not ukpu's, or that a newer ukpu wrote, is refused and left
// untouched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "ukpu/keys/records.hpp"
#include "ukpu/keys/store_location.hpp"

namespace ukpu::keys {

namespace sql {
class Connection;
}  // namespace sql

// "UKPU" in ASCII, the application_id of every key store.
inline constexpr std::int32_t store_application_id = 0x554B5055;
// The schema version this build writes and reads.
inline constexpr std::int32_t store_schema_version = 6;

// $XDG_DATA_HOME/ukpu/keys.db, else $HOME/.local/share/ukpu/keys.db. Throws Error(bad_argument)
// when neither variable is set.
std::filesystem::path default_store_path();

// How a store is opened. `create` (only `ukpu keys generate` and `keys import`) makes a missing
// store, its directory with mode 0700 and the file with mode 0600 before SQLite opens it, or
// ukpu's tables in an empty PostgreSQL database. `existing` (every command that reads) opens a
// store that is there and creates nothing, neither the file nor a directory nor a table: a path
// with no store is Error(not_found) naming it and the default store, an empty file
// Error(not_a_store), an empty PostgreSQL database Error(not_found). `with_first_batch` is
// `create`, but ukpu's tables in an empty PostgreSQL database are made by the first
// KeyStore::BatchWriter, inside its transaction, so that a first batch that fails leaves the
// database as empty as it was; until that batch is committed, nothing but the BatchWriter may be
// used on the store. (A new SQLite file is made out of sight by keys::StagedStore.)
enum class OpenMode { create, existing, with_first_batch };

class KeyStore {
public:
    // Opens the store at `where` (an older schema is migrated in place). Throws Error:
    // not_found (OpenMode::existing and no store there), not_a_store, newer_schema, io (a server
    // that does not answer, or stops answering), refused (a server that refuses the connection).
    explicit KeyStore(const StoreLocation& where, OpenMode mode = OpenMode::create);
    ~KeyStore();
    KeyStore(const KeyStore&) = delete;
    KeyStore& operator=(const KeyStore&) = delete;

    const StoreLocation& location() const { return location_; }
    // What messages name: the file, or the server's URL.
    const std::string& where() const { return where_; }
    std::int32_t schema_version() const;

    // Adds a batch in one transaction: its key files `pending`, every record `generated` (the
    // batch's `unplaced` records on no key file); it is not exported until its key files are
    // marked written. Throws Error(duplicate_pid) (nothing stored) when a PID is already in the
    // store. (A BatchWriter over the batch's files, packed on every core first.)
    BatchInfo add_batch(const NewBatch& batch);

    class BatchWriter;
    // A new `pending` key file of batch `batch_id` holding the stored records `record_ids`, in
    // that order as records 1..n (records on no key yet, or the unconsumed records of the key file
    // it `replaces`, which move to it). One transaction; Error(refused) when a record is voided,
    // consumed, of another batch, or on a key file other than `replaces`.
    KeyFileInfo add_key_file(std::int64_t batch_id, const NewKeyFile& file,
                             const std::vector<std::int64_t>& record_ids,
                             std::optional<std::int64_t> replaces = std::nullopt);
    // A key file written again, byte for byte, to another key (a lost or failed stick replaced):
    // its target, stick and label become the new key's and it is `pending` until marked written.
    void retarget_key_file(std::int64_t key_file_id, const std::string& target,
                           const std::optional<StickIdentity>& device, const std::string& label);
    // The volume label ukpu wrote on the key of this key file.
    void set_label(std::int64_t key_file_id, const std::string& label);
    // The setup.bin of a key file as it was written; nullopt for a key file stored by a ukpu
    // older than schema 4. Error(not_found) for an unknown key file.
    std::optional<std::vector<std::uint8_t>> setup_bin(std::int64_t key_file_id) const;
    // Voids the records `which` selects that a PC has not taken, with `reason`, in one
    // transaction. Error(not_found) when the key file, batch or PID is not in the store.
    VoidOutcome void_records(const VoidSelection& which, const std::string& reason);
    // The pending key files of `batch_id` become `written` and their records still `generated`
    // `on_key`, in one transaction (after their files were written).
    void mark_written(std::int64_t batch_id);
    // One key file becomes `written` (its stick was written and verified, or sync read its key)
    // and its records still `generated` `on_key`, in one transaction; `volume_id`, when given, is
    // the volume id of the key it is on. The other files of the batch are left as they are.
    void mark_file_written(std::int64_t key_file_id,
                           std::optional<std::uint32_t> volume_id = std::nullopt);
    // A pending key file whose file or stick was not written becomes `failed`: its records stay
    // `generated` and are never exported. `volume_id`: the key's, when the stick got one.
    void mark_file_failed(std::int64_t key_file_id,
                          std::optional<std::uint32_t> volume_id = std::nullopt);
    // The key files ukpu wrote to a key with this volume id, by id.
    std::vector<KeyFileInfo> key_files_with_volume_id(std::uint32_t volume_id) const;

    std::vector<BatchInfo> batches() const;
    BatchInfo batch(std::int64_t id) const;  // Error(not_found)
    // Every record (of one batch), by id.
    std::vector<KeyRecord> records(std::optional<std::int64_t> batch_id = {}) const;
    // Of `pids`, those a record of the store holds.
    std::set<std::string> pids_held(const std::vector<std::string>& pids) const;
    // The same records handed to `visit` one at a time, none kept: memory does not grow with
    // the store. Error(not_found) for an unknown batch.
    void for_each_record(std::optional<std::int64_t> batch_id,
                         const std::function<void(const KeyRecord&)>& visit) const;
    std::vector<KeyRecord> records_of_file(std::int64_t key_file_id) const;

    std::optional<KeyRecord> find_pid(const std::string& pid) const;
    KeyFileInfo key_file(std::int64_t key_file_id) const;  // Error(not_found)

    // Marks the records of a key file with these record numbers consumed; returns how many
    // changed state.
    std::uint32_t mark_consumed(std::int64_t key_file_id, const std::set<std::uint32_t>& numbers);
    // Records (of one batch) in state on_key and not voided become exported; returns how many.
    std::uint32_t mark_exported(std::optional<std::int64_t> batch_id);

    // Every batch, key file and record of `source`, ids and states kept, into this store, in
    // one transaction; Error(refused) (nothing copied) unless this store is empty. Returns the
    // number of records copied.
    std::uint64_t copy_from(const KeyStore& source);
    // True when the store holds no batch, key file or record.
    bool empty() const;

private:
    friend class BatchWriter;
    friend class StagedStore;
    // The batch's row and its key files, without counting its records.
    BatchInfo batch_row(std::int64_t id) const;
    void open_checked(OpenMode mode);
    void open_postgres(OpenMode mode);
    // A store made by an older ukpu brought to store_schema_version, under the write lock.
    void upgrade_postgres();
    // ukpu's tables made in the database, inside the transaction under way, unless another
    // station made them meanwhile.
    void make_postgres_tables();
    // ukpu_schema checked: ukpu's, not newer than this ukpu; an older one upgraded when
    // `may_upgrade` (its own transaction), else Error(refused).
    void check_postgres_schema(bool may_upgrade = true);
    void migrate();

    StoreLocation location_;
    std::string where_;
    std::unique_ptr<sql::Connection> db_;
    // OpenMode::with_first_batch on an empty PostgreSQL database: the first BatchWriter makes the
    // tables.
    bool tables_pending_ = false;
};

// A batch stored file by file in one write transaction, held from construction to commit(): its
// key files and records go in as they are made (`keys generate` builds the next files meanwhile)
// and nothing of it is stored unless commit() is called (the destructor rolls back). Other
// writers of the store wait meanwhile. Throws as add_batch does.
class KeyStore::BatchWriter {
public:
    // Begins the transaction and stores the batch's row (`batch.files` and `batch.unplaced` are
    // not read): `record_count` records in all.
    BatchWriter(KeyStore& store, const NewBatch& batch, std::uint32_t record_count);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    // The next key file, `pending`, with its setup.bin `packed` (pack_setup_bin of its bytes;
    // empty: none kept) and its records, stored 'on-key' (on a key once the file is written).
    // Returns its id.
    std::int64_t add_file(const NewKeyFile& file, std::span<const std::uint8_t> packed);
    // Records on no key file, 'generated'.
    void add_unplaced(const std::vector<KeyRecord>& records);
    // Commits; the batch as stored (every record counted `generated` until its file is written).
    BatchInfo commit();

private:
    struct State;
    void insert_records(std::optional<std::int64_t> file_id, const std::vector<KeyRecord>& records);
    KeyStore& store_;
    std::unique_ptr<State> state_;
};

}  // namespace ukpu::keys
