#include "ukpu/provision/key_store_access.hpp"

namespace ukpu::provision {

keys::StoreLocation store_path(const std::string& given) {
    return keys::StoreLocation::parse(given);
}

std::unique_ptr<keys::KeyStore> open_existing_store(const std::string& given) {
    return std::make_unique<keys::KeyStore>(store_path(given), keys::OpenMode::existing);
}

}  // namespace ukpu::provision
