// The services the command line and the window share, called in-process: what they return and
// what they report, checked against the files they write and the key store (independent reads).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "recording_reporter.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/provision/key_batch.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stick_writer.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::test {
namespace {

namespace pv = ukpu::provision;

pv::CreateSettings sample_settings(const std::string& profile) {
    pv::CreateSettings s;
    s.config = samples(profile);
    const auto rest = pv::apply_profile(pv::read_profile(s.config), s, {}, false);
    EXPECT_TRUE(rest.empty());
    return s;
}

TEST(Profile, SettingsComeFromTheProfileUnlessGivenOnTheCommandLine) {
    pv::CreateSettings s;
    s.version = "2.1";
    const pv::Profile p = pv::read_profile(samples("pki-amt14.toml"));
    const auto rest = pv::apply_profile(p, s, {"version"}, false);
    EXPECT_TRUE(rest.empty());
    EXPECT_EQ(s.version, "2.1");  // given: the profile's "4" does not replace it
    EXPECT_TRUE(s.reusable);
    EXPECT_EQ(s.values["pki-dns-suffix"], "amt.example.com");
    EXPECT_EQ(s.secret_files["current-password"], "secrets/admin.txt");
    ASSERT_EQ(s.cert_hashes.size(), 1u);
    EXPECT_TRUE(s.from_profile.count("reusable"));
    EXPECT_FALSE(s.from_profile.count("version"));
}

TEST(Profile, UnknownKeysAreLeftForTheCommandAndBadValuesRefused) {
    TempDir t;
    write_text(t.path("p.toml"), "size = \"32M\"\nversion = \"5\"\n");
    pv::CreateSettings s;
    try {
        (void)pv::apply_profile(pv::read_profile(t.path("p.toml")), s, {}, false);
        FAIL() << "version 5 taken";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_argument);
        EXPECT_NE(e.location().find("version"), std::string::npos) << e.location();
    }
    write_text(t.path("q.toml"), "size = \"32M\"\n");
    const auto rest = pv::apply_profile(pv::read_profile(t.path("q.toml")), s, {}, false);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].key, "size");
    write_text(t.path("bad.toml"), "version = \n");
    EXPECT_THROW((void)pv::read_profile(t.path("bad.toml")), pv::Error);
}

TEST(MakeKeyImage, WritesReadsBackAndReportsThroughTheReporter) {
    TempDir t;
    RecordingReporter r;
    const pv::BuiltSetupBin built = pv::build_setupbin(sample_settings("pki-amt14.toml"), r);
    ASSERT_TRUE(built.check.ok());
    fat::KeyOptions ko;
    ko.timestamp = 1700000000;
    ko.volume_id = 0x12345678;
    const pv::ImageTarget image{t.path("k.img"), 32u << 20, 512, false};
    const pv::KeyOutcome out = pv::make_key_image(pv::Context{}, r, image, built.bytes, {}, ko, {});
    EXPECT_EQ(out.status, pv::Status::ok) << out.message;
    ASSERT_TRUE(out.key);
    EXPECT_TRUE(out.key->read_back_identical);
    EXPECT_TRUE(out.key->usable());
    EXPECT_EQ(out.key->layout.geometry.type, fat::FatType::fat16);
    EXPECT_TRUE(r.noted("wrote " + t.path("k.img")));
    EXPECT_EQ(r.reports.size(), 1u);
    // An independent read of the image: the key is found by every generation.
    auto dev = fat::open_device(t.path("k.img"), false, 512);
    EXPECT_TRUE(fat::verify_key(*dev).ok());
    // An existing image is refused, not replaced.
    try {
        (void)pv::make_key_image(pv::Context{}, r, image, built.bytes, {}, ko, {});
        FAIL() << "replaced";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::refused);
    }
}

TEST(KeyBatch, StoresTheBatchAndWritesPrivateFiles) {
    TempDir t;
    write_text(t.path("cur.txt"), "admin\n");
    pv::KeyBatchJob job;
    job.count = 25;
    job.per_key = 10;
    job.random_new_password = true;
    job.settings.secret_files["current-password"] = t.path("cur.txt");
    job.settings.output = t.path("setup.bin");
    job.store = t.path("keys.db");
    RecordingReporter r;
    const pv::KeyBatchOutcome out = pv::make_key_batch(pv::Context{}, r, job);
    EXPECT_EQ(out.status, pv::Status::ok);
    ASSERT_EQ(out.files.size(), 3u);
    EXPECT_NE(out.batch_id, 0);
    EXPECT_EQ(out.files[2].first_record, 21u);
    EXPECT_EQ(out.files[2].last_record, 25u);
    for (const auto& f : out.files) {
        ASSERT_TRUE(f.path);
        struct stat st {};
        ASSERT_EQ(::stat(f.path->c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        const auto bytes = read_bytes(*f.path);
        const setupbin::SetupBin file = setupbin::parse(bytes);  // throws on a format error
        EXPECT_EQ(file.records.size(), f.last_record - f.first_record + 1);
    }
    keys::KeyStore store(t.path("keys.db"));
    const auto batch = store.batch(out.batch_id);
    EXPECT_EQ(batch.record_count, 25u);
    EXPECT_EQ(batch.on_key, 25u);
    EXPECT_EQ(batch.settings.find("admin"), std::string::npos);
    // PSK keys are for older firmware: the service says so.
    ASSERT_FALSE(r.warnings.empty());
    EXPECT_NE(r.warnings.front().find("PID/PPS"), std::string::npos);
}

TEST(KeyBatch, ADryRunCreatesNoStoreAndNoFile) {
    TempDir t;
    write_text(t.path("cur.txt"), "admin\n");
    pv::KeyBatchJob job;
    job.count = 5;
    job.random_new_password = true;
    job.settings.secret_files["current-password"] = t.path("cur.txt");
    job.settings.output = t.path("setup.bin");
    job.store = t.path("keys.db");
    job.dry_run = true;
    RecordingReporter r;
    const pv::KeyBatchOutcome out = pv::make_key_batch(pv::Context{}, r, job);
    EXPECT_EQ(out.status, pv::Status::ok);
    EXPECT_FALSE(out.written);
    EXPECT_FALSE(std::filesystem::exists(t.path("keys.db")));
    EXPECT_FALSE(std::filesystem::exists(t.path("setup.bin")));
}

TEST(KeyBatch, MissingSettingsAreNamed) {
    pv::KeyBatchJob job;
    job.count = 5;
    job.settings.output = "/nonexistent/setup.bin";
    RecordingReporter r;
    try {
        (void)pv::make_key_batch(pv::Context{}, r, job);
        FAIL() << "taken";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_argument);
        EXPECT_EQ(e.location(), "--current-password-file");
    }
}

}  // namespace
}  // namespace ukpu::test
