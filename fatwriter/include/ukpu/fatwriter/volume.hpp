// A FAT12/16/32 volume opened for reading: the validated boot sector (every BPB field checked,
// the error names it), the FAT copies, cluster chains and file contents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/geometry.hpp"

namespace ukpu::fat {

// A run of consecutive clusters [first, last] of a chain.
struct ClusterRun {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint32_t length() const { return last - first + 1; }
    friend bool operator==(const ClusterRun&, const ClusterRun&) = default;
};

// Splits a chain into its runs; a chain is contiguous iff it has at most one run.
std::vector<ClusterRun> runs_of(std::span<const std::uint32_t> chain);

class Volume {
public:
    // Reads and validates the boot sector of `device` (the volume, e.g. an OffsetView) and loads
    // FAT copy 0. Throws Error(bad_bpb) naming the field and its absolute offset, or io.
    explicit Volume(BlockDevice& device);

    BlockDevice& device() const { return device_; }
    const Geometry& geometry() const { return geo_; }
    FatType type() const { return geo_.type; }
    // Byte offset of the volume on the underlying device (non-zero for a partition view).
    std::uint64_t base_offset() const { return base_offset_; }
    // Absolute byte offset of a sector of the volume / of a data cluster.
    std::uint64_t sector_offset(std::uint64_t sector) const;
    std::uint64_t cluster_offset(std::uint32_t cluster) const;

    std::string oem_name() const;
    std::uint8_t media() const { return media_; }
    // The label and serial of the extended boot record (empty / none without signature 0x29).
    std::string label() const;  // trailing spaces removed
    std::optional<std::uint32_t> volume_id() const { return volume_id_; }

    // The raw entry of `cluster` (0 .. max_cluster) in FAT copy `copy` (FAT32: 28 bits).
    std::uint32_t fat_entry(std::uint32_t cluster, std::uint32_t copy = 0) const;
    bool is_end_of_chain(std::uint32_t entry) const;
    bool is_bad_cluster(std::uint32_t entry) const;
    // The first cluster whose entry differs between copy 0 and another copy, if any.
    std::optional<std::uint32_t> first_fat_difference() const;
    bool fats_identical() const { return !first_fat_difference(); }

    // The clusters of the chain starting at `first`, in order. Throws Error(bad_fat) naming the
    // cluster for a loop, a link out of range, a free or bad cluster inside the chain.
    std::vector<std::uint32_t> chain(std::uint32_t first) const;
    std::vector<ClusterRun> runs(std::uint32_t first) const { return runs_of(chain(first)); }

    // The bytes of a chain (all clusters), or of a file (`size` bytes from its chain; the chain
    // must hold them: Error(bad_fat) if it is too short). A file of size 0 has first cluster 0.
    std::vector<std::uint8_t> read_chain(std::uint32_t first) const;
    std::vector<std::uint8_t> read_file(std::uint32_t first, std::uint32_t size) const;
    // `count` bytes from the start of `cluster`, read straight through the data area as a raw
    // sector reader does (ignores the FAT; stops at the end of the volume).
    std::vector<std::uint8_t> read_raw(std::uint32_t cluster, std::uint32_t count) const;

    std::uint32_t free_clusters() const;

private:
    void validate(std::span<const std::uint8_t> bs);
    std::vector<std::uint8_t> load_fat(std::uint32_t copy) const;
    static std::uint32_t entry_in(std::span<const std::uint8_t> fat, FatType type,
                                  std::uint32_t cluster);

    BlockDevice& device_;
    Geometry geo_;
    std::uint64_t base_offset_ = 0;
    std::uint8_t media_ = 0;
    std::string oem_;
    std::string label_;
    std::optional<std::uint32_t> volume_id_;
    std::vector<std::uint8_t> fat0_;
};

// Which chain owns each cluster, to find cross-links between files.
class ClusterOwners {
public:
    // Records that `owner` uses `clusters`; throws Error(bad_fat) naming the first cluster that
    // another owner already uses ("cross-linked").
    void claim(std::span<const std::uint32_t> clusters, const std::string& owner);
    std::size_t size() const { return owner_.size(); }

private:
    std::map<std::uint32_t, std::string> owner_;
};

}  // namespace ukpu::fat
