// The key store on a PostgreSQL server (run as pg/..., UKPU_TEST_STORE=postgresql): the tables
// ukpu makes there match the SQLite store's (read with psql and sqlite3), a database that is not
// ukpu's or is empty is refused untouched, a server that is down or refuses exits 5 or 4, a
// password in the URL is refused, a new store's tables come with its first batch or not at all,
// two stations generating at once share no PID, a server stopped halfway through a batch leaves
// nothing of it, and `keys store copy` carries every row from SQLite to PostgreSQL and back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "local_postgres.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {
namespace {

namespace pst {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;
using Rows = std::vector<std::vector<std::string>>;

std::string text(const std::string& path) {
    const auto b = test::read_bytes(path);
    return std::string(b.begin(), b.end());
}

// The tests here are the server's own: they run as pg/... only.
#define UKPU_PG_ONLY() \
    if (!keystest::on_postgresql()) GTEST_SKIP() << "run on PostgreSQL only (pg/...)"

struct Station {
    test::TempDir dir;
    Station() {
        test::write_text(dir.path("cur.txt"), "admin\n");
        test::write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    }
    // keys generate -n N (--per-key M when M > 0) -o OUT --store STORE.
    std::vector<std::string> generate(int n, int per_key, const std::string& out,
                                      const std::string& store) const {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "-n",
                                         std::to_string(n),
                                         "--current-password-file",
                                         dir.path("cur.txt"),
                                         "--new-password-file",
                                         dir.path("new.txt"),
                                         "-o",
                                         dir.path(out),
                                         "--store",
                                         store};
        if (per_key > 0) args.insert(args.end(), {"--per-key", std::to_string(per_key)});
        return args;
    }
};

std::string command_line(const std::vector<std::string>& args) {
    std::string cmd = shell_quote(UKPU_BINARY);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    return cmd;
}

// Every column of the three tables in one spelling both tools read alike: the setup.bin bytes
// as upper-case hex, NULL as empty.
Rows table_rows(const std::string& store, const std::string& table) {
    const bool pg = store.rfind("postgresql://", 0) == 0;
    std::string columns;
    if (table == "batches")
        columns = "id, created_at, ukpu_version, file_version, record_count, settings";
    else if (table == "key_files")
        columns = std::string(
                      "id, batch_id, file_index, target, sha256, first_record, last_record, "
                      "device_serial, device_vendor, device_model, device_size, device_bus_path, "
                      "volume_id, state, label, replaces, ") +
                  (pg ? "upper(encode(setup_bin, 'hex'))" : "hex(setup_bin)");
    else
        columns =
            "id, batch_id, key_file_id, record_number, pid, pps, current_password, new_password, "
            "state, created_at, updated_at, void_reason, voided_at";
    return store_rows(store, "SELECT " + columns + " FROM " + table + " ORDER BY id");
}

// The columns of each table, in order, as the database's own catalog lists them.
Rows columns_of(const std::string& store, const std::string& table) {
    if (store.rfind("postgresql://", 0) == 0)
        return store_rows(
            store, "SELECT column_name FROM information_schema.columns WHERE table_name = '" +
                       table + "' ORDER BY ordinal_position");
    return store_rows(store, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
}

}  // namespace pst

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;
using pst::Rows;

TEST(KeysPostgresStore, TheTablesAreTheSqliteStoresAndTheVersionIsKept) {
    UKPU_PG_ONLY();
    test::TempDir dir;
    const std::string url = keystest::store_for(dir.path("keys.db"));
    const std::string file = dir.path("file.db");
    {
        KeyStore pg(url);
        KeyStore lite{StoreLocation(std::filesystem::path(file))};
        EXPECT_EQ(pg.schema_version(), store_schema_version);
        EXPECT_TRUE(pg.empty());
    }
    EXPECT_EQ(store_rows(url, "SELECT application_id, version FROM ukpu_schema"),
              (Rows{{std::to_string(store_application_id), std::to_string(store_schema_version)}}));
    for (const char* table : {"batches", "key_files", "records"})
        EXPECT_EQ(pst::columns_of(url, table), pst::columns_of(file, table)) << table;
    // The same indexes by name (SQLite's automatic ones aside).
    EXPECT_EQ(store_rows(url,
                         "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND "
                         "indexname NOT LIKE '%pkey' AND indexname NOT LIKE '%key' ORDER BY 1"),
              store_rows(file,
                         "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE "
                         "'sqlite_autoindex%' ORDER BY 1"));
    // Opened again: nothing made twice.
    KeyStore again(url, OpenMode::existing);
    EXPECT_EQ(store_rows(url, "SELECT count(*) FROM ukpu_schema")[0][0], "1");
}

// A store made at schema 5 (its key files' bytes as they are, no setup_bin_encoding) is brought
// to the current schema when opened, under the write lock, and its key files are written again
// from the bytes it kept.
TEST(KeysPostgresStore, AStoreOfSchema5IsUpgradedInPlace) {
    UKPU_PG_ONLY();
    pst::Station s;
    const std::string url = keystest::store_for(s.dir.path("keys.db"));
    ASSERT_EQ(test::run_ukpu(s.generate(3, 0, "setup.bin", url)).exit_code, 0);
    const auto bytes = test::read_bytes(s.dir.path("setup.bin"));
    std::string hex;
    for (const auto b : bytes) {
        static const char digits[] = "0123456789abcdef";
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    keystest::store_sql(
        url,
        "ALTER TABLE key_files DROP COLUMN setup_bin_encoding; UPDATE key_files SET "
        "setup_bin = decode('" +
            hex + "', 'hex'); UPDATE ukpu_schema SET version = 5");
    const auto r = test::run_ukpu(
        {"keys", "write", "--key-file", "1", "-o", s.dir.path("again.bin"), "--store", url});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::read_bytes(s.dir.path("again.bin")), bytes);
    EXPECT_EQ(store_rows(url, "SELECT version FROM ukpu_schema"),
              (Rows{{std::to_string(store_schema_version)}}));
    const std::string file = s.dir.path("fresh.db");
    { KeyStore lite{StoreLocation(std::filesystem::path(file))}; }
    EXPECT_EQ(pst::columns_of(url, "key_files"), pst::columns_of(file, "key_files"));
    // The bytes kept as they were, read as such.
    EXPECT_EQ(store_rows(url, "SELECT coalesce(setup_bin_encoding, '-') FROM key_files"),
              (Rows{{"-"}}));
}

TEST(KeysPostgresStore, AnEmptyOrForeignDatabaseIsRefusedUntouched) {
    UKPU_PG_ONLY();
    pst::Station s;
    const std::string empty = keystest::store_for(s.dir.path("empty.db"));
    const std::vector<std::vector<std::string>> readers = {
        {"keys", "list"},
        {"keys", "export", "--format", "scs-csv", "-o", s.dir.path("x.csv")},
        {"keys", "void", "--batch", "1", "--reason", "x"},
        {"keys", "write", "--key-file", "1", "-o", s.dir.path("x.bin")},
    };
    for (auto args : readers) {
        args.insert(args.end(), {"--store", empty});
        const auto r = test::run_ukpu(args);
        EXPECT_EQ(r.exit_code, 3) << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find("no ukpu key store in this database"), std::string::npos) << r.err;
        EXPECT_FALSE(keystest::store_exists(empty)) << args[1] << " made the tables";
        EXPECT_EQ(store_rows(empty,
                             "SELECT count(*) FROM information_schema.tables WHERE "
                             "table_schema = 'public'")[0][0],
                  "0");
    }
    // A dry run does not make the tables either.
    auto args = s.generate(3, 0, "dry.bin", empty);
    args.insert(args.begin(), "--dry-run");
    EXPECT_EQ(test::run_ukpu(args).exit_code, 0);
    EXPECT_FALSE(keystest::store_exists(empty));

    const std::string foreign = keystest::store_for(s.dir.path("foreign.db"));
    keystest::store_sql(foreign, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
    try {
        KeyStore store(foreign);
        FAIL() << "opened a foreign database";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_a_store);
        EXPECT_NE(e.message().find("not a ukpu key store"), std::string::npos) << e.message();
    }
    const auto r = test::run_ukpu(s.generate(3, 0, "f.bin", foreign));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(std::filesystem::exists(s.dir.path("f.bin")));
    EXPECT_EQ(store_rows(foreign, "SELECT x FROM t"), (Rows{{"1"}}));
    EXPECT_FALSE(keystest::store_exists(foreign));
}

TEST(KeysPostgresStore, TheTablesOfANewStoreComeWithItsFirstBatch) {
    UKPU_PG_ONLY();
    pst::Station s;
    const std::string url = keystest::store_for(s.dir.path("first.db"));
    NewBatch nb;
    nb.ukpu_version = "test";
    nb.file_version = "2.1";
    nb.settings = "{}";
    BatchRequest req;
    req.count = 3;
    req.current_password = "admin";
    auto built = build_batch(req);
    NewKeyFile f;
    f.target = "setup.bin";
    f.sha256 = built[0].sha256;
    f.records = built[0].records;
    {
        // Opened, and a first batch begun and dropped: the database is as empty as it was.
        KeyStore store(url, OpenMode::with_first_batch);
        EXPECT_FALSE(keystest::store_exists(url));
        {
            KeyStore::BatchWriter writer(store, nb, 3);
            writer.add_file(f, {});
        }
        EXPECT_FALSE(keystest::store_exists(url));
        EXPECT_EQ(store_rows(url,
                             "SELECT count(*) FROM information_schema.tables WHERE "
                             "table_schema = 'public'")[0][0],
                  "0");
        // Committed: the tables and the batch at once.
        KeyStore::BatchWriter writer(store, nb, 3);
        writer.add_file(f, {});
        const BatchInfo b = writer.commit();
        EXPECT_TRUE(keystest::store_exists(url));
        EXPECT_EQ(store.records(b.id).size(), 3u);
    }
    EXPECT_EQ(store_rows(url, "SELECT version FROM ukpu_schema")[0][0],
              std::to_string(store_schema_version));
    EXPECT_EQ(KeyStore(url, OpenMode::existing).records().size(), 3u);
}

TEST(KeysPostgresStore, AServerDownOrRefusingAndAPasswordInTheUrl) {
    UKPU_PG_ONLY();
    pst::Station s;
    const std::string url = keystest::store_for(s.dir.path("keys.db"));
    // No server on this socket: exit 5, the URL named.
    const std::string down =
        "postgresql:///nothing?host=" + s.dir.path("nosocket") + "&user=postgres";
    auto r = test::run_ukpu({"keys", "list", "--store", down});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("cannot reach the PostgreSQL server"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(s.dir.path("nosocket")), std::string::npos) << r.err;
    r = test::run_ukpu(s.generate(3, 0, "down.bin", down));
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(std::filesystem::exists(s.dir.path("down.bin")));
    // A server that answers and refuses (no such database): exit 4.
    const std::string host = url.substr(url.find("?host="));
    r = test::run_ukpu({"keys", "list", "--store", "postgresql:///no_such_db" + host});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("connection to the PostgreSQL server was refused"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("no_such_db"), std::string::npos) << r.err;
    // A password in the URL is refused before anything is tried, and never shown.
    for (const std::string bad : {"postgresql://postgres:s3cret@localhost/keys",
                                  "postgres:///keys?user=postgres&password=s3cret"}) {
        r = test::run_ukpu({"keys", "list", "--store", bad});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("PGPASSWORD"), std::string::npos) << r.err;
    }
    r = test::run_ukpu({"keys", "list", "--store", "mysql://localhost/keys"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    // The URL's parts are libpq's: PG* variables fill in what it leaves out.
    ASSERT_EQ(test::run_ukpu(s.generate(2, 0, "a.bin", url)).exit_code, 0);
    const std::string database = url.substr(14, url.find('?') - 14);
    const std::string socket = host.substr(6, host.find('&') - 6);
    const auto c = capture(
        "PGHOST=" + shell_quote(socket) + " PGUSER=postgres PGDATABASE=" + shell_quote(database) +
        " " + pst::command_line({"--json", "keys", "list", "--store", "postgresql://"}));
    EXPECT_EQ(c.status, 0);
    EXPECT_NE(c.out.find("\"batches\""), std::string::npos) << c.out;
}

TEST(KeysPostgresStore, ThePasswordComesFromPgpasswordOrPgpass) {
    UKPU_PG_ONLY();
    // A server of its own that wants user postgres's password.
    const std::string password = "Pg-S3cret!x";
    keystest::LocalPostgres pg(keystest::postgres_bin(), password);
    pg.create_database("keys");
    const std::string url = pg.url("keys");
    pst::Station s;
    // Without it: refused by the server, exit 4, nothing written.
    auto r = test::run_ukpu(s.generate(3, 0, "none.bin", url));
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("connection to the PostgreSQL server was refused"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(s.dir.path("none.bin")));
    // From PGPASSWORD.
    auto c = capture("PGPASSWORD=" + shell_quote(password) + " " +
                     pst::command_line(s.generate(3, 0, "env.bin", url)) + " 2>&1");
    EXPECT_EQ(c.status, 0) << c.out;
    // From a password file (~/.pgpass, here named by PGPASSFILE), mode 0600 as libpq wants.
    test::write_text(s.dir.path("pgpass"), "*:*:*:postgres:" + password + "\n");
    std::filesystem::permissions(s.dir.path("pgpass"), std::filesystem::perms(0600));
    c = capture("PGPASSFILE=" + shell_quote(s.dir.path("pgpass")) + " " +
                pst::command_line({"--json", "keys", "list", "--store", url}) + " 2>&1");
    EXPECT_EQ(c.status, 0) << c.out;
    EXPECT_EQ(c.out.find(password), std::string::npos);
    EXPECT_EQ(pg.psql("-At -c 'SELECT count(*) FROM records'", "", "keys"), "3\n");
}

TEST(KeysPostgresStore, TlsWithVerifyFull) {
    UKPU_PG_ONLY();
    keystest::LocalPostgres pg(keystest::postgres_bin());
    pg.create_database("keys");
    // A CA, a server certificate it signed for localhost, and another CA (made with openssl).
    const std::string d = pg.socket_dir();
    const std::string req = "openssl req -newkey rsa:2048 -nodes -days 2 ";
    const std::string ca =
        " -addext basicConstraints=critical,CA:TRUE -addext "
        "keyUsage=critical,keyCertSign,cRLSign";
    ASSERT_EQ(capture("cd " + shell_quote(d) + " && " + req + "-x509 -keyout ca.key -out ca.pem " +
                      "-subj '/CN=ukpu test CA'" + ca + " && " + req +
                      "-x509 -keyout other.key -out other.pem -subj '/CN=other CA'" + ca + " && " +
                      req + "-keyout server.key -out server.csr -subj /CN=localhost && printf " +
                      "'subjectAltName=DNS:localhost\\n' > ext && openssl x509 -req -in " +
                      "server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem " +
                      "-days 2 -extfile ext && chmod 600 server.key && " +
                      (::geteuid() == 0 ? "chown postgres server.key server.pem" : "true") +
                      " 2> /dev/null")
                  .status,
              0);
    // A free TCP port on the loopback for it.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const std::string port = std::to_string(ntohs(addr.sin_port));
    ::close(fd);
    pg.stop();
    pg.set_options("-c listen_addresses=127.0.0.1 -c port=" + port +
                   " -c ssl=on -c log_connections=on -c ssl_cert_file=" + d +
                   "/server.pem -c ssl_key_file=" + d + "/server.key");
    pg.start();
    pst::Station s;
    auto url = [&](const std::string& host, const std::string& root) {
        return "postgresql://postgres@" + host + ":" + port +
               "/keys?sslmode=verify-full&sslrootcert=" + d + "/" + root;
    };
    auto r = test::run_ukpu(s.generate(3, 0, "tls.bin", url("localhost", "ca.pem")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = test::run_ukpu({"--json", "keys", "list", "--store", url("localhost", "ca.pem")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // A server whose certificate is not for the name connected to, or not signed by the CA
    // trusted: refused (exit 4), nothing written.
    for (const auto& [host, root] : std::vector<std::pair<std::string, std::string>>{
             {"127.0.0.1", "ca.pem"}, {"localhost", "other.pem"}}) {
        r = test::run_ukpu(s.generate(3, 0, "no.bin", url(host, root)));
        EXPECT_EQ(r.exit_code, 4) << host << " " << root << ": " << r.err;
        EXPECT_NE(r.err.find("was refused"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(s.dir.path("no.bin")));
    }
    EXPECT_EQ(pg.psql("-p " + port + " -At -c 'SELECT count(*) FROM records'", "", "keys"), "3\n");
    // Over TLS indeed, as the server logged ukpu's connections.
    const std::string log = pst::text(d + "/server.log");
    EXPECT_NE(log.find("database=keys application_name=ukpu SSL enabled"), std::string::npos)
        << log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
}

TEST(KeysPostgresStore, TwoStationsGenerateAtOnceAndShareNoPid) {
    UKPU_PG_ONLY();
    pst::Station a, b;
    const std::string url = keystest::store_for(a.dir.path("shared.db"));
    // Both start on an empty database: each may find the tables missing and make them.
    const std::string cmd = "(" + pst::command_line(a.generate(6000, 1000, "a.bin", url)) +
                            " > /dev/null 2> " + shell_quote(a.dir.path("err")) + "; echo $? > " +
                            shell_quote(a.dir.path("rc")) + ") & (" +
                            pst::command_line(b.generate(6000, 1000, "b.bin", url)) +
                            " > /dev/null 2> " + shell_quote(b.dir.path("err")) + "; echo $? > " +
                            shell_quote(b.dir.path("rc")) + ") & wait";
    ASSERT_EQ(capture(cmd).status, 0);
    EXPECT_EQ(pst::text(a.dir.path("rc")), "0\n") << pst::text(a.dir.path("err"));
    EXPECT_EQ(pst::text(b.dir.path("rc")), "0\n") << pst::text(b.dir.path("err"));
    EXPECT_EQ(store_rows(url, "SELECT count(*), count(DISTINCT pid) FROM records"),
              (Rows{{"12000", "12000"}}));
    // Each batch whole: its six key files written, a thousand records each, on its own files.
    EXPECT_EQ(store_rows(url,
                         "SELECT b.id, b.record_count, count(DISTINCT f.id), count(r.id) FROM "
                         "batches b JOIN key_files f ON f.batch_id = b.id JOIN records r ON "
                         "r.key_file_id = f.id WHERE f.state = 'written' AND r.state = 'on-key' "
                         "GROUP BY b.id, b.record_count ORDER BY b.id"),
              (Rows{{"1", "6000", "6", "6000"}, {"2", "6000", "6", "6000"}}));
    // What one station stored, the other lists.
    const auto r = test::run_ukpu({"--json", "keys", "list", "--store", url});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"id\": 2"), std::string::npos) << r.out.substr(0, 400);
    // The PIDs on the files are those of the store.
    std::set<std::string> pids;
    for (const auto& row : store_rows(url, "SELECT pid FROM records")) pids.insert(row[0]);
    EXPECT_EQ(pids.size(), 12000u);
}

TEST(KeysPostgresStore, AServerStoppedHalfwayThroughABatchKeepsNoneOfIt) {
    UKPU_PG_ONLY();
    // A server of its own: stopping the shared one would fail the tests beside it.
    keystest::LocalPostgres pg(keystest::postgres_bin());
    pg.create_database("keys");
    const std::string url = pg.url("keys");
    pst::Station s;
    ASSERT_EQ(test::run_ukpu(s.generate(10, 0, "first.bin", url)).exit_code, 0);
    const std::string before = pg.psql("-At -c 'SELECT count(*) FROM records'", "", "keys");

    const std::string big = pst::command_line(s.generate(100000, 10000, "big.bin", url)) +
                            " > /dev/null 2> " + shell_quote(s.dir.path("err")) + "; echo $? > " +
                            shell_quote(s.dir.path("rc"));
    std::thread station([&] { (void)capture(big); });
    // Stopped once the batch's transaction holds the store's lock and inserts.
    bool inserting = false;
    for (int i = 0; i < 600 && !inserting; ++i) {
        inserting = pg.psql("-At -c \"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'\"")
                        .rfind("0", 0) != 0;
        if (!inserting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pg.stop();
    station.join();
    ASSERT_TRUE(inserting) << "the batch never started storing";
    EXPECT_EQ(pst::text(s.dir.path("rc")), "5\n");
    const std::string err = pst::text(s.dir.path("err"));
    EXPECT_NE(err.find("lost the connection to the PostgreSQL server"), std::string::npos) << err;
    EXPECT_NE(err.find("keys?host="), std::string::npos) << err;
    // No setup.bin of the batch put in place, nothing of it in the store.
    for (const char* name : {"big-1.bin", "big-10.bin", "big.bin"})
        EXPECT_FALSE(std::filesystem::exists(s.dir.path(name))) << name;
    pg.start();
    EXPECT_EQ(pg.psql("-At -c 'SELECT count(*) FROM records'", "", "keys"), before);
    EXPECT_EQ(pg.psql("-At -c 'SELECT count(*) FROM batches'", "", "keys"), "1\n");
    // The store works on: the next batch is stored whole.
    ASSERT_EQ(test::run_ukpu(s.generate(5, 0, "next.bin", url)).exit_code, 0);
    EXPECT_EQ(pg.psql("-At -c 'SELECT count(*) FROM records'", "", "keys"), "15\n");
}

TEST(KeysPostgresStore, StoreCopyFromSqliteToPostgresAndBack) {
    UKPU_PG_ONLY();
    pst::Station s;
    const std::string lite = s.dir.path("from.db");
    ASSERT_EQ(test::run_ukpu(s.generate(30, 10, "one.bin", lite)).exit_code, 0);
    ASSERT_EQ(test::run_ukpu(s.generate(4, 0, "two.bin", lite)).exit_code, 0);
    {
        // Records in every state: consumed, voided, exported, on a key file that replaces
        // another, and a key file that failed.
        KeyStore store{StoreLocation(std::filesystem::path(lite))};
        store.mark_consumed(1, {1, 2});
        VoidSelection v;
        v.key_file_id = 2;
        store.void_records(v, "stick lost");
        store.mark_exported(2);
        const auto rest = store.records_of_file(3);
        NewKeyFile f;
        f.target = s.dir.path("again.bin");
        f.sha256 = "00";
        f.bytes = {1, 2, 3, 0, 255};
        store.add_key_file(1, f, {rest[5].id, rest[6].id}, 3);
        store.mark_file_failed(store.batch(1).files.back().id, 0xDEADBEEFu);
    }
    const std::string url = keystest::store_for(s.dir.path("to.db"));
    // A dry run reads both and changes nothing.
    auto r = test::run_ukpu({"--dry-run", "keys", "store", "copy", lite, url});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("would copy"), std::string::npos) << r.err;
    EXPECT_FALSE(keystest::store_exists(url));
    r = test::run_ukpu({"--json", "keys", "store", "copy", lite, url});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"records\": 34"), std::string::npos) << r.out;
    for (const char* table : {"batches", "key_files", "records"}) {
        const Rows from = pst::table_rows(lite, table);
        EXPECT_FALSE(from.empty()) << table;
        EXPECT_EQ(pst::table_rows(url, table), from) << table;
    }
    // Into a store that is not empty: refused, nothing changed.
    const Rows before = pst::table_rows(url, "records");
    r = test::run_ukpu({"keys", "store", "copy", lite, url});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
    EXPECT_EQ(pst::table_rows(url, "records"), before);
    // The server's ids continue after those copied.
    ASSERT_EQ(test::run_ukpu(s.generate(2, 0, "three.bin", url)).exit_code, 0);
    EXPECT_EQ(store_rows(url, "SELECT min(id) FROM records WHERE batch_id = 3"), (Rows{{"35"}}));
    EXPECT_EQ(store_rows(url, "SELECT max(id) FROM key_files"), (Rows{{"6"}}));

    // And back into a new SQLite file: every row again, the new batch with it.
    const std::string back = s.dir.path("back.db");
    r = test::run_ukpu({"keys", "store", "copy", url, back});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* table : {"batches", "key_files", "records"})
        EXPECT_EQ(pst::table_rows(back, table), pst::table_rows(url, table)) << table;
    EXPECT_EQ(keystest::file_mode(back), 0600u);
    // The copy is a store like any: a key file written again byte for byte.
    r = test::run_ukpu(
        {"keys", "write", "--key-file", "4", "-o", s.dir.path("again-4.bin"), "--store", back});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::read_bytes(s.dir.path("again-4.bin")), test::read_bytes(s.dir.path("two.bin")));
}

}  // namespace
}  // namespace ukpu::keys
