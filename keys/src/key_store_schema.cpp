#include "ukpu/keys/key_store_schema.hpp"

#include <array>

namespace ukpu::keys {

namespace {

// Version 0 -> 1: batches, their key files and records.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,
    ukpu_version  TEXT NOT NULL,
    file_version  TEXT NOT NULL,
    record_count  INTEGER NOT NULL,
    settings      TEXT NOT NULL
);
CREATE TABLE key_files (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES batches(id),
    file_index    INTEGER NOT NULL,
    target        TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    first_record  INTEGER NOT NULL,
    last_record   INTEGER NOT NULL,
    UNIQUE (batch_id, file_index)
);
CREATE TABLE records (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES batches(id),
    key_file_id       INTEGER NOT NULL REFERENCES key_files(id),
    record_number     INTEGER NOT NULL,
    pid               TEXT NOT NULL UNIQUE,
    pps               TEXT NOT NULL,
    current_password  TEXT NOT NULL,
    new_password      TEXT NOT NULL,
    state             TEXT NOT NULL
                      CHECK (state IN ('generated', 'on-key', 'consumed', 'exported')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (key_file_id, record_number)
);
CREATE INDEX records_batch ON records(batch_id);
)sql";

// Version 1 -> 2: the stick a key file was written to (ukpu keys generate --device): its serial,
// vendor and model, size and USB bus path, NULL for a file on disk.
constexpr std::string_view schema_v2 = R"sql(
ALTER TABLE key_files ADD COLUMN device_serial TEXT;
ALTER TABLE key_files ADD COLUMN device_vendor TEXT;
ALTER TABLE key_files ADD COLUMN device_model TEXT;
ALTER TABLE key_files ADD COLUMN device_size INTEGER;
ALTER TABLE key_files ADD COLUMN device_bus_path TEXT;
CREATE INDEX key_files_device ON key_files(device_serial);
)sql";

// Version 2 -> 3: whether each key file reached its file or stick (`pending` until it is
// written, then `written` or `failed`: only written key files' records are exported), and the
// volume id of the key ukpu wrote straight to a stick (what proves a key whose records are all
// consumed; NULL for a file). A key file of an older store is `written` when a record of it left
// `generated` (its file or stick was written), else `failed` (it never was); no older key file has
// a volume id.
constexpr std::string_view schema_v3 = R"sql(
ALTER TABLE key_files ADD COLUMN volume_id INTEGER;
ALTER TABLE key_files ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'written', 'failed'));
UPDATE key_files SET state = CASE
    WHEN EXISTS (SELECT 1 FROM records r WHERE r.key_file_id = key_files.id
                 AND r.state <> 'generated') THEN 'written'
    ELSE 'failed' END;
CREATE INDEX key_files_volume ON key_files(volume_id);
)sql";

constexpr std::array<std::string_view, 3> migrations = {schema_v1, schema_v2, schema_v3};

}  // namespace

std::span<const std::string_view> store_migrations() {
    return migrations;
}

}  // namespace ukpu::keys
