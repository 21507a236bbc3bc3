// A new SQLite key store made out of sight and put in place whole: `keys generate` into a store
// that is not there yet stores its batch file by file while the next files are made, and a batch
// that fails still leaves no store behind.
#pragma once

#include <filesystem>
#include <memory>

#include "ukpu/base/files.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {

// A store created under a temporary name in the directory of `path` (".NAME.XXXXXX", mode 0600,
// the directory made 0700 when missing) and put at `path` by publish(). Until then nobody else
// opens it, so it is written without a log and synced only by publish(), before it takes the
// store's name. Never published, it is removed with the files SQLite keeps beside it (a process
// killed meanwhile leaves the hidden file, never taken for a store).
class StagedStore {
public:
    // Throws Error: refused (something is at `path` already), io, not_a_store as KeyStore does.
    explicit StagedStore(const std::filesystem::path& path);
    ~StagedStore();
    StagedStore(const StagedStore&) = delete;
    StagedStore& operator=(const StagedStore&) = delete;

    // The new store, to fill before publish().
    KeyStore& store() { return *store_; }
    // Closes the store (SQLite folds its write-ahead log into the file and removes it), renames
    // it to `path` without replacing a store made there meanwhile, and opens it there again.
    // Throws Error(refused) when one was: nothing of this store is left then; io otherwise.
    std::unique_ptr<KeyStore> publish();

private:
    std::filesystem::path path_;
    std::unique_ptr<base::AtomicFile> file_;
    std::unique_ptr<KeyStore> store_;
};

}  // namespace ukpu::keys
