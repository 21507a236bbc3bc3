#include "write_plan.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "ukpu/fatwriter/error.hpp"

namespace ukpu::fat {

void WritePlan::put(std::uint64_t lba, std::vector<std::uint8_t> data) {
    if (data.empty()) return;
    if (data.size() % sector_size_ != 0)
        throw Error(ErrorCode::bad_argument,
                    "write of " + std::to_string(data.size()) + " bytes is not whole sectors");
    const std::uint64_t n = data.size() / sector_size_;
    extents_.push_back({lba, n, std::move(data)});
}

void WritePlan::zero(std::uint64_t lba, std::uint64_t sectors) {
    if (sectors > 0) extents_.push_back({lba, sectors, {}});
}

void WritePlan::commit(BlockDevice& device, bool skip_zeros, std::size_t max_request) const {
    if (extents_.empty()) return;
    const std::uint64_t per_request = std::max<std::uint64_t>(1, max_request / sector_size_);

    // Extent indices sorted by start; runs are maximal groups of touching extents.
    std::vector<std::size_t> order(extents_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return extents_[a].lba < extents_[b].lba;
    });

    // With skip_zeros, runs are formed by the data extents alone; zero extents only matter
    // where they land inside such a run (zeroing part of an earlier put).
    auto forms_runs = [&](const Extent& e) { return !skip_zeros || !e.data.empty(); };

    std::size_t i = 0;
    std::vector<std::uint8_t> buffer;
    while (i < order.size()) {
        if (!forms_runs(extents_[order[i]])) {
            ++i;
            continue;
        }
        const std::uint64_t run_start = extents_[order[i]].lba;
        std::uint64_t run_end = run_start;
        while (i < order.size() && extents_[order[i]].lba <= run_end) {
            const Extent& e = extents_[order[i]];
            if (forms_runs(e)) run_end = std::max(run_end, e.lba + e.sectors);
            ++i;
        }
        // Every extent that touches the run, in insertion order.
        std::vector<std::size_t> members;
        for (std::size_t m = 0; m < extents_.size(); ++m)
            if (extents_[m].lba < run_end && extents_[m].lba + extents_[m].sectors > run_start)
                members.push_back(m);

        for (std::uint64_t chunk = run_start; chunk < run_end; chunk += per_request) {
            const std::uint64_t chunk_end = std::min(run_end, chunk + per_request);
            bool has_data = false;
            for (std::size_t m : members) {
                const Extent& e = extents_[m];
                if (!e.data.empty() && e.lba < chunk_end && e.lba + e.sectors > chunk) {
                    has_data = true;
                    break;
                }
            }
            if (!has_data && skip_zeros) continue;
            buffer.assign((chunk_end - chunk) * sector_size_, 0);
            for (std::size_t m : members) {
                const Extent& e = extents_[m];
                const std::uint64_t from = std::max(e.lba, chunk);
                const std::uint64_t to = std::min(e.lba + e.sectors, chunk_end);
                if (from >= to) continue;
                std::uint8_t* dst = buffer.data() + (from - chunk) * sector_size_;
                const std::size_t bytes = (to - from) * sector_size_;
                if (e.data.empty())
                    std::memset(dst, 0, bytes);
                else
                    std::memcpy(dst, e.data.data() + (from - e.lba) * sector_size_, bytes);
            }
            device.write(chunk, buffer);
        }
    }
}

}  // namespace ukpu::fat
