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

// Version 3 -> 4: records imported from elsewhere sit on no key until `keys write` puts them on
// one (key_file_id and record_number NULL together); a record can be voided (a lost stick, a
// stick overwritten) with a reason and a time, and is then never exported as usable; a key file
// has the volume label written on its key, names the key file it replaces (`keys write
// --key-file ID --unconsumed`), and keeps its setup.bin's bytes, so that `keys write --key-file
// ID` writes the same bytes again (NULL for key files stored before). SQLite cannot drop NOT NULL
// in place: records is rebuilt, ids kept (they are csti_pid_map.id on the servers).
constexpr std::string_view schema_v4 = R"sql(
CREATE TABLE records_v4 (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES batches(id),
    key_file_id       INTEGER REFERENCES key_files(id),
    record_number     INTEGER,
    pid               TEXT NOT NULL UNIQUE,
    pps               TEXT NOT NULL,
    current_password  TEXT NOT NULL,
    new_password      TEXT NOT NULL,
    state             TEXT NOT NULL
                      CHECK (state IN ('generated', 'on-key', 'consumed', 'exported')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    void_reason       TEXT,
    voided_at         TEXT,
    UNIQUE (key_file_id, record_number),
    CHECK ((key_file_id IS NULL) = (record_number IS NULL)),
    CHECK ((void_reason IS NULL) = (voided_at IS NULL))
);
INSERT INTO records_v4 (id, batch_id, key_file_id, record_number, pid, pps, current_password,
                        new_password, state, created_at, updated_at)
    SELECT id, batch_id, key_file_id, record_number, pid, pps, current_password, new_password,
           state, created_at, updated_at FROM records;
DROP TABLE records;
ALTER TABLE records_v4 RENAME TO records;
CREATE INDEX records_batch ON records(batch_id);
CREATE INDEX records_key_file ON records(key_file_id);
ALTER TABLE key_files ADD COLUMN label TEXT;
ALTER TABLE key_files ADD COLUMN replaces INTEGER REFERENCES key_files(id);
ALTER TABLE key_files ADD COLUMN setup_bin BLOB;
)sql";

// Version 4 -> 5: the same tables, cheaper to write. SQLite 3.40 builds a temporary table for
// every row it checks against `state IN (...)` (the list of a CHECK is not kept between rows),
// which made inserting and updating records about a third slower: the CHECK now compares with
// each state in turn, accepting the same four. The index records_key_file duplicated the first
// column of UNIQUE (key_file_id, record_number), whose index serves the same look-ups: dropped.
// records is rebuilt as in version 4, ids kept.
constexpr std::string_view schema_v5 = R"sql(
CREATE TABLE records_v5 (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES batches(id),
    key_file_id       INTEGER REFERENCES key_files(id),
    record_number     INTEGER,
    pid               TEXT NOT NULL UNIQUE,
    pps               TEXT NOT NULL,
    current_password  TEXT NOT NULL,
    new_password      TEXT NOT NULL,
    state             TEXT NOT NULL
                      CHECK (state = 'generated' OR state = 'on-key' OR state = 'consumed'
                             OR state = 'exported'),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    void_reason       TEXT,
    voided_at         TEXT,
    UNIQUE (key_file_id, record_number),
    CHECK ((key_file_id IS NULL) = (record_number IS NULL)),
    CHECK ((void_reason IS NULL) = (voided_at IS NULL))
);
INSERT INTO records_v5 (id, batch_id, key_file_id, record_number, pid, pps, current_password,
                        new_password, state, created_at, updated_at, void_reason, voided_at)
    SELECT id, batch_id, key_file_id, record_number, pid, pps, current_password, new_password,
           state, created_at, updated_at, void_reason, voided_at FROM records;
DROP TABLE records;
ALTER TABLE records_v5 RENAME TO records;
CREATE INDEX records_batch ON records(batch_id);
)sql";

// Schema 6: the setup.bin bytes of a key file packed (packed_setup_bin.hpp), and a record
// 'on-key' from the moment its batch is stored: it is on a key once its key file is 'written'
// (until then it reads as 'generated', and a key file that failed takes its records back to
// 'generated'), so that writing a batch's files changes 100 key file rows, not 100,000 records.
constexpr std::string_view schema_v6 = R"sql(
ALTER TABLE key_files ADD COLUMN setup_bin_encoding TEXT
    CHECK (setup_bin_encoding IS NULL OR setup_bin_encoding = 'zstd');
)sql";

constexpr std::string_view schema_postgresql = R"sql(
CREATE TABLE ukpu_schema (
    application_id  BIGINT NOT NULL,
    version         INTEGER NOT NULL
);
CREATE TABLE batches (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    created_at    TEXT NOT NULL,
    ukpu_version  TEXT NOT NULL,
    file_version  TEXT NOT NULL,
    record_count  BIGINT NOT NULL,
    settings      TEXT NOT NULL
);
CREATE TABLE key_files (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id         BIGINT NOT NULL REFERENCES batches(id),
    file_index       BIGINT NOT NULL,
    target           TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    first_record     BIGINT NOT NULL,
    last_record      BIGINT NOT NULL,
    device_serial    TEXT,
    device_vendor    TEXT,
    device_model     TEXT,
    device_size      BIGINT,
    device_bus_path  TEXT,
    volume_id        BIGINT,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'written', 'failed')),
    label            TEXT,
    replaces         BIGINT REFERENCES key_files(id),
    setup_bin        BYTEA,
    setup_bin_encoding TEXT
                     CHECK (setup_bin_encoding IS NULL OR setup_bin_encoding = 'zstd'),
    UNIQUE (batch_id, file_index)
);
CREATE INDEX key_files_device ON key_files(device_serial);
CREATE INDEX key_files_volume ON key_files(volume_id);
CREATE TABLE records (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES batches(id),
    key_file_id       BIGINT REFERENCES key_files(id),
    record_number     BIGINT,
    pid               TEXT NOT NULL UNIQUE,
    pps               TEXT NOT NULL,
    current_password  TEXT NOT NULL,
    new_password      TEXT NOT NULL,
    state             TEXT NOT NULL
                      CHECK (state IN ('generated', 'on-key', 'consumed', 'exported')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    void_reason       TEXT,
    voided_at         TEXT,
    UNIQUE (key_file_id, record_number),
    CHECK ((key_file_id IS NULL) = (record_number IS NULL)),
    CHECK ((void_reason IS NULL) = (voided_at IS NULL))
);
CREATE INDEX records_batch ON records(batch_id);
)sql";

constexpr std::array<std::string_view, 6> migrations = {schema_v1, schema_v2, schema_v3,
                                                        schema_v4, schema_v5, schema_v6};

// PostgreSQL stores began at schema 5.
constexpr std::array<std::string_view, 1> postgres_migrations = {schema_v6};

}  // namespace

std::span<const std::string_view> store_migrations() {
    return migrations;
}

std::string_view postgres_schema() {
    return schema_postgresql;
}

std::span<const std::string_view> postgres_upgrades() {
    return postgres_migrations;
}

}  // namespace ukpu::keys
