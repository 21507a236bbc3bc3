#include "ukpu/fatwriter/directory.hpp"

#include <set>

#include "lfn.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/base/bytes.hpp"

namespace ukpu::fat {

namespace {

using bytes::get_u16;
using bytes::get_u32;
using bytes::get_u8;
namespace de = ondisk::dirent;

// FAT allows at most 65,536 slots in a directory (2 MiB); nothing is read past that.
constexpr std::uint32_t max_slots = 65536;

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string name_part(const std::array<std::uint8_t, 11>& raw, std::size_t from, std::size_t n,
                      bool lower) {
    std::string s;
    for (std::size_t i = from; i < from + n; ++i) {
        std::uint8_t b = raw[i];
        if (i == 0 && b == ondisk::entry_kanji_e5) b = ondisk::entry_deleted;
        char c = b < 0x20 || b >= 0x7F ? '?' : static_cast<char>(b);
        s += lower ? ascii_lower(c) : c;
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

std::string join_83(const std::string& base, const std::string& ext) {
    return ext.empty() ? base : base + "." + ext;
}

SlotKind kind_of(std::span<const std::uint8_t> e) {
    const std::uint8_t first = get_u8(e, de::name);
    if (first == ondisk::entry_free) return SlotKind::end;
    if (first == ondisk::entry_deleted) return SlotKind::deleted;
    const std::uint8_t a = get_u8(e, de::attr);
    if ((a & 0x3F) == ondisk::attr::long_name) return SlotKind::lfn;
    if (a & ondisk::attr::volume_id) return SlotKind::volume_label;
    if (a & ondisk::attr::directory) return SlotKind::directory;
    return SlotKind::file;
}

DirSlot decode(std::span<const std::uint8_t> e, std::uint32_t index, std::uint64_t offset,
               FatType type) {
    DirSlot s;
    s.index = index;
    s.offset = offset;
    s.kind = kind_of(e);
    for (std::size_t i = 0; i < 11; ++i) s.raw_name[i] = get_u8(e, de::name + i);
    s.attributes = get_u8(e, de::attr);
    if (s.kind == SlotKind::lfn) {
        s.lfn_order = get_u8(e, ondisk::lfn::order);
        s.lfn_checksum = get_u8(e, ondisk::lfn::checksum);
        return s;
    }
    s.nt_flags = get_u8(e, de::nt_reserved);
    if (s.kind == SlotKind::volume_label) {
        s.short_name = name_part(s.raw_name, 0, 11, false);
        s.display_name = s.short_name;
    } else {
        s.short_name =
            join_83(name_part(s.raw_name, 0, 8, false), name_part(s.raw_name, 8, 3, false));
        s.display_name =
            join_83(name_part(s.raw_name, 0, 8, (s.nt_flags & ondisk::nt_lower_base) != 0),
                    name_part(s.raw_name, 8, 3, (s.nt_flags & ondisk::nt_lower_ext) != 0));
    }
    s.create_time = get_u16(e, de::create_time);
    s.create_date = get_u16(e, de::create_date);
    s.access_date = get_u16(e, de::access_date);
    s.write_time = get_u16(e, de::write_time);
    s.write_date = get_u16(e, de::write_date);
    s.first_cluster = get_u16(e, de::cluster_low);
    if (type == FatType::fat32)
        s.first_cluster |= std::uint32_t{get_u16(e, de::cluster_high)} << 16;
    s.size = get_u32(e, de::file_size);
    return s;
}

// Collects LFN slots and attaches them to the 8.3 entry that follows, or marks them orphaned.
class LfnAssembler {
public:
    explicit LfnAssembler(std::vector<DirSlot>& slots) : slots_(slots) {}

    void lfn(std::size_t at, std::span<const std::uint8_t> e) {
        const DirSlot& s = slots_[at];
        const std::uint8_t seq = s.lfn_order & 0x1F;
        if (s.lfn_order & ondisk::lfn::last_flag) {
            orphan("orphaned long-name slot: another long name starts at slot " +
                   std::to_string(s.index));
            if (seq == 0 || seq > 20) {
                slots_[at].lfn_problem = "orphaned long-name slot: bad sequence number";
                return;
            }
            expected_ = seq;
            checksum_ = s.lfn_checksum;
            chars_.assign(std::size_t{seq} * ondisk::lfn::chars_per_slot, 0xFFFF);
        } else if (pending_.empty() || seq != expected_ - 1 || s.lfn_checksum != checksum_) {
            orphan("orphaned long-name slot: out of sequence at slot " + std::to_string(s.index));
            slots_[at].lfn_problem = "orphaned long-name slot: out of sequence";
            return;
        } else {
            expected_ = seq;
        }
        const auto c = detail::lfn_chars(e);
        for (std::size_t i = 0; i < c.size(); ++i)
            chars_[(std::size_t{seq} - 1) * ondisk::lfn::chars_per_slot + i] = c[i];
        pending_.push_back(at);
    }

    void entry(DirSlot& s) {
        if (pending_.empty()) return;
        if (s.kind == SlotKind::volume_label || expected_ != 1) {
            orphan("orphaned long-name slot: not followed by its 8.3 entry");
            return;
        }
        if (lfn_checksum(s.raw_name) != checksum_) {
            s.lfn_problem =
                "long-name checksum mismatch: the long-name slots before this entry "
                "belong to another 8.3 name";
            orphan("orphaned long-name slot: checksum does not match the 8.3 entry at slot " +
                   std::to_string(s.index));
            return;
        }
        s.long_name = detail::utf8_from_ucs2(chars_);
        s.lfn_slots = static_cast<std::uint32_t>(pending_.size());
        pending_.clear();
    }

    void other() { orphan("orphaned long-name slot: not followed by its 8.3 entry"); }

private:
    void orphan(const std::string& why) {
        for (std::size_t at : pending_)
            if (slots_[at].lfn_problem.empty()) slots_[at].lfn_problem = why;
        pending_.clear();
    }

    std::vector<DirSlot>& slots_;
    std::vector<std::size_t> pending_;
    std::vector<std::uint16_t> chars_;
    std::uint8_t expected_ = 0;
    std::uint8_t checksum_ = 0;
};

void decode_all(const Volume& v, std::span<const std::uint8_t> data,
                std::span<const std::uint64_t> slot_offsets, std::vector<DirSlot>& out) {
    LfnAssembler lfns(out);
    for (std::uint32_t i = 0; i < slot_offsets.size(); ++i) {
        const auto e = data.subspan(std::size_t{i} * de::size, de::size);
        out.push_back(decode(e, i, slot_offsets[i], v.type()));
        DirSlot& s = out.back();
        switch (s.kind) {
            case SlotKind::lfn:
                lfns.lfn(out.size() - 1, e);
                break;
            case SlotKind::file:
            case SlotKind::directory:
            case SlotKind::volume_label:
                lfns.entry(s);
                break;
            case SlotKind::deleted:
            case SlotKind::end:
                lfns.other();
                break;
        }
        if (s.kind == SlotKind::end) return;
    }
}

}  // namespace

const char* to_string(SlotKind kind) {
    switch (kind) {
        case SlotKind::file:
            return "file";
        case SlotKind::directory:
            return "directory";
        case SlotKind::volume_label:
            return "volume-label";
        case SlotKind::lfn:
            return "lfn";
        case SlotKind::deleted:
            return "deleted";
        case SlotKind::end:
            break;
    }
    return "end";
}

bool names_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

std::vector<DirSlot> list_directory(const Volume& v, std::uint32_t first_cluster) {
    const Geometry& g = v.geometry();
    std::vector<std::uint8_t> data;
    std::vector<std::uint64_t> offsets;
    if (first_cluster == 0 && v.type() != FatType::fat32) {
        data.resize(std::size_t{g.root_dir_sectors()} * g.bytes_per_sector);
        v.device().read(g.root_dir_start(), data);
        const std::uint64_t base = v.sector_offset(g.root_dir_start());
        for (std::uint32_t i = 0; i < g.root_entries && i < max_slots; ++i)
            offsets.push_back(base + std::uint64_t{i} * de::size);
    } else {
        const std::uint32_t start = first_cluster == 0 ? g.root_cluster : first_cluster;
        auto clusters = v.chain(start);
        const std::uint32_t per_cluster = g.bytes_per_cluster() / de::size;
        const std::size_t keep = (max_slots + per_cluster - 1) / per_cluster;
        if (clusters.size() > keep) clusters.resize(keep);
        data.resize(clusters.size() * g.bytes_per_cluster());
        std::size_t done = 0;
        for (const ClusterRun& r : runs_of(clusters)) {
            const std::size_t len = std::size_t{r.length()} * g.bytes_per_cluster();
            v.device().read(g.cluster_sector(r.first), std::span(data).subspan(done, len));
            done += len;
        }
        for (std::uint32_t c : clusters)
            for (std::uint32_t i = 0; i < per_cluster && offsets.size() < max_slots; ++i)
                offsets.push_back(v.cluster_offset(c) + std::uint64_t{i} * de::size);
    }
    std::vector<DirSlot> out;
    out.reserve(std::min<std::size_t>(offsets.size(), 1024));
    decode_all(v, data, offsets, out);
    return out;
}

std::vector<DirSlot> list_root(const Volume& v) {
    return list_directory(v, 0);
}

std::optional<DirSlot> find_entry(const std::vector<DirSlot>& slots, std::string_view name) {
    for (const DirSlot& s : slots) {
        if (!s.is_entry()) continue;
        if ((!s.long_name.empty() && names_equal(s.long_name, name)) ||
            names_equal(s.display_name, name))
            return s;
    }
    return std::nullopt;
}

std::optional<DirSlot> lookup(const Volume& v, std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i <= path.size()) {
        const std::size_t j = path.find_first_of("\\/", i);
        const std::size_t end = j == std::string_view::npos ? path.size() : j;
        if (end > i) parts.push_back(path.substr(i, end - i));
        i = end + 1;
    }
    if (parts.empty()) return std::nullopt;
    std::uint32_t dir = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        auto found = find_entry(list_directory(v, dir), parts[k]);
        if (!found) return std::nullopt;
        if (k + 1 == parts.size()) return found;
        if (found->kind != SlotKind::directory) return std::nullopt;
        dir = found->first_cluster;
    }
    return std::nullopt;
}

std::vector<WalkEntry> walk(const Volume& v, const WalkLimits& limits, ClusterOwners* owners) {
    struct Pending {
        std::uint32_t cluster;
        std::string path;
        std::uint32_t depth;
    };
    std::vector<WalkEntry> out;
    std::set<std::uint32_t> visited;
    const std::uint32_t root_key = v.type() == FatType::fat32 ? v.geometry().root_cluster : 0;
    visited.insert(root_key);
    if (owners && v.type() == FatType::fat32) owners->claim(v.chain(root_key), "\\");
    std::vector<Pending> stack{{0, "", 0}};
    while (!stack.empty() && out.size() < limits.max_entries) {
        const Pending dir = stack.back();
        stack.pop_back();
        const auto slots = list_directory(v, dir.cluster);
        std::vector<Pending> children;
        for (const DirSlot& s : slots) {
            if (!s.is_entry() || s.is_dot()) continue;
            if (out.size() >= limits.max_entries) break;
            const std::string path = dir.path + "\\" + s.name();
            out.push_back({path, dir.depth, s});
            if (owners && s.first_cluster != 0) owners->claim(v.chain(s.first_cluster), path);
            if (s.kind == SlotKind::directory && s.first_cluster != 0 &&
                dir.depth + 1 < limits.max_depth && visited.insert(s.first_cluster).second)
                children.push_back({s.first_cluster, path, dir.depth + 1});
        }
        for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
    }
    return out;
}

}  // namespace ukpu::fat
