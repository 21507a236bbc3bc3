// Where the key store is and how the front ends open it for reading: the --store value (or the
// window's store field), empty for the default store.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/store_location.hpp"

namespace ukpu::provision {

// `given` (a file, or a postgresql:// URL), or the default store ($XDG_DATA_HOME/ukpu/keys.db,
// ...) when it is empty. Throws keys::Error(bad_argument) when there is no default (neither
// XDG_DATA_HOME nor HOME is set), or for a URL that is not a store's.
keys::StoreLocation store_path(const std::string& given);

// The store at store_path(given), opened as every reading command opens it: never created (a
// mistyped path is keys::Error(not_found), not an empty store).
std::unique_ptr<keys::KeyStore> open_existing_store(const std::string& given);

}  // namespace ukpu::provision
