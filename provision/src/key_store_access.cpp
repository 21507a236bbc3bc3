#include "ukpu/provision/key_store_access.hpp"

namespace ukpu::provision {

std::filesystem::path store_path(const std::string& given) {
    return given.empty() ? keys::default_store_path() : std::filesystem::path(given);
}

std::unique_ptr<keys::KeyStore> open_existing_store(const std::string& given) {
    return std::make_unique<keys::KeyStore>(store_path(given), keys::OpenMode::existing);
}

}  // namespace ukpu::provision
