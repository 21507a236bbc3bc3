// KeyStore::copy_from (`ukpu keys store copy FROM TO`): every row of the three tables, column by
// column, ids and states kept, so that the ids the servers know (csti_pid_map.id) stay the same.
#include <array>
#include <string>

#include "sql_connection.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {

namespace {

enum class Kind { integer, text, blob };

struct Column {
    const char* name;
    Kind kind;
};

struct Table {
    const char* name;
    std::vector<Column> columns;
};

// In the order rows must go in (a key file names its batch and the key file it replaces, a
// record its batch and key file), each table's columns as schema 6 has them.
const std::array<Table, 3>& tables() {
    static const std::array<Table, 3> t = {{
        {"batches",
         {{"id", Kind::integer},
          {"created_at", Kind::text},
          {"ukpu_version", Kind::text},
          {"file_version", Kind::text},
          {"record_count", Kind::integer},
          {"settings", Kind::text}}},
        {"key_files",
         {{"id", Kind::integer},
          {"batch_id", Kind::integer},
          {"file_index", Kind::integer},
          {"target", Kind::text},
          {"sha256", Kind::text},
          {"first_record", Kind::integer},
          {"last_record", Kind::integer},
          {"device_serial", Kind::text},
          {"device_vendor", Kind::text},
          {"device_model", Kind::text},
          {"device_size", Kind::integer},
          {"device_bus_path", Kind::text},
          {"volume_id", Kind::integer},
          {"state", Kind::text},
          {"label", Kind::text},
          {"replaces", Kind::integer},
          {"setup_bin", Kind::blob},
          {"setup_bin_encoding", Kind::text}}},
        {"records",
         {{"id", Kind::integer},
          {"batch_id", Kind::integer},
          {"key_file_id", Kind::integer},
          {"record_number", Kind::integer},
          {"pid", Kind::text},
          {"pps", Kind::text},
          {"current_password", Kind::text},
          {"new_password", Kind::text},
          {"state", Kind::text},
          {"created_at", Kind::text},
          {"updated_at", Kind::text},
          {"void_reason", Kind::text},
          {"voided_at", Kind::text}}},
    }};
    return t;
}

}  // namespace

bool KeyStore::empty() const {
    return db_->scalar_int(
               "SELECT (SELECT count(*) FROM batches) + (SELECT count(*) FROM "
               "key_files) + (SELECT count(*) FROM records)") == 0;
}

std::uint64_t KeyStore::copy_from(const KeyStore& source) {
    sql::Transaction tx(*db_);
    // Checked under the write lock: nobody fills it meanwhile.
    if (!empty())
        throw Error(ErrorCode::refused,
                    "the target store is not empty (" +
                        base::counted(static_cast<std::uint64_t>(
                                          db_->scalar_int("SELECT count(*) FROM batches")),
                                      "batch", "batches") +
                        "): a store is copied only into an empty one; nothing was "
                        "copied",
                    where_);
    std::uint64_t records = 0;
    for (const Table& t : tables()) {
        std::string names, marks;
        for (const Column& c : t.columns) {
            if (!names.empty()) {
                names += ", ";
                marks += ", ";
            }
            names += c.name;
            marks += "?";
        }
        auto read = source.db_->prepare("SELECT " + names + " FROM " + t.name + " ORDER BY id");
        auto write = db_->prepare("INSERT INTO " + std::string(t.name) + " (" + names +
                                  ") VALUES (" + marks + ")");
        while (read.step()) {
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
                const int col = static_cast<int>(i);
                if (read.null_at(col)) {
                    write.bind_null(col + 1);
                    continue;
                }
                switch (t.columns[i].kind) {
                    case Kind::integer:
                        write.bind(col + 1, read.int_at(col));
                        break;
                    case Kind::text:
                        write.bind(col + 1, read.text_at(col));
                        break;
                    case Kind::blob:
                        write.bind_blob(col + 1, read.blob_at(col));
                        break;
                }
            }
            write.run();
            write.reset();
            if (std::string_view(t.name) == "records") ++records;
        }
        // The server's identity columns continue after the ids copied.
        if (db_->backend() == sql::Backend::postgresql)
            db_->exec(std::string("SELECT setval(pg_get_serial_sequence('") + t.name +
                      "', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM " + t.name + "), false)");
    }
    tx.commit();
    return records;
}

}  // namespace ukpu::keys
