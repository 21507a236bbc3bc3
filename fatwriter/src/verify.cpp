#include "ukpu/fatwriter/verify.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string_view>
#include <utility>

#include "repair/repair_build.hpp"
#include "repair/repair_scan.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/guid.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::fat {

namespace {

using setupbin::Firmware;
using setupbin::Severity;
namespace hdr = setupbin::format::header;

constexpr std::array<std::uint8_t, 11> setup_bin_83 = {'S', 'E', 'T', 'U', 'P', ' ',
                                                       ' ', ' ', 'B', 'I', 'N'};
constexpr std::uint32_t max_renamed_candidates = 64;

// The fixes that are commands (fix_text names the key in them), then the advice.
const std::string fix_repair = "run `ukpu repair`";
const std::string fix_repair_strict = "run `ukpu repair --strict`";
const std::string fix_fsck = "run `fsck.fat -a` on the key first, then `ukpu repair`";
const std::string fix_fsck_strict =
    "run `fsck.fat -a` on the key first, then `ukpu repair --strict`";
const std::string fix_rebuild =
    "rebuild the file (`ukpu setupbin create`, or `ukpu setupbin edit` of a copy) and write the "
    "key again with `ukpu build`: repair keeps setup.bin's bytes as they are";
const std::string fix_records =
    "rebuild the file with fresh records (`ukpu keys generate`) and write the key again with "
    "`ukpu build`: no command brings consumed records back";
const std::string fix_build = "build the key with `ukpu build` (it erases the stick)";
const std::string fix_not_found =
    "build the key with `ukpu build` (it erases the stick), or copy setup.bin onto the key: "
    "`ukpu repair` then makes it findable";

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// The size the header of a setup.bin declares, when the header is there.
std::optional<std::uint64_t> declared_size(std::span<const std::uint8_t> b) {
    if (b.size() < hdr::reserved) return std::nullopt;
    const std::uint64_t chunks = bytes::get_u16(b, hdr::chunk_count) +
                                 std::uint64_t{bytes::get_u32(b, hdr::data_record_count)} *
                                     bytes::get_u16(b, hdr::data_record_chunks);
    return chunks * setupbin::format::chunk_size;
}

// A file that starts like a setup.bin: a known GUID and a header consistent with its size.
bool looks_like_setup_bin(std::span<const std::uint8_t> head, std::uint32_t file_size) {
    if (head.size() < hdr::reserved) return false;
    const auto guid = setupbin::Guid::from_bytes(head.subspan(hdr::guid, 16));
    if (!setupbin::version_family_from_guid(guid)) return false;
    const auto size = declared_size(head);
    return size && *size == file_size && bytes::get_u16(head, hdr::chunk_count) != 0;
}

// How a command names the key on `dev` (its sector size added by the verifier): "image file PATH"
// and "block device PATH" are what ImageFile and LinuxBlockDevice (and every device wrapping one)
// describe themselves as.
std::vector<std::string> target_of(const BlockDevice& dev) {
    const std::string d = dev.describe();
    for (const auto& [prefix, option] :
         {std::pair<std::string, std::string>{"image file ", "--image"},
          {"block device ", "--device"}}) {
        if (d.size() <= prefix.size() || d.compare(0, prefix.size(), prefix) != 0) continue;
        return {option, d.substr(prefix.size())};
    }
    return {};
}

// `word` as a POSIX shell reads it back as one word: as it is when it needs no quoting, else in
// single quotes.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
    });
    if (plain) return word;
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class Verifier {
public:
    Verifier(BlockDevice& dev, const VerifyOptions& opt) : dev_(dev), opt_(opt) {}

    VerifyReport run() {
        if (opt_.legacy) report_.legacy = GenerationResult{};
        if (opt_.uefi) report_.uefi = GenerationResult{};
        if (opt_.mebx) report_.mebx = GenerationResult{};
        report_.target = target_of(dev_);
        // An image read in sectors that are not 512 bytes, or not its boot sector's: repair must
        // read it in the same sectors to see what verify saw.
        const bool image = !report_.target.empty() && report_.target[0] == "--image";
        const auto sectors = [&] {
            report_.target.insert(report_.target.end(),
                                  {"--sector-size", std::to_string(dev_.sector_size())});
        };
        if (image && dev_.sector_size() != 512) sectors();
        VolumeLocation loc;
        try {
            loc = locate_volume(dev_);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::io) throw;
            add_error(Firmware::format, Defect::unreadable, e, fix_build);
            return report_;
        }
        report_.scheme = loc.scheme;
        report_.volume_first_sector = loc.first_sector;
        if (loc.chosen) report_.partition = loc.partitions.at(*loc.chosen).index + 1;
        try {
            // As a UEFI FAT driver reads it: in the boot sector's sector size.
            const auto view = open_volume_view(dev_, loc);
            Volume vol(*view);
            report_.bytes_per_sector = vol.geometry().bytes_per_sector;
            if (image && dev_.sector_size() == 512 && *report_.bytes_per_sector != 512) sectors();
            report_.fat_type = vol.type();
            report_.label = vol.label();
            examine(vol);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::io) throw;
            add_error(Firmware::format, Defect::unreadable, e, fix_build);
        }
        advise();
        return report_;
    }

private:
    void add(VerifyProblem p) { report_.problems.push_back(std::move(p)); }

    void add_error(Firmware fw, Defect d, const Error& e, const std::string& fix) {
        VerifyProblem p;
        p.firmware = fw;
        p.defect = d;
        p.cluster = e.where().cluster;
        p.offset = e.where().offset;
        p.message = e.what();
        p.fix = fix;
        add(std::move(p));
    }

    void problem(Firmware fw, Severity sev, Defect d, const DirSlot* slot, std::string message,
                 const std::string& fix, std::optional<std::uint32_t> cluster = std::nullopt) {
        VerifyProblem p;
        p.firmware = fw;
        p.severity = sev;
        p.defect = d;
        if (slot) {
            p.slot = slot->index;
            p.offset = slot->offset;
        }
        p.cluster = cluster;
        p.message = std::move(message);
        p.fix = fix;
        add(std::move(p));
    }

    // A chain only fsck.fat can mend: a cross-link, a loop, a cluster out of range, free or bad
    // inside a chain, a lost cluster in setup.bin's way (repair refuses such a key).
    void broken_chain(Firmware fw, const Error& e) {
        VerifyProblem p;
        p.firmware = fw;
        p.defect = Defect::broken_chain;
        p.cluster = e.where().cluster;
        p.offset = e.where().offset;
        p.message = without_fsck_advice(e.message());
        p.fix = fix_fsck;
        add(std::move(p));
    }

    // A chain that cannot be followed while a generation reads the file.
    void chain_error(Firmware fw, const Error& e) {
        if (e.code() == ErrorCode::io) throw e;
        if (inconsistent(e))
            broken_chain(fw, e);
        else
            add_error(fw, Defect::unreadable, e, fix_repair);
    }

    void examine(const Volume& vol) {
        if (const auto diff = vol.first_fat_difference())
            problem(Firmware::format, Severity::warning, Defect::fats_differ, nullptr,
                    "the FAT copies differ, first at the entry of cluster " +
                        std::to_string(*diff) + "; firmware reads FAT copy 1",
                    fix_repair, *diff);
        // Every chain of every file and folder, as repair reads them.
        try {
            (void)scan_volume(vol, false);
        } catch (const Error& e) {
            if (!inconsistent(e)) throw;
            broken_chain(Firmware::format, e);
        }
        const auto root = list_root(vol);
        if (report_.legacy) legacy(vol, root);
        if (report_.uefi || report_.mebx) uefi(vol, root);
    }

    void legacy(const Volume& vol, const std::vector<DirSlot>& root) {
        GenerationResult& g = *report_.legacy;
        bool layout_ok = true;
        // A legacy BIOS reads the device's raw sectors with the FAT's offsets: a FAT whose
        // sectors are not the device's blocks puts everything elsewhere for it.
        const std::uint32_t bps = vol.geometry().bytes_per_sector;
        if (bps != dev_.sector_size()) {
            problem(Firmware::legacy, Severity::error, Defect::sector_size_mismatch, nullptr,
                    "the boot sector says " + std::to_string(bps) +
                        "-byte sectors but the device has " + std::to_string(dev_.sector_size()) +
                        "-byte blocks; legacy BIOSes read the device's raw " +
                        std::to_string(dev_.sector_size()) + "-byte sectors, so a " +
                        std::to_string(bps) +
                        "-byte-sector FAT is not theirs (UEFI reads it through its FAT driver)",
                    fix_repair_strict);
            return;
        }
        if (vol.type() != FatType::fat16) {
            problem(Firmware::legacy, Severity::error, Defect::wrong_fat_type, nullptr,
                    std::string("the volume is ") + to_string(vol.type()) +
                        "; legacy BIOSes read only FAT16",
                    fix_repair_strict);
            layout_ok = false;
        }
        const DirSlot* entry = nullptr;
        for (const DirSlot& s : root)
            if (s.is_entry() && s.raw_name == setup_bin_83) {
                entry = &s;
                break;
            }
        if (!entry) {
            missing(vol, root, Firmware::legacy, "no 8.3 entry SETUP   BIN in the root directory");
            return;
        }
        g.path = "root slot " + std::to_string(entry->index);
        bool label = false, lfn = false, deleted = false, other = false;
        for (const DirSlot& s : root) {
            if (&s == entry) break;
            if (s.kind == SlotKind::volume_label && !label) {
                label = true;
                problem(Firmware::legacy, Severity::error, Defect::label_entry_first, &s,
                        "a volume-label entry '" + s.short_name + "' in root slot " +
                            std::to_string(s.index) + " comes before SETUP.BIN",
                        fix_repair);
            } else if (s.kind == SlotKind::lfn && !lfn) {
                lfn = true;
                problem(Firmware::legacy, Severity::error, Defect::long_name_entry, &s,
                        entry->lfn_slots > 0 && s.index + entry->lfn_slots >= entry->index
                            ? "SETUP.BIN has a long-name entry ('" + entry->long_name +
                                  "') in root slot " + std::to_string(s.index) +
                                  " before its 8.3 entry"
                            : "a long-name slot in root slot " + std::to_string(s.index) +
                                  " comes before SETUP.BIN",
                        fix_repair);
            } else if (s.kind == SlotKind::deleted && !deleted) {
                deleted = true;
                problem(Firmware::legacy, Severity::error, Defect::deleted_slot_first, &s,
                        "a deleted slot in root slot " + std::to_string(s.index) +
                            " comes before SETUP.BIN",
                        fix_repair);
            } else if (s.is_entry() && !other) {
                other = true;
                problem(Firmware::legacy, Severity::error, Defect::not_first, &s,
                        "SETUP.BIN is in root slot " + std::to_string(entry->index) + "; '" +
                            s.name() + "' in slot " + std::to_string(s.index) + " comes first",
                        fix_repair);
            }
        }
        layout_ok = layout_ok && !label && !lfn && !deleted && !other;
        if (entry->nt_flags & (ondisk::nt_lower_base | ondisk::nt_lower_ext)) {
            problem(Firmware::legacy, Severity::error, Defect::lowercase_name, entry,
                    "the 8.3 entry carries NT lower-case flags (shown as '" + entry->display_name +
                        "'); legacy BIOSes expect SETUP.BIN in upper case",
                    fix_repair);
            layout_ok = false;
        }
        constexpr std::uint8_t allowed = ondisk::attr::archive | ondisk::attr::read_only;
        if (entry->kind == SlotKind::directory || (entry->attributes & ~allowed) != 0) {
            problem(Firmware::legacy, Severity::error, Defect::bad_attributes, entry,
                    "SETUP.BIN has attributes " + hex(entry->attributes) +
                        (entry->kind == SlotKind::directory ? " (a directory)" : "") +
                        "; only archive and read-only are expected",
                    fix_repair);
            layout_ok = false;
            if (entry->kind == SlotKind::directory) return;
        }
        bool fragmented = false;
        if (entry->size > 0) {
            try {
                const auto runs = vol.runs(entry->first_cluster);
                fragmented = runs.size() > 1;
                if (fragmented) {
                    std::string text;
                    for (const auto& r : runs)
                        text += " <" + std::to_string(r.first) + "-" + std::to_string(r.last) + ">";
                    problem(Firmware::legacy, Severity::error, Defect::fragmented, entry,
                            "SETUP.BIN is fragmented into " + std::to_string(runs.size()) +
                                " runs:" + text,
                            fix_repair, runs[1].first);
                    layout_ok = false;
                }
            } catch (const Error& e) {
                chain_error(Firmware::legacy, e);
                layout_ok = false;
            }
            // The first cluster a file can have: 2, or the one after a FAT32 root at cluster 2.
            const Geometry& geo = vol.geometry();
            const std::uint32_t first_free =
                geo.type == FatType::fat32 && geo.root_cluster == 2 ? 3 : 2;
            if (entry->first_cluster != first_free)
                problem(Firmware::legacy, Severity::info, Defect::not_first_cluster, entry,
                        "SETUP.BIN starts at cluster " + std::to_string(entry->first_cluster) +
                            ", not at the first data cluster " + std::to_string(first_free),
                        fix_repair, entry->first_cluster);
        }
        auto data = vol.read_raw(entry->first_cluster, entry->size);
        // A fragmented file read as one run holds other files' bytes: the fragmented problem says
        // why the BIOS fails, and the content problems are those of the file's own bytes (which
        // repair keeps), not of that mix, which repair makes go away.
        if (fragmented) {
            try {
                data = vol.read_file(entry->first_cluster, entry->size);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::io) throw;
            }
        }
        content(data, Firmware::legacy, g, layout_ok);
    }

    void uefi(const Volume& vol, const std::vector<DirSlot>& root) {
        const Firmware path_fw = report_.uefi ? Firmware::uefi : Firmware::mebx;
        auto entry = find_entry(root, "setup.bin");
        if (entry && entry->kind == SlotKind::directory) {
            problem(path_fw, Severity::error, Defect::bad_attributes, &*entry,
                    "\\setup.bin is a directory", fix_repair);
            entry.reset();
        }
        if (!entry) {
            missing(vol, root, path_fw, "no \\setup.bin in the root directory");
            return;
        }
        std::vector<std::uint8_t> data;
        try {
            data = vol.read_file(entry->first_cluster, entry->size);
        } catch (const Error& e) {
            chain_error(path_fw, e);
            return;
        }
        const std::string path = "\\" + entry->name();
        if (report_.uefi) {
            report_.uefi->path = path;
            content(data, Firmware::uefi, *report_.uefi, true);
        }
        if (report_.mebx) {
            report_.mebx->path = path;
            content(data, Firmware::mebx, *report_.mebx, true);
        }
    }

    // Why a generation does not find the file: below the root, renamed, or absent.
    void missing(const Volume& vol, const std::vector<DirSlot>& root, Firmware fw,
                 const std::string& what) {
        bool named = false;
        try {
            for (const WalkEntry& w : walk(vol)) {
                if (w.depth == 0 || w.slot.kind != SlotKind::file) continue;
                if (!names_equal(w.slot.name(), "setup.bin") &&
                    !names_equal(w.slot.display_name, "setup.bin"))
                    continue;
                problem(fw, Severity::error, Defect::in_subdirectory, nullptr,
                        what + "; setup.bin is only in a subdirectory: " + w.path, fix_repair,
                        w.slot.first_cluster);
                named = true;
                break;
            }
        } catch (const Error& e) {
            chain_error(fw, e);
        }
        std::uint32_t tried = 0;
        for (const DirSlot& s : root) {
            if (named || tried >= max_renamed_candidates) break;
            if (s.kind != SlotKind::file || s.size < setupbin::format::chunk_size ||
                s.first_cluster == 0)
                continue;
            ++tried;
            try {
                const auto head = vol.read_file(s.first_cluster, setupbin::format::chunk_size);
                if (!looks_like_setup_bin(head, s.size)) continue;
                problem(fw, Severity::error, Defect::renamed, &s,
                        what + "; root file '" + s.name() + "' in slot " + std::to_string(s.index) +
                            " holds a setup.bin under another name",
                        fix_repair, s.first_cluster);
                named = true;
            } catch (const Error&) {
                continue;
            }
        }
        if (!named) problem(fw, Severity::error, Defect::not_found, nullptr, what, fix_not_found);
    }

    // Advice to run `ukpu repair` only where repair would take the key, and what one run of it
    // mends: where legacy BIOSes need `--strict` (FAT12, FAT32, foreign sectors), every layout
    // fix is `--strict`, as the conversion mends them all and a plain repair would leave the key
    // as legacy BIOSes cannot read it; a plain repair the planner refuses gives way to
    // `--strict` when that would take the key. After a broken chain the fsck.fat step comes
    // first; when repair would refuse for another reason, the advice says why. Asks repair's
    // planner (nothing written) unless told not to.
    void advise() {
        bool plain = false, strict = false;
        for (const auto& p : report_.problems) {
            plain = plain || p.fix == fix_repair;
            strict = strict || p.fix == fix_repair_strict;
        }
        if (!plain && !strict) return;
        bool broken = report_.has(Defect::broken_chain);
        std::optional<std::string> refused[2];  // plain, strict
        bool asked[2] = {false, false};
        auto ask = [&](bool s) {
            if (broken || !opt_.repair_advice) return;
            asked[s] = true;
            RepairOptions ro;
            ro.strict = s;
            try {
                check_repairable(dev_, ro);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::io) throw;
                if (inconsistent(e)) {
                    broken_chain(Firmware::format, e);
                    broken = true;
                } else {
                    refused[s] = e.message();
                }
            }
        };
        if (plain) ask(false);
        if (strict || refused[0]) ask(true);
        if (broken && strict && opt_.repair_advice) {
            // The planner reads no key with a broken chain; what it would say of the stick's
            // size it says without reading the volume.
            try {
                check_strict_fits(dev_);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::io) throw;
                refused[1] = e.message();
            }
        }
        // One run of `--strict` mends every layout defect when the key needs it, or when only it
        // would take the key.
        const bool all_strict = !refused[1] && (strict || (asked[1] && refused[0]));
        for (auto& p : report_.problems) {
            if (p.fix == fix_fsck && all_strict) p.fix = fix_fsck_strict;
            const bool s = p.fix == fix_repair_strict;
            if (!s && p.fix != fix_repair) continue;
            if (s && refused[1]) {
                p.fix = "`ukpu repair --strict` refuses this key: " + *refused[1];
            } else if (broken) {
                p.fix = s || all_strict ? fix_fsck_strict : fix_fsck;
            } else if (s || all_strict) {
                p.fix = fix_repair_strict;
            } else if (refused[0]) {
                p.fix = "`ukpu repair` refuses this key: " + *refused[0];
            }
        }
    }

    void content(std::span<const std::uint8_t> data, Firmware fw, GenerationResult& g,
                 bool layout_ok) {
        const auto declared = declared_size(data);
        // Newer BIOSes reject any difference; the legacy reader only fails when the records the
        // header declares are not all there.
        const bool fatal = fw != Firmware::legacy || (declared && *declared > data.size());
        if (declared && *declared != data.size())
            problem(fw, fatal ? Severity::error : Severity::warning, Defect::size_mismatch, nullptr,
                    "the file is " + std::to_string(data.size()) + " bytes; its header declares " +
                        std::to_string(*declared),
                    fix_rebuild);
        if (data.size() >= hdr::data_record_chunks) {
            const std::uint32_t count = bytes::get_u32(data, hdr::data_record_count);
            const std::uint32_t consumed = bytes::get_u32(data, hdr::records_consumed);
            if (count > 0 && consumed >= count)
                problem(fw, Severity::error, Defect::all_consumed, nullptr,
                        "all " + base::counted(count, "record") + " have been consumed",
                        fix_records);
        }
        setupbin::CheckOptions co;
        co.firmware = {fw};
        setupbin::CheckResult r;
        try {
            r = setupbin::check(data, co);
        } catch (const setupbin::Error& e) {
            VerifyProblem p;
            p.firmware = fw;
            p.message = e.what();
            p.fix = fix_rebuild;
            add(std::move(p));
            return;
        }
        for (const auto& cp : r.problems) {
            if (cp.firmware == Firmware::format) {
                if (format_reported_) continue;
            } else if (cp.firmware != fw) {
                continue;
            }
            VerifyProblem p;
            p.firmware = cp.firmware;
            p.severity = cp.severity;
            p.defect = Defect::content;
            p.offset = cp.where.offset;
            const std::string where = cp.where.str();
            p.message = where.empty() ? cp.message : where + ": " + cp.message;
            p.fix = fix_rebuild;
            p.content = cp;
            add(std::move(p));
        }
        format_reported_ = true;
        const auto& verdict = fw == Firmware::legacy ? r.legacy
                              : fw == Firmware::uefi ? r.uefi
                                                     : r.mebx;
        if (!verdict) return;
        g.found = layout_ok && verdict->found;
        g.next_record = verdict->next_record;
        g.usable = g.found && verdict->usable;
    }

    BlockDevice& dev_;
    const VerifyOptions& opt_;
    VerifyReport report_;
    bool format_reported_ = false;
};

}  // namespace

const char* to_string(Defect d) {
    switch (d) {
        case Defect::unreadable:
            return "unreadable";
        case Defect::label_entry_first:
            return "label-entry-first";
        case Defect::long_name_entry:
            return "long-name-entry";
        case Defect::lowercase_name:
            return "lowercase-name";
        case Defect::deleted_slot_first:
            return "deleted-slot-first";
        case Defect::not_first:
            return "not-first";
        case Defect::bad_attributes:
            return "bad-attributes";
        case Defect::fragmented:
            return "fragmented";
        case Defect::not_first_cluster:
            return "not-first-cluster";
        case Defect::in_subdirectory:
            return "in-subdirectory";
        case Defect::renamed:
            return "renamed";
        case Defect::not_found:
            return "not-found";
        case Defect::wrong_fat_type:
            return "wrong-fat-type";
        case Defect::size_mismatch:
            return "size-mismatch";
        case Defect::all_consumed:
            return "all-consumed";
        case Defect::fats_differ:
            return "fats-differ";
        case Defect::sector_size_mismatch:
            return "sector-size-mismatch";
        case Defect::broken_chain:
            return "broken-chain";
        case Defect::content:
            break;
    }
    return "content";
}

std::string fix_text(const VerifyProblem& p, const VerifyReport& r) {
    const bool strict = p.fix == fix_repair_strict || p.fix == fix_fsck_strict;
    const bool fsck = p.fix == fix_fsck || p.fix == fix_fsck_strict;
    if (!strict && !fsck && p.fix != fix_repair) return p.fix;
    const std::string repair = strict ? "ukpu repair --strict" : "ukpu repair";
    if (r.target.size() < 2)
        return std::string(fsck ? "mend the FAT with `fsck.fat -a` on the key's FAT volume "
                                  "first, then repair"
                                : "repair") +
               " the key with `" + repair + "` and its --image FILE or --device DEV";
    std::string args;
    for (const auto& a : r.target) args += " " + shell_word(a);
    const std::string command = "`" + repair + args + "`";
    if (!fsck) return "run " + command;
    // fsck.fat mends the volume: the image or device itself, or the partition's own device node
    // (sdb1, loop0p1, mmcblk0p1); it reads no partition table, so not a partition of an image.
    const std::string& path = r.target[1];
    std::optional<std::string> volume;
    if (!r.partition)
        volume = path;
    else if (r.target[0] == "--device")
        volume = path + (std::isdigit(static_cast<unsigned char>(path.back())) ? "p" : "") +
                 std::to_string(*r.partition);
    if (volume) return "run `fsck.fat -a " + shell_word(*volume) + "`, then " + command;
    return "mend the FAT first: fsck.fat reads no partition table, so attach the image with "
           "`losetup -fP --show " +
           shell_word(path) + "`, mend partition " + std::to_string(*r.partition) +
           " of the loop device it prints with `fsck.fat -a` and detach it with `losetup -d`; " +
           command + " then takes the key";
}

std::string VerifyProblem::where() const {
    std::string out;
    auto part = [&out](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    if (slot) part("slot " + std::to_string(*slot));
    if (cluster) part("cluster " + std::to_string(*cluster));
    if (offset) part("offset " + hex(*offset));
    return out;
}

bool VerifyReport::ok() const {
    for (const auto* g : {&legacy, &uefi, &mebx})
        if (*g && !(*g)->usable) return false;
    return true;
}

bool VerifyReport::malformed() const {
    return std::any_of(problems.begin(), problems.end(), [](const VerifyProblem& p) {
        return p.severity == Severity::error &&
               (p.defect == Defect::broken_chain ||
                (p.defect == Defect::unreadable && p.firmware == Firmware::format));
    });
}

bool VerifyReport::has(Defect d) const {
    return std::any_of(problems.begin(), problems.end(),
                       [d](const VerifyProblem& p) { return p.defect == d; });
}

VerifyReport verify_key(BlockDevice& device, const VerifyOptions& options) {
    return Verifier(device, options).run();
}

}  // namespace ukpu::fat
