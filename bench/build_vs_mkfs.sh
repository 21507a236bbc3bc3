#!/usr/bin/env bash
# ukpu build against mkfs.fat + mcopy making the same key (same FAT type and layout: an MBR
# partition at 1 MiB) on images of 64 MiB, 2 GiB and 32 GiB. Prints, for each: wall time (median
# of several runs), bytes written to the image and write calls of each, and the ratios.
#   bench/build_vs_mkfs.sh [path/to/ukpu] [runs]
# Needs dosfstools, mtools, fdisk and strace (scripts/setup installs them).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ukpu=${1:-$here/build/ukpu/ukpu}
runs=${2:-5}
setup_bin=$here/samples/reference/pki-amt14.bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in mkfs.fat mcopy sfdisk strace; do
    command -v "$tool" >/dev/null || { echo "build_vs_mkfs: $tool is missing" >&2; exit 1; }
done
[ -x "$ukpu" ] || { echo "build_vs_mkfs: $ukpu not built (run scripts/build)" >&2; exit 1; }
if [ ! -f "$setup_bin" ]; then
    setup_bin=$work/setup.bin
    "$ukpu" --quiet setupbin create --config "$here/samples/pki-amt14.toml" -o "$setup_bin"
fi
export SOURCE_DATE_EPOCH=1700000000

now_ns() { date +%s%N; }

# Median wall time in ms of: prepare (untimed) then the command, $runs times.
median_ms() {
    local prepare=$1 cmd=$2 t=()
    for ((i = 0; i < runs; i++)); do
        eval "$prepare"
        local s e
        s=$(now_ns)
        eval "$cmd" >/dev/null 2>&1
        e=$(now_ns)
        t+=($(((e - s) / 1000)))
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

# Write calls and bytes written to the image file by the command, from strace -y.
io_of() {
    local cmd=$1 img=$2 log=$work/strace.log
    eval "strace -f -qq -y -e trace=write,pwrite64,pwritev,pwritev2 -o $log $cmd" >/dev/null 2>&1
    grep -F "<$img>" "$log" | grep -v ' = -1 ' |
        awk -F'= ' '{calls++; bytes += $NF} END {printf "%d %d\n", calls, bytes}'
}

printf '%-8s %-6s | %10s %10s %12s | %10s %10s %12s | %7s %7s %7s\n' size fs "ukpu ms" calls bytes \
    "mkfs ms" calls bytes "time" calls bytes
for case in "64M 16 64" "2G 16 2047" "32G 32 0"; do
    set -- $case
    size=$1 fs=$2 part_mib=$3
    img=$work/key.img
    if [ "$part_mib" = 0 ]; then part=""; blocks=""; else part=",size=${part_mib}MiB"; blocks=""; fi
    # 64 MiB: the partition fills the image; 2 GiB: ukpu's strict cap of 2047 MiB; 32 GiB FAT32:
    # the whole device after 1 MiB.
    [ "$size" = 64M ] && part=""
    [ "$size" = 2G ] && blocks=$((2047 * 1024))
    ptype=06
    [ "$fs" = 32 ] && ptype=0c
    ukpu_args="--image $img --size $size --setup-bin $setup_bin --volume-id 1234abcd"
    [ "$fs" = 32 ] && ukpu_args="$ukpu_args --fs fat32"
    ukpu_cmd="$ukpu --quiet build $ukpu_args"
    # The partition table is made untimed in the baseline's preparation (sfdisk's own fsync
    # costs about 250 ms here), so that the timed part is mkfs.fat + mcopy alone; its writes are
    # still counted below.
    part_cmd="sh -c 'rm -f $img && truncate -s $size $img && echo start=2048${part},type=$ptype | sfdisk -q $img'"
    fs_cmd="sh -c 'mkfs.fat -F $fs --offset 2048 -h 2048 -i 1234abcd $img $blocks && mcopy -i $img@@1M $setup_bin ::SETUP.BIN'"

    u_ms=$(median_ms "rm -f $img" "$ukpu_cmd")
    read -r u_calls u_bytes < <(rm -f "$img"; io_of "$ukpu_cmd" "$img")
    b_ms=$(median_ms "eval \"$part_cmd\" >/dev/null 2>&1" "$fs_cmd")
    read -r p_calls p_bytes < <(io_of "$part_cmd" "$img")
    read -r f_calls f_bytes < <(io_of "$fs_cmd" "$img")
    b_calls=$((p_calls + f_calls))
    b_bytes=$((p_bytes + f_bytes))
    # Both images must be correct keys.
    "$ukpu" --quiet verify --image "$img" --firmware uefi >/dev/null ||
        echo "build_vs_mkfs: the mkfs.fat + mcopy image of $size fails verify" >&2
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.3f", a / b }'; }
    printf '%-8s %-6s | %10s %10s %12s | %10s %10s %12s | %7s %7s %7s\n' "$size" "FAT$fs" \
        "$u_ms" "$u_calls" "$u_bytes" "$b_ms" "$b_calls" "$b_bytes" \
        "$(ratio "$u_ms" "$b_ms")" "$(ratio "$u_calls" "$b_calls")" "$(ratio "$u_bytes" "$b_bytes")"
done
echo "ratios are ukpu / baseline; below 1 means ukpu does less. Baseline time: mkfs.fat + mcopy on an"
echo "image already partitioned by sfdisk (untimed); baseline writes: sfdisk + mkfs.fat + mcopy. ukpu's"
echo "time includes partitioning, reading the key back and verifying it; the baseline does not verify."
