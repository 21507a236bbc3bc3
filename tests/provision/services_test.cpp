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

// Each key's repair journal is named for that key (issue 11). Appended with its own includes.
#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/provision/key_repair.hpp"

namespace ukpu::test {
// Its own namespace: the test sources are compiled as unity builds.
namespace repair_journal_tag {

namespace pv = ukpu::provision;

devices::DeviceInfo usb_stick(const std::string& name, const std::string& serial,
                              const std::string& port) {
    devices::DeviceInfo d;
    d.name = name;
    d.path = "/dev/" + name;
    d.transport = devices::Transport::usb;
    d.usb = true;
    d.serial = serial;
    d.bus_path = port;
    return d;
}

devices::DeviceInfo loop_device(const std::string& name, const std::string& backing_file) {
    devices::DeviceInfo d;
    d.name = name;
    d.path = "/dev/" + name;
    d.transport = devices::Transport::loop;
    d.model = backing_file;  // what discovery puts there for a loop device
    return d;
}

TEST(RepairJournalTag, TwoSticksPresentAtOnceNeverShareATag) {
    // One model, one serial (cheap sticks share theirs): the port tells them apart.
    const auto a = pv::stick_journal_tag(usb_stick("sdb", "4C530001", "3-1"));
    const auto b = pv::stick_journal_tag(usb_stick("sdc", "4C530001", "3-2"));
    EXPECT_EQ(a, "usb3-1-4C530001");
    EXPECT_EQ(b, "usb3-2-4C530001");
    EXPECT_EQ(pv::stick_journal_tag(usb_stick("sdb", "", "2-1.4")), "usb2-1.4");
    // A serial too long for a journal name is cut, never the port.
    const auto long_a =
        fat::journal_tag_text(pv::stick_journal_tag(usb_stick("sdb", std::string(80, 'S'), "3-1")));
    const auto long_b =
        fat::journal_tag_text(pv::stick_journal_tag(usb_stick("sdc", std::string(80, 'S'), "3-2")));
    EXPECT_NE(long_a, long_b);
    EXPECT_EQ(long_a.rfind("usb3-1-", 0), 0u) << long_a;

    // Loop devices: by their backing files, the same name in two folders told apart.
    const auto la = pv::stick_journal_tag(loop_device("loop3", "/srv/one/stick.img"));
    const auto lb = pv::stick_journal_tag(loop_device("loop4", "/srv/two/stick.img"));
    EXPECT_EQ(la.rfind("loop-stick.img-", 0), 0u) << la;
    EXPECT_EQ(la.size(), std::string("loop-stick.img-").size() + 8) << la;
    EXPECT_NE(la, lb);
    EXPECT_EQ(la, pv::stick_journal_tag(loop_device("loop7", "/srv/one/stick.img")));
    // A long backing file name keeps the hash of its path.
    const std::string long_name(100, 'n');
    const auto l1 =
        fat::journal_tag_text(pv::stick_journal_tag(loop_device("loop3", "/srv/one/" + long_name)));
    const auto l2 =
        fat::journal_tag_text(pv::stick_journal_tag(loop_device("loop4", "/srv/two/" + long_name)));
    EXPECT_NE(l1, l2);
    // Without a backing file, the device name; any other disk by name and serial.
    EXPECT_EQ(pv::stick_journal_tag(loop_device("loop3", "")), "loop3");
    devices::DeviceInfo sata;
    sata.name = "sdb";
    sata.transport = devices::Transport::ata;
    sata.serial = "WD123";
    EXPECT_EQ(pv::stick_journal_tag(sata), "sdb-WD123");
}

TEST(RepairJournalTag, ImagesByTheirPath) {
    TempDir t;
    const auto a = pv::image_journal_tag(t.path("one/key.img"));
    const auto b = pv::image_journal_tag(t.path("two/key.img"));
    EXPECT_EQ(a.rfind("image-key.img-", 0), 0u) << a;
    EXPECT_NE(a, b);
    EXPECT_EQ(a, pv::image_journal_tag(t.path("one/../one/key.img")));
}

// A pending journal of one image is seen, previewed and finished for that image only, never for
// a byte copy of it elsewhere (same volume id and size).
TEST(RepairJournalTag, AnImageFindsOnlyItsOwnPendingJournal) {
    TempDir t;
    const std::string a = t.path("a.img");
    const std::string b = t.path("b.img");
    const auto setup = read_bytes(corpus("v4-pki-amt-test-ca.bin"));
    {
        auto dev = fat::ImageFile::create(a, 16u << 20, 512, false);
        fat::KeyOptions ko;
        ko.volume_id = 0x0BADC0DE;
        fat::write_key(*dev, setup, {}, ko);
    }
    std::filesystem::copy_file(a, b);
    // A's repair stopped before its one write: the last sector, to become 0x5A.
    fat::Journal j;
    j.sector_size = 512;
    j.device_sectors = (16u << 20) / 512;
    j.volume_id = 0x0BADC0DE;
    fat::JournalRecord rec;
    rec.lba = j.device_sectors - 1;
    rec.before.assign(512, 0);
    {
        auto dev = fat::ImageFile::open(a, 512, false);
        dev->read(rec.lba, rec.before);
    }
    rec.after.assign(512, 0x5A);
    j.records.push_back(rec);
    fat::RepairOptions ro;
    ro.journal_dir = t.path("journal");
    const auto path = fat::journal_path(ro.journal_dir, j, pv::image_journal_tag(a));
    fat::write_journal(path, j);

    RecordingReporter r;
    EXPECT_EQ(pv::preview_repair(r, ro, a, 512).pending_journal, path);
    EXPECT_FALSE(pv::preview_repair(r, ro, b, 512).pending_journal);
    // A stick's tag in the options changes nothing: an image is named by its path.
    fat::RepairOptions other = ro;
    other.journal_tag = "usb3-1-4C530001";
    EXPECT_EQ(pv::preview_repair(r, other, a, 512).pending_journal, path);

    const pv::RepairOutcome ob = pv::repair_image(pv::Context{}, r, ro, b, 512);
    EXPECT_EQ(ob.status, pv::Status::ok) << ob.message;
    EXPECT_EQ(ob.recovery.action, fat::RecoveryAction::none);
    EXPECT_TRUE(std::filesystem::exists(path)) << "b took a's journal";
    const pv::RepairOutcome oa = pv::repair_image(pv::Context{}, r, ro, a, 512);
    EXPECT_EQ(oa.status, pv::Status::ok) << oa.message;
    EXPECT_EQ(oa.recovery.action, fat::RecoveryAction::rolled_forward);
    EXPECT_EQ(oa.recovery.path, path);
    EXPECT_FALSE(std::filesystem::exists(path));
    std::vector<std::uint8_t> last(512);
    fat::ImageFile::open(a, 512, false)->read(rec.lba, last);
    EXPECT_EQ(last, rec.after);
    fat::ImageFile::open(b, 512, false)->read(rec.lba, last);
    EXPECT_EQ(last, rec.before);
}

}  // namespace repair_journal_tag
}  // namespace ukpu::test
