// The key store's schema: on SQLite a list of migrations (migration i takes user_version i to
// i+1); on PostgreSQL the current schema made at once, its version kept in table ukpu_schema.
#pragma once

#include <span>
#include <string_view>

namespace ukpu::keys {

std::span<const std::string_view> store_migrations();

// The tables of store_schema_version on PostgreSQL: the same tables, columns (in the same order),
// constraints and indexes as SQLite's after every migration, ids BIGINT identities (explicit
// ids allowed, as `keys store copy` writes them), blobs bytea, and ukpu_schema (application_id,
// version) holding one row.
std::string_view postgres_schema();
// What takes a PostgreSQL store made at an older version to the current one: step i takes
// version first_postgres_version + i to the next.
inline constexpr int first_postgres_version = 5;
std::span<const std::string_view> postgres_upgrades();

}  // namespace ukpu::keys
