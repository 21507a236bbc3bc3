// The fixes `ukpu verify` prints are commands that work (issue 12): for every defect key the
// tests make (with mkfs.fat, mtools, sfdisk and a few patched bytes), each fix that reads
// "run `CMD`[, then `CMD`]" is run exactly as printed (`ukpu` is the test build), then the key
// is verified again: that defect is gone, no new error came, fsck.fat -n finds the volume clean
// and mtools reads setup.bin and the other files back unchanged. A fix that is advice (content
// defects, a key repair refuses) must not read as a command.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::printed_fix {
namespace {

const char* const setup_name = "v4-pki-amt-test-ca.bin";

bool tools() {
    for (const char* t : {"mkfs.fat", "fsck.fat", "mcopy", "mdir", "mtype", "mattrib", "sfdisk"})
        if (!tool_available(t)) return false;
    return true;
}

void must(const std::string& command) {
    const auto r = run_command(command);
    if (r.exit_code != 0)
        throw std::runtime_error(command + ": exit " + std::to_string(r.exit_code) + ": " +
                                 r.output);
}

std::string mtools(const std::string& tool, const std::string& drive, const std::string& args) {
    return "MTOOLS_SKIP_CHECK=1 " + tool + " -i " + shell_quote(drive) + " " + args;
}

// The fields of a FAT boot sector the tests patch by.
struct Bpb {
    std::uint32_t bytes_per_sector = 0, reserved = 0, fats = 0, fat_sectors = 0;
    std::uint64_t fat_offset(std::uint32_t copy) const {
        return (std::uint64_t{reserved} + std::uint64_t{copy} * fat_sectors) * bytes_per_sector;
    }
    std::uint64_t root_offset() const { return fat_offset(fats); }  // FAT12/16
};

std::uint32_t le(const std::vector<std::uint8_t>& b, std::size_t at, int n) {
    std::uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | b.at(at + static_cast<std::size_t>(i));
    return v;
}

void put_le(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) b.at(at + static_cast<std::size_t>(i)) = (v >> (8 * i)) & 0xFF;
}

// `n` bytes of `file` at `offset`, and a write of `bytes` there (the rest of a sparse image
// left as it is).
std::vector<std::uint8_t> read_at(const std::string& file, std::uint64_t offset, std::size_t n) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::vector<std::uint8_t> out(n);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
    if (!in) throw std::runtime_error("cannot read " + file);
    return out;
}

void write_at(const std::string& file, std::uint64_t offset,
              const std::vector<std::uint8_t>& bytes) {
    std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(static_cast<std::streamoff>(offset));
    io.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
    if (!io) throw std::runtime_error("cannot write " + file);
}

// The boot sector of the volume at `volume` bytes into `img`.
Bpb bpb_of(const std::string& img, std::uint64_t volume = 0) {
    const auto boot = read_at(img, volume, 512);
    Bpb b;
    b.bytes_per_sector = le(boot, 11, 2);
    b.reserved = le(boot, 14, 2);
    b.fats = le(boot, 16, 1);
    b.fat_sectors = le(boot, 22, 2);
    if (b.fat_sectors == 0) b.fat_sectors = le(boot, 36, 4);  // FAT32
    return b;
}

// Sets a FAT entry in copy `copy` (or every copy) of the volume at `volume` bytes into `img`.
void set_fat(const std::string& img, int bits, std::uint32_t cluster, std::uint32_t value,
             int copy = -1, std::uint64_t volume = 0) {
    const Bpb b = bpb_of(img, volume);
    std::vector<std::uint8_t> entry(static_cast<std::size_t>(bits / 8));
    put_le(entry, 0, value, bits / 8);
    for (std::uint32_t c = 0; c < b.fats; ++c)
        if (copy < 0 || c == static_cast<std::uint32_t>(copy))
            write_at(img, volume + b.fat_offset(c) + cluster * (bits / 8u), entry);
}

// A fix that is a command: "run `A`" or "run `A`, then `B`" -> {"A", "B"}; none for advice.
std::vector<std::string> commands_of(const std::string& fix) {
    std::vector<std::string> out;
    if (fix.rfind("run `", 0) != 0) return out;
    std::size_t at = 4;
    while (true) {
        const std::size_t end = fix.find('`', at + 1);
        if (end == std::string::npos) throw std::runtime_error("unclosed command in: " + fix);
        out.push_back(fix.substr(at + 1, end - at - 1));
        if (end + 1 == fix.size()) return out;
        if (fix.compare(end + 1, 8, ", then `") != 0)
            throw std::runtime_error("not a sequence of commands: " + fix);
        at = end + 8;
    }
}

// A command as a POSIX shell splits it: words, single quotes; anything else a shell would read
// differently is refused, so that "as printed" means the same with or without a shell.
std::vector<std::string> words(const std::string& command) {
    std::vector<std::string> out;
    std::string w;
    bool in_word = false, quoted = false;
    for (const char c : command) {
        if (quoted) {
            if (c == '\'')
                quoted = false;
            else
                w += c;
            continue;
        }
        if (c == '\'') {
            quoted = in_word = true;
        } else if (c == ' ') {
            if (in_word) out.push_back(w);
            w.clear();
            in_word = false;
        } else if (std::string_view("\"$\\;|&<>(){}*?[]~#`!").find(c) != std::string_view::npos) {
            throw std::runtime_error("a shell character in a printed command: " + command);
        } else {
            w += c;
            in_word = true;
        }
    }
    if (quoted) throw std::runtime_error("unclosed quote: " + command);
    if (in_word) out.push_back(w);
    return out;
}

// Runs one printed command: `ukpu ...` as the test build of ukpu, fsck.fat as itself.
std::string run_printed(const std::string& command) {
    const auto argv = words(command);
    if (argv.empty()) return "an empty command";
    if (argv[0] == "ukpu") {
        const auto r = run_ukpu(std::vector<std::string>(argv.begin() + 1, argv.end()));
        if (r.exit_code != 0)
            return command + ": exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err;
        return "";
    }
    if (argv[0] != "fsck.fat") return "a command the tests do not expect: " + command;
    std::string line;
    for (const auto& a : argv) line += shell_quote(a) + " ";
    const auto r = run_command(line);
    // fsck.fat -a: 0 nothing to mend, 1 errors mended.
    if (r.exit_code != 0 && r.exit_code != 1)
        return command + ": exit " + std::to_string(r.exit_code) + "\n" + r.output;
    return "";
}

struct Problem {
    std::string firmware, severity, defect, message, fix;
    std::string key() const { return defect + " [" + firmware + "]"; }
};

struct Verified {
    int exit_code = -1;
    Json doc;
    std::vector<Problem> problems;
    std::string text;  // for failure messages
    bool has(const std::string& defect, const std::string& firmware = "") const {
        return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
            return p.defect == defect && (firmware.empty() || p.firmware == firmware);
        });
    }
};

Verified verify(const std::string& img, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"verify", "--image", img, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_ukpu(args);
    Verified v;
    v.exit_code = r.exit_code;
    v.doc = parse_json(r.out);
    for (const auto& p : v.doc.at("problems")) {
        Problem q{p.at("firmware"), p.at("severity"), p.at("defect"), p.at("message"), p.at("fix")};
        v.text += q.severity + " " + q.key() + ": " + q.message + " -> " + q.fix + "\n";
        v.problems.push_back(std::move(q));
    }
    return v;
}

// A defect key: made in `dir` as `img`, verified with `verify_args` (an image read in other
// sectors), holding `kept` (a path on the key and the host file it came from) besides setup.bin.
struct Case {
    std::string name;
    std::string defect;  // the defect the key must show
    std::function<void(const TempDir& dir, const std::string& img)> make;
    std::vector<std::string> verify_args;
    std::vector<std::pair<std::string, std::string>> kept;
    bool runnable = true;  // the defect's fix is a command
};

std::string corpus_setup() {
    return corpus(setup_name);
}

// FAT16 superfloppy of `mb` MiB with the options `mkfs`.
void fat16(const std::string& img, int mb, const std::string& mkfs = "") {
    must("truncate -s " + std::to_string(mb) + "M " + shell_quote(img) + " && mkfs.fat -F16 " +
         mkfs + " " + shell_quote(img) + " >/dev/null");
}

void copy_in(const std::string& drive, const std::string& from, const std::string& to) {
    must(mtools("mcopy", drive, shell_quote(from) + " " + shell_quote(to)));
}

// A.BIN, B.BIN and SETUP.BIN on a FAT16 with 2 KiB clusters: A 2-4, B 5-7, SETUP.BIN 8.
void three_files(const TempDir& dir, const std::string& drive) {
    must("head -c 5000 /dev/urandom > " + shell_quote(dir.path("a")) + " && head -c 5000 " +
         "/dev/urandom > " + shell_quote(dir.path("b")));
    copy_in(drive, dir.path("a"), "::A.BIN");
    copy_in(drive, dir.path("b"), "::B.BIN");
    copy_in(drive, corpus_setup(), "::SETUP.BIN");
}

using Make = std::function<void(const TempDir& dir, const std::string& img)>;

Case& add(std::vector<Case>& list, const std::string& name, const std::string& defect, Make make) {
    Case c;
    c.name = name;
    c.defect = defect;
    c.make = std::move(make);
    list.push_back(std::move(c));
    return list.back();
}

// An MBR image of 32 MiB, FAT16 from 1 MiB made with `mkfs`.
void partitioned_fat16(const std::string& img, const std::string& mkfs) {
    must("truncate -s 32M " + shell_quote(img) + " && echo 'start=2048,type=06' | sfdisk -q " +
         shell_quote(img) + " && mkfs.fat -F16 " + mkfs + " -h 2048 --offset 2048 " +
         shell_quote(img) + " >/dev/null");
}

std::vector<Case> cases() {
    const std::string notes = "/etc/os-release";
    std::vector<Case> c;
    add(c, "LabelEntryFirst", "label-entry-first", [](const TempDir&, const std::string& img) {
        fat16(img, 32, "-n AMTKEY");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    });
    add(c, "LongName", "long-name-entry", [notes](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::Setup.Bin");
        copy_in(img, notes, "::Notes for the admin.txt");
    }).kept = {{"::Notes for the admin.txt", notes}};
    add(c, "Lowercase", "lowercase-name", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::setup.bin");
    });
    add(c, "DeletedSlotFirst", "deleted-slot-first", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, "/etc/hostname", "::OLD.TXT");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        must(mtools("mdel", img, "::OLD.TXT"));
    });
    add(c, "NotFirst", "not-first", [notes](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, notes, "::NOTES.TXT");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    }).kept = {{"::NOTES.TXT", notes}};
    add(c, "HiddenSystem", "bad-attributes", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        must(mtools("mattrib", img, "+h +s ::SETUP.BIN"));
    });
    add(c, "Fragmented", "fragmented", [](const TempDir& dir, const std::string& img) {
        fat16(img, 16, "-s 1");
        must("head -c 512 /dev/urandom > " + shell_quote(dir.path("x")));
        copy_in(img, dir.path("x"), "::A.TXT");
        copy_in(img, dir.path("x"), "::B.TXT");
        must(mtools("mdel", img, "::A.TXT"));
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    });
    // SETUP.BIN in root slot 0, contiguous, but from cluster 3 (an info finding).
    add(c, "NotFirstCluster", "not-first-cluster", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, "/etc/hostname", "::OLD.TXT");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        must(mtools("mdel", img, "::OLD.TXT"));
        const std::uint64_t root = bpb_of(img).root_offset();
        write_at(img, root, read_at(img, root + 32, 32));
        write_at(img, root + 32, std::vector<std::uint8_t>(32, 0));
    });
    add(c, "InSubdirectory", "in-subdirectory", [notes](const TempDir&, const std::string& img) {
        fat16(img, 32, "-n KEY");
        must(mtools("mmd", img, "::AMT"));
        copy_in(img, notes, "::AMT/NOTES.TXT");
        copy_in(img, corpus_setup(), "::AMT/SETUP.BIN");
    }).kept = {{"::AMT/NOTES.TXT", notes}};
    add(c, "Renamed", "renamed", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::Setup (1).bin");
    });
    add(c, "Fat12", "wrong-fat-type", [notes](const TempDir&, const std::string& img) {
        must("truncate -s 8M " + shell_quote(img) + " && mkfs.fat -F12 " + shell_quote(img) +
             " >/dev/null");
        copy_in(img, notes, "::NOTES.TXT");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    }).kept = {{"::NOTES.TXT", notes}};
    // FAT32 with a label entry and a lower-case name: one `--strict` run mends all three.
    add(c, "Fat32", "wrong-fat-type", [notes](const TempDir&, const std::string& img) {
        must("truncate -s 40M " + shell_quote(img) + " && mkfs.fat -F32 -s 1 -n STICK " +
             shell_quote(img) + " >/dev/null");
        must(mtools("mmd", img, "'::A folder'"));
        copy_in(img, notes, "::A folder/host notes.txt");
        copy_in(img, corpus_setup(), "::setup.bin");
    }).kept = {{"::A folder/host notes.txt", notes}};
    // A superfloppy whose boot sector says 4096-byte sectors, read as 512-byte blocks: the fix
    // reads it so too (--sector-size 512).
    add(c, "Sectors4096On512", "sector-size-mismatch", [](const TempDir&, const std::string& img) {
        fat16(img, 32, "-S 4096 -s 1");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    }).verify_args = {"--sector-size", "512"};
    // 512-byte FAT sectors read as a device of 4096-byte blocks: the fix carries --sector-size.
    add(c, "Sectors512On4096", "sector-size-mismatch", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    }).verify_args = {"--sector-size", "4096"};
    add(c, "FatsDiffer", "fats-differ", [](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        set_fat(img, 16, 100, 0xFFFF, 1);
    });
    // A.BIN's chain runs into B.BIN's (cross-linked at cluster 6): fsck.fat first.
    add(c, "CrossLinked", "broken-chain", [](const TempDir& dir, const std::string& img) {
        fat16(img, 32, "-s 4");
        three_files(dir, img);
        set_fat(img, 16, 4, 6);
    });
    // The same on FAT32 (root at cluster 2, A 3-5, B 6-8): fsck.fat, then --strict.
    add(c, "CrossLinkedFat32", "broken-chain", [](const TempDir& dir, const std::string& img) {
        must("truncate -s 40M " + shell_quote(img) + " && mkfs.fat -F32 -s 1 " + shell_quote(img) +
             " >/dev/null");
        must("head -c 1500 /dev/urandom > " + shell_quote(dir.path("a")) +
             " && head -c 1500 /dev/urandom > " + shell_quote(dir.path("b")));
        copy_in(img, dir.path("a"), "::A.BIN");
        copy_in(img, dir.path("b"), "::B.BIN");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        set_fat(img, 32, 5, 7);
    });
    // An MBR key (partition at 1 MiB) with a label entry first.
    add(c, "PartitionedLabelFirst", "label-entry-first",
        [](const TempDir&, const std::string& img) {
            partitioned_fat16(img, "-n AMTKEY");
            copy_in(img + "@@1M", corpus_setup(), "::SETUP.BIN");
        });

    // Defects no command removes as printed: the fix is advice.
    add(c, "Fat12TooSmall", "wrong-fat-type", [](const TempDir&, const std::string& img) {
        must("truncate -s 3M " + shell_quote(img) + " && mkfs.fat -F12 " + shell_quote(img) +
             " >/dev/null");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
    }).runnable = false;
    add(c, "NotFound", "not-found", [notes](const TempDir&, const std::string& img) {
        fat16(img, 32);
        copy_in(img, notes, "::NOTES.TXT");
    }).runnable = false;
    add(c, "SizeMismatch", "size-mismatch", [](const TempDir& dir, const std::string& img) {
        fat16(img, 32);
        const std::string padded = shell_quote(dir.path("padded"));
        must("cat " + shell_quote(corpus_setup()) + " > " + padded +
             " && head -c 512 /dev/zero >> " + padded);
        copy_in(img, dir.path("padded"), "::SETUP.BIN");
    }).runnable = false;
    add(c, "AllConsumed", "all-consumed", [](const TempDir& dir, const std::string& img) {
        fat16(img, 32);
        auto setup = read_bytes(corpus_setup());
        setup.at(0x1A) &= 0xFE;                      // FileFlags: records are consumed
        put_le(setup, 0x20, le(setup, 0x1C, 4), 4);  // DataRecordsConsumed = DataRecordCount
        write_bytes(dir.path("consumed"), setup);
        copy_in(img, dir.path("consumed"), "::SETUP.BIN");
    }).runnable = false;
    add(c, "Unreadable", "unreadable", [](const TempDir&, const std::string& img) {
        must("truncate -s 4M " + shell_quote(img));
    }).runnable = false;
    // fsck.fat reads no partition table: on a partitioned image its step is advice.
    add(c, "PartitionedCrossLinked", "broken-chain",
        [](const TempDir& dir, const std::string& img) {
            partitioned_fat16(img, "-s 4");
            three_files(dir, img + "@@1M");
            set_fat(img, 16, 4, 6, -1, 1 << 20);
        })
        .runnable = false;
    return c;
}

// Where mtools and fsck.fat find the volume of `img` as verify laid it out.
struct Volume {
    std::string drive;         // "IMG" or "IMG@@OFFSET"
    std::uint64_t offset = 0;  // bytes
};

Volume volume_of(const std::string& img, const Verified& v, std::uint32_t device_sector) {
    Volume vol{img, 0};
    const auto& first = v.doc.at("layout").at("volume_first_sector");
    if (!first.is_null() && first.get<std::uint64_t>() != 0) {
        vol.offset = first.get<std::uint64_t>() * device_sector;
        vol.drive = img + "@@" + std::to_string(vol.offset);
    }
    return vol;
}

// fsck.fat -n of the volume (a partition copied out first): "" when clean.
std::string fsck_problems(const std::string& img, const Volume& vol, const TempDir& dir) {
    std::string target = img;
    if (vol.offset != 0) {
        target = dir.path("partition.img");
        must("dd if=" + shell_quote(img) + " of=" + shell_quote(target) +
             " bs=1M iflag=skip_bytes conv=sparse status=none skip=" + std::to_string(vol.offset));
    }
    const auto r = run_command("fsck.fat -n " + shell_quote(target));
    return r.exit_code == 0 ? "" : r.output;
}

// Everything the oracles say of a key after its fix ran: "" when all is well.
std::string oracles(const Case& c, const std::string& img, const Verified& after,
                    const TempDir& dir) {
    std::uint32_t sector = 512;
    for (std::size_t i = 0; i + 1 < c.verify_args.size(); ++i)
        if (c.verify_args[i] == "--sector-size") sector = std::stoul(c.verify_args[i + 1]);
    const Volume vol = volume_of(img, after, sector);
    std::string out;
    if (const auto f = fsck_problems(img, vol, dir); !f.empty()) out += "fsck.fat -n: " + f + "\n";
    const auto listing = run_command(mtools("mdir", vol.drive, "-b ::"));
    if (listing.output.rfind("::/SETUP.BIN\n", 0) != 0)
        out += "mdir: SETUP.BIN is not the first root entry:\n" + listing.output;
    const auto setup = run_command(mtools("mtype", vol.drive, "::SETUP.BIN") + " | cmp -s - " +
                                   shell_quote(corpus_setup()));
    if (setup.exit_code != 0) out += "mtype: SETUP.BIN is not the setup.bin put on the key\n";
    for (const auto& [path, host] : c.kept)
        if (run_command(mtools("mtype", vol.drive, shell_quote(path)) + " | cmp -s - " +
                        shell_quote(host))
                .exit_code != 0)
            out += "mtype: " + path + " is not kept\n";
    return out;
}

class PrintedFix : public ::testing::TestWithParam<Case> {};

TEST_P(PrintedFix, RunAsPrintedRemovesTheDefect) {
    if (!tools()) GTEST_SKIP() << "dosfstools, mtools or sfdisk missing";
    const Case& c = GetParam();
    TempDir dir;
    ScopedEnv journals("XDG_STATE_HOME", dir.path("state"));
    const std::string original = dir.path("original.img");
    c.make(dir, original);
    const Verified before = verify(original, c.verify_args);
    ASSERT_TRUE(before.has(c.defect)) << c.defect << " not reported:\n" << before.text;
    const bool errors = std::any_of(before.problems.begin(), before.problems.end(),
                                    [](const Problem& p) { return p.severity == "error"; });
    // No readable FAT volume, or a FAT only fsck.fat mends: malformed input (3), as for repair.
    const bool malformed =
        std::any_of(before.problems.begin(), before.problems.end(), [](const Problem& p) {
            return p.severity == "error" && (p.defect == "broken-chain" ||
                                             (p.defect == "unreadable" && p.firmware == "format"));
        });
    EXPECT_EQ(before.exit_code, malformed ? 3 : errors ? 1 : 0) << before.text;

    std::set<std::string> fixes;
    for (const auto& p : before.problems) {
        ASSERT_FALSE(p.fix.empty()) << p.key() << " has no fix:\n" << before.text;
        if (p.defect == c.defect) {
            EXPECT_EQ(!commands_of(p.fix).empty(), c.runnable) << p.fix;
        }
        if (commands_of(p.fix).empty()) {
            // Advice: not to be taken for a command.
            EXPECT_NE(p.fix.rfind("run", 0), 0u) << p.fix;
            EXPECT_EQ(p.fix.find("run `"), std::string::npos) << p.fix;
        } else {
            fixes.insert(p.fix);
        }
    }
    const std::string all_fixed = dir.path("all.img");
    must("cp --sparse=always " + shell_quote(original) + " " + shell_quote(all_fixed));
    for (const auto& fix : fixes) {
        SCOPED_TRACE(fix);
        // Each fix on a fresh copy of the key, run exactly as printed (its path included).
        const std::string img = dir.path("key.img");
        must("cp --sparse=always " + shell_quote(original) + " " + shell_quote(img));
        const Verified own = verify(img, c.verify_args);
        // The fix names the key: the copy's printed fix is the original's with its path.
        std::string fix_here = fix;
        for (std::size_t at; (at = fix_here.find(original)) != std::string::npos;)
            fix_here.replace(at, original.size(), img);
        ASSERT_TRUE(std::any_of(own.problems.begin(), own.problems.end(),
                                [&](const Problem& p) { return p.fix == fix_here; }))
            << "the copy's fixes do not name the copy:\n"
            << own.text;
        for (const auto& command : commands_of(fix_here)) {
            const std::string failed = run_printed(command);
            ASSERT_EQ(failed, "") << failed;
        }
        const Verified after = verify(img, c.verify_args);
        for (const auto& p : before.problems) {
            if (p.fix != fix) continue;
            EXPECT_FALSE(after.has(p.defect, p.firmware))
                << p.key() << " is still there after `" << fix << "`:\n"
                << after.text;
        }
        for (const auto& p : after.problems) {
            if (p.severity != "error") continue;
            EXPECT_TRUE(before.has(p.defect, p.firmware))
                << "a new error after `" << fix << "`: " << p.key() << ": " << p.message;
        }
        EXPECT_EQ(oracles(c, img, after, dir), "");
        for (const auto& command : commands_of(fix)) {
            std::string on_all = command;
            for (std::size_t at; (at = on_all.find(original)) != std::string::npos;)
                on_all.replace(at, original.size(), all_fixed);
            const std::string failed = run_printed(on_all);
            EXPECT_EQ(failed, "") << failed;
        }
    }
    // Every error had a command: after them all, every generation finds a usable record.
    const bool all_commands = std::none_of(
        before.problems.begin(), before.problems.end(),
        [](const Problem& p) { return p.severity == "error" && commands_of(p.fix).empty(); });
    if (all_commands) {
        const Verified after = verify(all_fixed, c.verify_args);
        EXPECT_EQ(after.exit_code, 0) << "after every printed fix:\n" << after.text;
    }
}

INSTANTIATE_TEST_SUITE_P(DefectKeys, PrintedFix, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// What the text of `verify` prints is the fix of --json.
TEST(PrintedFixText, TextAndJsonPrintTheSameFix) {
    if (!tools()) GTEST_SKIP() << "dosfstools, mtools or sfdisk missing";
    TempDir dir;
    const std::string img = dir.path("my key.img");  // a path that needs quoting
    fat16(img, 32, "-n AMTKEY");
    copy_in(img, corpus_setup(), "::SETUP.BIN");
    const Verified v = verify(img, {});
    ASSERT_TRUE(v.has("label-entry-first")) << v.text;
    const std::string fix = v.problems.at(0).fix;
    EXPECT_EQ(fix, "run `ukpu repair --image '" + img + "'`");
    const auto text = run_ukpu({"verify", "--image", img});
    EXPECT_NE(text.out.find("-- fix: " + fix), std::string::npos) << text.out;
    ScopedEnv journals("XDG_STATE_HOME", dir.path("state"));
    ASSERT_EQ(run_printed(commands_of(fix).at(0)), "");
    EXPECT_EQ(verify(img, {}).exit_code, 0);
}

// What a plain repair says of --strict is what --strict then does: converts a FAT12 key that can
// hold FAT16, and says why not for one too small.
TEST(PrintedFixText, RepairPromisesStrictOnlyWhereItConverts) {
    if (!tools()) GTEST_SKIP() << "dosfstools, mtools or sfdisk missing";
    TempDir dir;
    ScopedEnv journals("XDG_STATE_HOME", dir.path("state"));
    for (const auto& [mb, converts] : {std::pair{8, true}, std::pair{3, false}}) {
        SCOPED_TRACE(std::to_string(mb) + " MiB");
        const std::string img = dir.path("fat12-" + std::to_string(mb) + ".img");
        must("truncate -s " + std::to_string(mb) + "M " + shell_quote(img) + " && mkfs.fat -F12 " +
             shell_quote(img) + " >/dev/null");
        copy_in(img, corpus_setup(), "::SETUP.BIN");
        // Its exit code is repair's verdict on the key (legacy BIOSes cannot use it): not asked.
        const auto plain = run_ukpu({"repair", "--image", img});
        const auto strict = run_ukpu({"--json", "repair", "--image", img, "--strict"});
        if (converts) {
            EXPECT_NE(plain.err.find("FAT12: legacy BIOSes read only FAT16; --strict converts it"),
                      std::string::npos)
                << plain.err;
            ASSERT_EQ(strict.exit_code, 0) << strict.err;
            EXPECT_TRUE(parse_json(strict.out).at("plan").at("strict_conversion").get<bool>());
            EXPECT_EQ(strict.err.find("nothing to do"), std::string::npos) << strict.err;
            EXPECT_EQ(verify(img, {}).exit_code, 0);
        } else {
            EXPECT_EQ(plain.err.find("--strict converts it"), std::string::npos) << plain.err;
            EXPECT_NE(plain.err.find("--strict cannot convert it: the key cannot take the strict "
                                     "layout"),
                      std::string::npos)
                << plain.err;
            EXPECT_EQ(strict.exit_code, 1) << strict.err;
        }
    }
}

}  // namespace
}  // namespace ukpu::test::printed_fix
