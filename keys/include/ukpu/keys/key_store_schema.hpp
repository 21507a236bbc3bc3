// The key store's schema as a list of migrations: migration i takes user_version i to i+1.
#pragma once

#include <span>
#include <string_view>

namespace ukpu::keys {

std::span<const std::string_view> store_migrations();

}  // namespace ukpu::keys
