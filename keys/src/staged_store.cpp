#include "ukpu/keys/staged_store.hpp"

#include <unistd.h>

#include <string>

#include "sql_connection.hpp"
#include "ukpu/base/error.hpp"
#include "ukpu/keys/error.hpp"

namespace ukpu::keys {

namespace {

// `exists_message` says what an existing store at the path means at this step.
Error staged_error(const base::Error& e, const char* exists_message) {
    switch (e.code()) {
        case base::ErrorCode::exists:
            return Error(ErrorCode::refused, exists_message, e.path().string());
        case base::ErrorCode::not_regular:
            return Error(ErrorCode::not_a_store, e.message(), e.path().string());
        default:
            return Error(ErrorCode::io, e.message(), e.path().string());
    }
}

// The files SQLite may keep beside a database.
void remove_side_files(const std::filesystem::path& db) {
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        ::unlink((db.string() + suffix).c_str());
}

}  // namespace

StagedStore::StagedStore(const StoreLocation& where) : where_(where) {
    if (where.is_postgresql()) {
        store_ = std::make_unique<KeyStore>(where, OpenMode::with_first_batch);
        return;
    }
    const std::filesystem::path& path = where.file();
    try {
        base::create_private_dirs(path.parent_path());
        file_ = std::make_unique<base::AtomicFile>(path, 0600, false);
    } catch (const base::Error& e) {
        throw staged_error(e, "already exists: a new key store is not made over it");
    }
    try {
        store_ = std::make_unique<KeyStore>(StoreLocation(file_->temporary()), OpenMode::create);
        // Nobody else opens it: its pages go straight into the file (the rollback journal kept
        // in memory, nothing synced) instead of through a log copied into it at the commit.
        // publish() syncs the file before it takes the store's name, and the store is opened
        // in WAL mode there again.
        store_->db_->exec("PRAGMA journal_mode=MEMORY");
        store_->db_->exec("PRAGMA synchronous=OFF");
    } catch (...) {
        remove_side_files(file_->temporary());
        throw;
    }
}

StagedStore::~StagedStore() {
    if (!file_) return;
    store_.reset();
    remove_side_files(file_->temporary());
    // file_ removes the database itself.
}

std::unique_ptr<KeyStore> StagedStore::publish() {
    if (!file_) return std::move(store_);  // PostgreSQL: its tables came with the batch
    // The last connection closed: SQLite checkpoints the log into the database and removes it.
    store_.reset();
    try {
        file_->commit();
    } catch (const base::Error& e) {
        remove_side_files(file_->temporary());
        file_.reset();  // removes the database
        throw staged_error(e,
                           "a key store was made here while this batch was (by another ukpu?); "
                           "this batch was not stored");
    }
    file_.reset();
    return std::make_unique<KeyStore>(where_, OpenMode::existing);
}

}  // namespace ukpu::keys
