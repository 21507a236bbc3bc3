#!/usr/bin/env bash
# Several sticks at once through the device path: ukpu build --device x N (written in parallel,
# each read back past the page cache and verified) against the same N sticks made one after the
# other by ukpu, and by sfdisk + mkfs.fat + mcopy + a flush (no read-back, no verify). The sticks
# are loop devices of 256 MiB backed by files; prints the median wall time of each and the ratios.
#   bench/sticks.sh [path/to/ukpu] [sticks] [runs]
# Needs root (losetup), dosfstools, mtools and fdisk (scripts/setup installs them).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ukpu=${1:-$here/build/ukpu/ukpu}
sticks=${2:-4}
runs=${3:-5}

[ "$(id -u)" = 0 ] || { echo "sticks: loop devices need root" >&2; exit 1; }
for tool in losetup mkfs.fat mcopy sfdisk blockdev; do
    command -v "$tool" >/dev/null || { echo "sticks: $tool is missing" >&2; exit 1; }
done
[ -x "$ukpu" ] || { echo "sticks: $ukpu not built (run scripts/build)" >&2; exit 1; }

work=$(mktemp -d)
loops=()
cleanup() {
    for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

setup_bin=$work/setup.bin
"$ukpu" --quiet setupbin create --config "$here/samples/pki-amt14.toml" -o "$setup_bin"
for ((i = 0; i < sticks; i++)); do
    truncate -s 256M "$work/stick$i.img"
    loops+=("$(losetup -f --show "$work/stick$i.img")")
done

now_ns() { date +%s%N; }

# Median wall time in ms of the command, $runs times, each after the sticks are zeroed at the
# start (old signatures gone) and the loop devices' caches dropped (untimed).
median_ms() {
    local cmd=$1 t=()
    for ((r = 0; r < runs; r++)); do
        for l in "${loops[@]}"; do
            dd if=/dev/zero of="$l" bs=1M count=2 conv=fsync status=none
            blockdev --flushbufs "$l"
        done
        local s e
        s=$(now_ns)
        eval "$cmd" >/dev/null 2>&1 || { echo "sticks: failed: $cmd" >&2; exit 1; }
        e=$(now_ns)
        t+=($(((e - s) / 1000)))
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

# Loop devices are written only with --allow-non-usb and each named (--confirm).
devices=""
for l in "${loops[@]}"; do devices="$devices --device $l --confirm $l"; done
parallel="$ukpu --quiet build $devices --setup-bin $setup_bin --allow-non-usb"
one_by_one=""
baseline=""
for l in "${loops[@]}"; do
    one_by_one="$one_by_one $ukpu --quiet build --device $l --setup-bin $setup_bin --allow-non-usb --confirm $l &&"
    # The same key: an MBR partition at 1 MiB, FAT16, SETUP.BIN, then flushed to the device.
    baseline="$baseline echo start=2048,type=06 | sfdisk -q $l && mkfs.fat -F 16 --offset 2048 \
-h 2048 $l \$((255 * 1024)) && mcopy -i $l@@1M $setup_bin ::SETUP.BIN && blockdev --flushbufs $l &&"
done
one_by_one="$one_by_one true"
baseline="$baseline true"

# Every stick must hold a key the firmware finds after each way of making it.
verify_all() {
    for l in "${loops[@]}"; do
        "$ukpu" --quiet verify --device "$l" --firmware uefi >/dev/null ||
            { echo "sticks: $l: the key made by $1 does not verify" >&2; exit 1; }
    done
}
p_ms=$(median_ms "$parallel")
verify_all "ukpu (at once)"
s_ms=$(median_ms "$one_by_one")
verify_all "ukpu (one by one)"
b_ms=$(median_ms "$baseline")
verify_all "the baseline"

echo "sticks: $sticks loop devices of 256 MiB, median of $runs runs"
printf '%-44s %10s\n' "way" "ms"
printf '%-44s %10s\n' "ukpu build, all sticks at once (+ verify)" "$p_ms"
printf '%-44s %10s\n' "ukpu build, one stick after another" "$s_ms"
printf '%-44s %10s\n' "sfdisk + mkfs.fat + mcopy, one after another" "$b_ms"
awk -v p="$p_ms" -v s="$s_ms" -v b="$b_ms" 'BEGIN {
    printf "ratio: at once / one after another = %.2f; at once / mkfs baseline = %.2f\n", p / s, p / b
}'
