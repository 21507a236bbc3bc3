#include "ukpu/fatwriter/overlay_device.hpp"

#include <algorithm>
#include <cstring>

namespace ukpu::fat {

void OverlayDevice::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    const std::uint32_t ss = sector_size();
    base_.read(lba, out);
    for (auto it = sectors_.lower_bound(lba);
         it != sectors_.end() && it->first < lba + out.size() / ss; ++it)
        std::memcpy(out.data() + (it->first - lba) * ss, it->second.data.data(), ss);
    ++stats_.read_calls;
    stats_.bytes_read += out.size();
}

void OverlayDevice::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    const std::uint32_t ss = sector_size();
    for (std::size_t i = 0; i < data.size() / ss; ++i) {
        Sector& s = sectors_[lba + i];
        s.phase = phase_;
        s.data.assign(data.begin() + static_cast<std::ptrdiff_t>(i * ss),
                      data.begin() + static_cast<std::ptrdiff_t>((i + 1) * ss));
    }
    ++stats_.write_calls;
    stats_.bytes_written += data.size();
}

std::vector<JournalRecord> OverlayDevice::changes(std::size_t max_run) const {
    const std::uint32_t ss = sector_size();
    const std::size_t max_sectors = std::max<std::size_t>(1, max_run / ss);
    std::vector<JournalRecord> out;
    std::vector<std::uint8_t> before(ss);
    // Base sectors are read in batches of consecutive written sectors.
    auto it = sectors_.begin();
    while (it != sectors_.end()) {
        auto end = it;
        std::uint64_t next = it->first;
        while (end != sectors_.end() && end->first == next && next - it->first < max_sectors) {
            ++end;
            ++next;
        }
        std::vector<std::uint8_t> base(static_cast<std::size_t>(next - it->first) * ss);
        base_.read(it->first, base);
        for (auto s = it; s != end; ++s) {
            const std::size_t off = static_cast<std::size_t>(s->first - it->first) * ss;
            if (std::memcmp(base.data() + off, s->second.data.data(), ss) == 0) continue;
            JournalRecord* last = out.empty() ? nullptr : &out.back();
            if (last && last->phase == s->second.phase &&
                last->lba + last->after.size() / ss == s->first &&
                last->after.size() / ss < max_sectors) {
                last->before.insert(last->before.end(),
                                    base.begin() + static_cast<std::ptrdiff_t>(off),
                                    base.begin() + static_cast<std::ptrdiff_t>(off + ss));
                last->after.insert(last->after.end(), s->second.data.begin(), s->second.data.end());
            } else {
                JournalRecord r;
                r.lba = s->first;
                r.phase = s->second.phase;
                r.before.assign(base.begin() + static_cast<std::ptrdiff_t>(off),
                                base.begin() + static_cast<std::ptrdiff_t>(off + ss));
                r.after = s->second.data;
                out.push_back(std::move(r));
            }
        }
        it = end;
    }
    std::stable_sort(out.begin(), out.end(), [](const JournalRecord& a, const JournalRecord& b) {
        return a.phase < b.phase;
    });
    return out;
}

}  // namespace ukpu::fat
