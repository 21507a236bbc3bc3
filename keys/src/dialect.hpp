// The few places where PostgreSQL's SQL differs from the SQLite spelling the key store is
// written in, translated by the PostgreSQL backend before a statement is sent.
#pragma once

#include <string>
#include <string_view>

namespace ukpu::keys::sql {

// The current time as the store keeps it (UTC, 2026-01-31T12:00:00Z), in each spelling.
inline constexpr std::string_view now_sqlite = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";
inline constexpr std::string_view now_postgresql =
    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

// `sql` for PostgreSQL: `?N` becomes `$N`, a bare `?` the next number, outside quoted text;
// now_sqlite becomes now_postgresql.
std::string to_postgresql(std::string_view sql);

}  // namespace ukpu::keys::sql
