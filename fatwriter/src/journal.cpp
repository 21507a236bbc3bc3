#include "ukpu/fatwriter/journal.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>

#include <unistd.h>

#include "ukpu/base/bytes.hpp"
#include "ukpu/base/error.hpp"
#include "ukpu/base/files.hpp"
#include "ukpu/fatwriter/overlay_device.hpp"

namespace ukpu::fat {

namespace {

// File layout: magic, header, records, checksum (FNV-1a 64 of everything before it), end magic.
constexpr char magic[8] = {'U', 'K', 'P', 'U', 'J', 'N', 'L', '1'};
constexpr char end_magic[8] = {'U', 'K', 'P', 'U', 'E', 'N', 'D', '1'};
namespace hdr {
constexpr std::size_t sector_size = 8;       // u32
constexpr std::size_t device_sectors = 12;   // u64
constexpr std::size_t volume_id = 20;        // u32
constexpr std::size_t created = 24;          // u64
constexpr std::size_t record_count = 32;     // u32
constexpr std::size_t description_len = 36;  // u32, then the text
constexpr std::size_t size = 40;
}  // namespace hdr
namespace rec {
constexpr std::size_t lba = 0;       // u64
constexpr std::size_t phase = 8;     // u32
constexpr std::size_t sectors = 12;  // u32, then before and after images
constexpr std::size_t size = 16;
}  // namespace rec

std::uint64_t fnv1a(std::span<const std::uint8_t> b) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::uint8_t c : b) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

// A failed step of the shared file helpers, in the journal's words: "<what> <path>: <why>".
Error journal_error(const std::string& what, const base::Error& e) {
    const std::string why = e.system_error() != 0 ? std::strerror(e.system_error()) : e.message();
    return Error(ErrorCode::io, what + " " + e.path().string() + ": " + why,
                 {std::nullopt, std::nullopt, "journal"});
}

std::string write_step(base::ErrorCode code) {
    switch (code) {
        case base::ErrorCode::open:
        case base::ErrorCode::set_mode:
            return "cannot create the journal";
        case base::ErrorCode::sync:
            return "cannot sync the journal";
        case base::ErrorCode::rename:
            return "cannot rename the journal";
        default:
            return "cannot write the journal";
    }
}

std::vector<std::uint8_t> encode(const Journal& j) {
    std::vector<std::uint8_t> out(hdr::size);
    std::memcpy(out.data(), magic, 8);
    bytes::put_u32(out, hdr::sector_size, j.sector_size);
    bytes::put_u64(out, hdr::device_sectors, j.device_sectors);
    bytes::put_u32(out, hdr::volume_id, j.volume_id);
    bytes::put_u64(out, hdr::created, static_cast<std::uint64_t>(j.created));
    bytes::put_u32(out, hdr::record_count, static_cast<std::uint32_t>(j.records.size()));
    bytes::put_u32(out, hdr::description_len, static_cast<std::uint32_t>(j.description.size()));
    out.insert(out.end(), j.description.begin(), j.description.end());
    for (const auto& r : j.records) {
        std::vector<std::uint8_t> h(rec::size);
        bytes::put_u64(h, rec::lba, r.lba);
        bytes::put_u32(h, rec::phase, r.phase);
        bytes::put_u32(h, rec::sectors, static_cast<std::uint32_t>(r.after.size() / j.sector_size));
        out.insert(out.end(), h.begin(), h.end());
        out.insert(out.end(), r.before.begin(), r.before.end());
        out.insert(out.end(), r.after.begin(), r.after.end());
    }
    std::vector<std::uint8_t> tail(16);
    bytes::put_u64(tail, 0, fnv1a(out));
    std::memcpy(tail.data() + 8, end_magic, 8);
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

std::optional<Journal> decode(std::span<const std::uint8_t> b) {
    if (b.size() < hdr::size + 16 || std::memcmp(b.data(), magic, 8) != 0) return std::nullopt;
    const std::size_t body = b.size() - 16;
    if (std::memcmp(b.data() + body + 8, end_magic, 8) != 0) return std::nullopt;
    if (bytes::get_u64(b, body) != fnv1a(b.first(body))) return std::nullopt;
    Journal j;
    j.sector_size = bytes::get_u32(b, hdr::sector_size);
    j.device_sectors = bytes::get_u64(b, hdr::device_sectors);
    j.volume_id = bytes::get_u32(b, hdr::volume_id);
    j.created = static_cast<std::int64_t>(bytes::get_u64(b, hdr::created));
    const std::uint32_t count = bytes::get_u32(b, hdr::record_count);
    const std::uint32_t dlen = bytes::get_u32(b, hdr::description_len);
    std::size_t pos = hdr::size;
    if (j.sector_size == 0 || dlen > body - pos) return std::nullopt;
    j.description.assign(reinterpret_cast<const char*>(b.data() + pos), dlen);
    pos += dlen;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (body - pos < rec::size) return std::nullopt;
        JournalRecord r;
        r.lba = bytes::get_u64(b, pos + rec::lba);
        r.phase = bytes::get_u32(b, pos + rec::phase);
        const std::uint64_t n =
            std::uint64_t{bytes::get_u32(b, pos + rec::sectors)} * j.sector_size;
        pos += rec::size;
        if ((body - pos) / 2 < n) return std::nullopt;
        r.before.assign(b.begin() + static_cast<std::ptrdiff_t>(pos),
                        b.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
        r.after.assign(b.begin() + static_cast<std::ptrdiff_t>(pos),
                       b.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
        j.records.push_back(std::move(r));
    }
    if (pos != body) return std::nullopt;
    return j;
}

enum class SectorState { before, after, both, neither };

// Compares every journaled sector on the device with its images.
struct Match {
    bool all_after = true;
    bool conflict = false;
    std::uint64_t conflict_lba = 0;
};

Match match(BlockDevice& dev, const Journal& j) {
    Match m;
    const std::uint32_t ss = j.sector_size;
    for (const auto& r : j.records) {
        std::vector<std::uint8_t> now(r.after.size());
        dev.read(r.lba, now);
        for (std::size_t off = 0; off < now.size(); off += ss) {
            const bool is_after = std::memcmp(now.data() + off, r.after.data() + off, ss) == 0;
            const bool is_before = std::memcmp(now.data() + off, r.before.data() + off, ss) == 0;
            if (!is_after) m.all_after = false;
            if (!is_after && !is_before && !m.conflict) {
                m.conflict = true;
                m.conflict_lba = r.lba + off / ss;
            }
        }
    }
    return m;
}

// "-SECTORSxSECTORSIZE[-TAG].ukpu-journal": what follows the volume id in a journal's name.
std::string name_suffix(std::uint64_t sectors, std::uint32_t sector_size, std::string_view tag) {
    const std::string t = journal_tag_text(tag);
    return "-" + std::to_string(sectors) + "x" + std::to_string(sector_size) +
           (t.empty() ? "" : "-" + t) + ".ukpu-journal";
}

// The journals in `dir` named for this device and tag: eight hex digits (the volume id), then
// exactly the suffix. The sector count and size are runs of digits ended by 'x' and by '-' or
// '.', so a name matches one device geometry and one tag (or none) only.
std::vector<std::filesystem::path> candidates(const BlockDevice& dev,
                                              const std::filesystem::path& dir,
                                              std::string_view tag) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return out;
    const std::string suffix = name_suffix(dev.sector_count(), dev.sector_size(), tag);
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() != 8 + suffix.size() || name.compare(8, suffix.size(), suffix) != 0)
            continue;
        if (std::all_of(name.begin(), name.begin() + 8,
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void remove_file(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
}

}  // namespace

std::uint64_t Journal::bytes() const {
    std::uint64_t n = 0;
    for (const auto& r : records) n += r.after.size();
    return n;
}

std::string journal_tag_text(std::string_view tag) {
    std::string out;
    for (const char c : tag.substr(0, 64)) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) && (c & 0x80) == 0;
        out += ok || c == '_' || c == '.' || c == '-' ? c : '_';
    }
    return out;
}

std::filesystem::path journal_path(const std::filesystem::path& dir, const Journal& j,
                                   std::string_view tag) {
    char id[16];
    std::snprintf(id, sizeof id, "%08X", j.volume_id);
    return dir / (std::string(id) + name_suffix(j.device_sectors, j.sector_size, tag));
}

void write_journal(const std::filesystem::path& path, const Journal& j) {
    const auto dir = path.parent_path();
    // Root writing into a user's directory (the window's worker, started through pkexec, repairs
    // with the user's journal directory): the journal and the directories made for it are the
    // user's, as a run of their own would have left them, so that a journal left pending can be
    // recovered or removed by them.
    std::optional<base::Owner> owner;
    try {
        if (::geteuid() == 0) {
            const base::Owner o = base::nearest_owner(dir);
            if (o.uid != 0) owner = o;
        }
        base::create_private_dirs(dir, owner);
    } catch (const base::Error& e) {
        throw Error(ErrorCode::io, "cannot create the journal directory " + dir.string() + ": " +
                                       std::strerror(e.system_error()));
    }
    try {
        base::AtomicFile file(path, 0600);
        file.write(encode(j));
        if (owner) file.set_owner(*owner);
        file.commit();
    } catch (const base::Error& e) {
        throw journal_error(write_step(e.code()), e);
    }
}

std::optional<Journal> read_journal(const std::filesystem::path& path) {
    try {
        return decode(base::read_file(path));
    } catch (const base::Error& e) {
        throw journal_error(e.code() == base::ErrorCode::open ? "cannot open the journal"
                                                              : "cannot read the journal",
                            e);
    }
}

const char* to_string(RecoveryAction a) {
    switch (a) {
        case RecoveryAction::none:
            return "none";
        case RecoveryAction::discarded:
            return "discarded";
        case RecoveryAction::already_done:
            return "already-done";
        case RecoveryAction::rolled_forward:
            return "rolled-forward";
        case RecoveryAction::rolled_back:
            return "rolled-back";
    }
    return "?";
}

void apply_records(BlockDevice& device, const std::vector<JournalRecord>& records, bool after) {
    std::set<std::uint32_t> phases;
    for (const auto& r : records) phases.insert(r.phase);
    std::vector<std::uint32_t> order(phases.begin(), phases.end());
    if (!after) std::reverse(order.begin(), order.end());
    for (std::uint32_t p : order) {
        for (const auto& r : records)
            if (r.phase == p) device.write(r.lba, after ? r.after : r.before);
        device.flush();
    }
}

Recovery pending_state(BlockDevice& device, const std::filesystem::path& dir,
                       std::string_view tag) {
    for (const auto& p : candidates(device, dir, tag)) {
        const auto j = read_journal(p);
        if (!j) return {RecoveryAction::discarded, p, 0};
        if (j->sector_size != device.sector_size() || j->device_sectors != device.sector_count())
            continue;
        const Match m = match(device, *j);
        if (m.conflict) continue;
        return {m.all_after ? RecoveryAction::already_done : RecoveryAction::rolled_forward, p, 0};
    }
    return {};
}

namespace {

// A device that forwards to another one; the owner of a preview without a journal.
class SameDevice final : public BlockDevice {
public:
    explicit SameDevice(BlockDevice& base) : base_(base) {}
    std::uint32_t sector_size() const override { return base_.sector_size(); }
    std::uint64_t sector_count() const override { return base_.sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { base_.read(lba, out); }
    void write(std::uint64_t, std::span<const std::uint8_t>) override {
        throw Error(ErrorCode::bad_argument, "a preview of a key is read-only");
    }
    void flush() override {}
    std::string describe() const override { return base_.describe(); }
    const IoStats& stats() const override { return base_.stats(); }

private:
    BlockDevice& base_;
};

}  // namespace

std::unique_ptr<BlockDevice> preview_recovery(BlockDevice& device, const std::filesystem::path& dir,
                                              bool roll_back, std::string_view tag) {
    const Recovery pending = pending_state(device, dir, tag);
    if (pending.action != RecoveryAction::rolled_forward && !roll_back)
        return std::make_unique<SameDevice>(device);
    if (pending.action == RecoveryAction::none || pending.action == RecoveryAction::discarded)
        return std::make_unique<SameDevice>(device);
    const auto j = read_journal(pending.path);
    auto overlay = std::make_unique<OverlayDevice>(device);
    if (j)
        for (const auto& r : j->records) overlay->write(r.lba, roll_back ? r.before : r.after);
    return overlay;
}

Recovery recover_pending(BlockDevice& device, const std::filesystem::path& dir, bool roll_back,
                         std::string_view tag) {
    std::string conflicts;
    for (const auto& p : candidates(device, dir, tag)) {
        const auto j = read_journal(p);
        if (!j) {
            // Incomplete: the run stopped while writing the journal, before touching any key.
            remove_file(p);
            return {RecoveryAction::discarded, p, 0};
        }
        if (j->sector_size != device.sector_size() || j->device_sectors != device.sector_count())
            continue;
        const Match m = match(device, *j);
        if (m.conflict) {
            conflicts += "\n  " + p.string() + " (sector " + std::to_string(m.conflict_lba) +
                         " holds neither its old nor its new content)";
            continue;
        }
        Recovery r{RecoveryAction::already_done, p, 0};
        if (!m.all_after || roll_back) {
            apply_records(device, j->records, !roll_back);
            for (const auto& rec : j->records)
                r.sectors_written += rec.after.size() / j->sector_size;
            r.action = roll_back ? RecoveryAction::rolled_back : RecoveryAction::rolled_forward;
        }
        remove_file(p);
        return r;
    }
    if (!conflicts.empty())
        throw JournalConflict(
            ErrorCode::unsupported,
            "a pending repair journal is of a key of this size, but the key changed since; "
            "nothing was written and the journal is kept:" +
                conflicts,
            {std::nullopt, std::nullopt, "journal"});
    return {};
}

}  // namespace ukpu::fat
