// A new key store that appears whole, with its first batch: `keys generate` and `keys import` into
// a store that is not there yet store their batch in it (file by file while the next files are
// made), and a batch that fails still leaves no store behind.
#pragma once

#include <filesystem>
#include <memory>

#include "ukpu/base/files.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {

// A new store at `where`, put in place by publish(). A SQLite file is created under a temporary
// name in the directory of its path (".NAME.XXXXXX", mode 0600, the directory made 0700 when
// missing); until then nobody else opens it, so it is written without a log and synced only by
// publish(), before it takes the store's name. Never published, it is removed with the files
// SQLite keeps beside it (a process killed meanwhile leaves the hidden file, never taken for a
// store). A PostgreSQL database gets ukpu's tables in the transaction of the store's first
// KeyStore::BatchWriter (OpenMode::with_first_batch): they are there once that batch is
// committed, and nowhere if it is not.
class StagedStore {
public:
    // Throws Error: refused (a file is at the path already), io, not_a_store as KeyStore does.
    explicit StagedStore(const StoreLocation& where);
    ~StagedStore();
    StagedStore(const StagedStore&) = delete;
    StagedStore& operator=(const StagedStore&) = delete;

    // The new store, to fill before publish() (a first batch, through a BatchWriter).
    KeyStore& store() { return *store_; }
    // The store in place. A SQLite file is closed (SQLite folds its write-ahead log into it and
    // removes the log), renamed to its path without replacing a store made there meanwhile, and
    // opened there again: Error(refused) when one was, and nothing of this store is left then;
    // io otherwise. A PostgreSQL store is handed over as it is.
    std::unique_ptr<KeyStore> publish();

private:
    StoreLocation where_;
    std::unique_ptr<base::AtomicFile> file_;
    std::unique_ptr<KeyStore> store_;
};

}  // namespace ukpu::keys
