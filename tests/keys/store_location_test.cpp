// Where a store is, as --store gives it: a file, a postgresql:// or postgres:// URL, a password
// in the URL refused without being repeated, any other scheme refused.
#include <filesystem>

#include <gtest/gtest.h>

#include "ukpu/keys/error.hpp"
#include "ukpu/keys/store_location.hpp"

namespace ukpu::keys {
namespace {

TEST(StoreLocation, FilesUrlsAndRefusals) {
    const StoreLocation file = StoreLocation::parse("dir/keys.db");
    EXPECT_FALSE(file.is_postgresql());
    EXPECT_EQ(file.file(), std::filesystem::path("dir/keys.db"));
    for (const std::string url :
         {"postgresql://", "postgresql://station@db.example:5433/keys?sslmode=verify-full",
          "postgres:///keys?host=/run/postgresql"}) {
        const StoreLocation l = StoreLocation::parse(url);
        EXPECT_TRUE(l.is_postgresql()) << url;
        EXPECT_EQ(l.url(), url);
        EXPECT_EQ(l.display(), url);
        // A URL that came as a path is still the URL.
        EXPECT_TRUE(StoreLocation(std::filesystem::path(url)).is_postgresql()) << url;
    }
    for (const std::string bad :
         {"postgresql://station:hunter2@db/keys",
          "postgresql://db/keys?sslmode=require&password=hunter2", "postgres://:hunter2@/keys"}) {
        try {
            (void)StoreLocation::parse(bad);
            ADD_FAILURE() << "took " << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::bad_argument) << bad;
            EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
            EXPECT_NE(e.message().find("PGPASSWORD"), std::string::npos) << e.message();
        }
    }
    EXPECT_EQ(redact_url("postgresql://u:pw@h/d?password=x&a=b"),
              "postgresql://u:***@h/d?password=***&a=b");
    for (const std::string other : {"mysql://db/keys", "sqlite:///tmp/keys.db"}) {
        try {
            (void)StoreLocation::parse(other);
            ADD_FAILURE() << "took " << other;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::bad_argument) << other;
        }
    }
}

}  // namespace
}  // namespace ukpu::keys
