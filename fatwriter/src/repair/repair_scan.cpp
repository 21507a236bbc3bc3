#include "repair_scan.hpp"

#include <set>

#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/guid.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::fat {

namespace de = ondisk::dirent;
namespace hdr = setupbin::format::header;

namespace {

constexpr std::uint32_t max_depth = 64;

std::vector<std::uint8_t> read_clusters(const Volume& v, std::span<const std::uint32_t> clusters) {
    const Geometry& g = v.geometry();
    std::vector<std::uint8_t> out(clusters.size() * std::size_t{g.bytes_per_cluster()});
    std::size_t i = 0;
    for (const auto& run : runs_of(clusters)) {
        std::span<std::uint8_t> part(out.data() + i * g.bytes_per_cluster(),
                                     std::size_t{run.length()} * g.bytes_per_cluster());
        v.device().read(g.cluster_sector(run.first), part);
        i += run.length();
    }
    return out;
}

class Scanner {
public:
    explicit Scanner(const Volume& v) : v_(v) {}

    ScannedVolume run() {
        const Geometry& g = v_.geometry();
        s_.owner.assign(std::size_t{g.max_cluster()} + 1, -1);
        s_.fat.resize(std::size_t{g.max_cluster()} + 1);
        for (std::uint32_t c = 0; c <= g.max_cluster(); ++c) s_.fat[c] = v_.fat_entry(c);
        ScannedDir root;
        root.path = "\\";
        if (g.type == FatType::fat32) {
            root.first = g.root_cluster;
            root.clusters = chain(g.root_cluster, "\\");
            root.chain = claim(root.clusters, "\\", 0);
            root.bytes = read_clusters(v_, root.clusters);
        } else {
            root.bytes.resize(std::size_t{g.root_dir_sectors()} * g.bytes_per_sector);
            v_.device().read(g.root_dir_start(), root.bytes);
        }
        s_.dirs.push_back(std::move(root));
        visited_.insert(s_.dirs[0].first);
        scan_dir(0, 0);
        return std::move(s_);
    }

private:
    std::vector<std::uint32_t> chain(std::uint32_t first, const std::string& owner) {
        try {
            return v_.chain(first);
        } catch (const Error& e) {
            if (!inconsistent(e)) throw;
            throw Error(e.code(), owner + ": " + e.message(), e.where());
        }
    }

    std::size_t claim(const std::vector<std::uint32_t>& clusters, const std::string& owner,
                      std::optional<std::size_t> dir) {
        const auto index = s_.chains.size();
        for (std::uint32_t c : clusters) {
            if (s_.owner[c] >= 0)
                throw Error(ErrorCode::bad_fat,
                            "cluster " + std::to_string(c) + " belongs to both " +
                                s_.chains[static_cast<std::size_t>(s_.owner[c])].owner + " and " +
                                owner + " (cross-linked)",
                            {v_.cluster_offset(c), c, "FAT chain"});
            s_.owner[c] = static_cast<std::int32_t>(index);
        }
        s_.chains.push_back({owner, clusters, dir});
        return index;
    }

    void scan_dir(std::size_t d, std::uint32_t depth) {
        if (depth > max_depth)
            throw Error(ErrorCode::bad_directory, s_.dirs[d].path +
                                                      ": folders nested deeper than " +
                                                      std::to_string(max_depth) + " levels");
        std::vector<DirSlot> slots;
        try {
            slots = list_directory(v_, s_.dirs[d].first);
        } catch (const Error& e) {
            if (!inconsistent(e)) throw;
            throw Error(e.code(), s_.dirs[d].path + ": " + e.message(), e.where());
        }
        const std::string prefix = d == 0 ? "" : s_.dirs[d].path;
        std::vector<std::size_t> subdirs;
        for (const DirSlot& slot : slots) {
            if (!slot.is_entry() || slot.is_dot()) continue;
            ScannedEntry e;
            e.path = prefix + "\\" + slot.name();
            e.dir = d;
            e.slot = slot;
            const bool is_dir = slot.kind == SlotKind::directory;
            if (slot.first_cluster != 0) {
                if (is_dir && !visited_.insert(slot.first_cluster).second)
                    throw Error(
                        ErrorCode::bad_directory,
                        e.path + ": a folder that is already elsewhere in the tree (a loop)",
                        {slot.offset, slot.first_cluster, "directory entry"});
                auto clusters = chain(slot.first_cluster, e.path);
                std::optional<std::size_t> sub;
                if (is_dir) sub = s_.dirs.size();
                e.chain = claim(clusters, e.path, sub);  // a cross-link first: it is the cause
                if (!is_dir &&
                    std::uint64_t{clusters.size()} * v_.geometry().bytes_per_cluster() < slot.size)
                    throw Error(ErrorCode::bad_fat, e.path + ": its chain is shorter than its size",
                                {slot.offset, slot.first_cluster, "directory entry"});
                if (is_dir) {
                    ScannedDir sd;
                    sd.path = e.path;
                    sd.first = slot.first_cluster;
                    sd.bytes = read_clusters(v_, clusters);
                    sd.clusters = std::move(clusters);
                    sd.chain = e.chain;
                    s_.dirs.push_back(std::move(sd));
                    e.subdir = sub;
                    subdirs.push_back(*sub);
                }
            } else if (slot.size != 0 && !is_dir) {
                throw Error(ErrorCode::bad_directory,
                            e.path + ": " + std::to_string(slot.size) + " bytes but no cluster",
                            {slot.offset, std::nullopt, "directory entry"});
            }
            s_.entries.push_back(std::move(e));
        }
        for (std::size_t sub : subdirs) scan_dir(sub, depth + 1);
    }

    const Volume& v_;
    ScannedVolume s_;
    std::set<std::uint32_t> visited_;
};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string normalise_path(std::string p) {
    for (auto& c : p)
        if (c == '/') c = '\\';
    if (p.empty() || p[0] != '\\') p = "\\" + p;
    return lower(p);
}

}  // namespace

bool inconsistent(const Error& e) {
    return e.code() == ErrorCode::bad_fat || e.code() == ErrorCode::bad_directory;
}

std::string without_fsck_advice(const std::string& message) {
    const std::string advice = fsck_advice;
    if (message.size() >= advice.size() &&
        message.compare(message.size() - advice.size(), advice.size(), advice) == 0)
        return message.substr(0, message.size() - advice.size());
    return message;
}

ScannedVolume scan_volume(const Volume& volume, bool advice) {
    try {
        return Scanner(volume).run();
    } catch (const Error& e) {
        if (!advice || !inconsistent(e)) throw;
        throw Error(e.code(), e.message() + fsck_advice, e.where());
    }
}

std::uint32_t slot_cluster(std::span<const std::uint8_t> dir, std::size_t slot, FatType type) {
    const std::size_t o = slot * de::size;
    std::uint32_t c = bytes::get_u16(dir, o + de::cluster_low);
    if (type == FatType::fat32) c |= std::uint32_t{bytes::get_u16(dir, o + de::cluster_high)} << 16;
    return c;
}

void set_slot_cluster(std::span<std::uint8_t> dir, std::size_t slot, FatType type,
                      std::uint32_t cluster) {
    const std::size_t o = slot * de::size;
    bytes::put_u16(dir, o + de::cluster_low, static_cast<std::uint16_t>(cluster & 0xFFFF));
    if (type == FatType::fat32)
        bytes::put_u16(dir, o + de::cluster_high, static_cast<std::uint16_t>(cluster >> 16));
}

std::optional<std::uint64_t> setup_declared_size(std::span<const std::uint8_t> b) {
    if (b.size() < hdr::reserved) return std::nullopt;
    const auto guid = setupbin::Guid::from_bytes(b.subspan(hdr::guid, 16));
    if (!setupbin::version_family_from_guid(guid)) return std::nullopt;
    const std::uint64_t chunks = bytes::get_u16(b, hdr::chunk_count) +
                                 std::uint64_t{bytes::get_u32(b, hdr::data_record_count)} *
                                     bytes::get_u16(b, hdr::data_record_chunks);
    return chunks * setupbin::format::chunk_size;
}

bool setup_header_consistent(std::span<const std::uint8_t> head, std::uint32_t file_size) {
    const auto size = setup_declared_size(head);
    return size && *size == file_size && bytes::get_u16(head, hdr::chunk_count) != 0;
}

std::size_t choose_setup_file(const Volume& v, const ScannedVolume& s, const RepairOptions& o,
                              std::vector<SetupCandidate>& out) {
    std::vector<std::size_t> found;
    std::vector<std::size_t> asked;
    const std::string want = o.setup_bin_name ? normalise_path(*o.setup_bin_name) : "";
    const bool want_path =
        o.setup_bin_name && o.setup_bin_name->find_first_of("\\/") != std::string::npos;
    for (std::size_t i = 0; i < s.entries.size(); ++i) {
        const ScannedEntry& e = s.entries[i];
        if (e.slot.kind != SlotKind::file) continue;
        SetupCandidate c;
        c.path = e.path;
        c.size = e.slot.size;
        c.named = names_equal(e.slot.short_name, "SETUP.BIN") ||
                  names_equal(e.slot.long_name, "setup.bin");
        if (e.slot.first_cluster != 0 && e.slot.size >= setupbin::format::chunk_size)
            c.header_ok = setup_header_consistent(
                v.read_raw(e.slot.first_cluster, setupbin::format::chunk_size), e.slot.size);
        if (o.setup_bin_name) {
            const bool match = want_path ? normalise_path(e.path) == want
                                         : (names_equal(e.slot.name(), *o.setup_bin_name) ||
                                            names_equal(e.slot.short_name, *o.setup_bin_name));
            if (match) asked.push_back(i);
        }
        if (c.named || c.header_ok) {
            found.push_back(i);
            out.push_back(c);
        }
    }
    auto list = [&](const std::vector<std::size_t>& which) {
        std::string t;
        for (std::size_t i : which)
            t += "\n  " + s.entries[i].path + " (" + std::to_string(s.entries[i].slot.size) +
                 " bytes)";
        return t;
    };
    if (o.setup_bin_name) {
        if (asked.empty())
            throw Error(ErrorCode::bad_argument,
                        "no file matches --setup-bin-name '" + *o.setup_bin_name + "'" +
                            (found.empty() ? "" : "; setup files on the key:" + list(found)),
                        {std::nullopt, std::nullopt, "--setup-bin-name"});
        if (asked.size() > 1)
            throw Error(ErrorCode::bad_argument,
                        "several files match --setup-bin-name '" + *o.setup_bin_name +
                            "'; give the full path:" + list(asked),
                        {std::nullopt, std::nullopt, "--setup-bin-name"});
        return asked[0];
    }
    if (found.empty())
        throw Error(ErrorCode::not_found,
                    "no setup file on the key: no file named SETUP.BIN in any folder, and no "
                    "file with a setup.bin header consistent with its size");
    if (found.size() > 1)
        throw Error(ErrorCode::bad_argument,
                    base::counted(found.size(), "file") +
                        " can be the setup file; choose one with --setup-bin-name:" + list(found),
                    {std::nullopt, std::nullopt, "--setup-bin-name"});
    return found[0];
}

}  // namespace ukpu::fat
