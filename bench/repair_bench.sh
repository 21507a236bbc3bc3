#!/usr/bin/env bash
# Repair on a 2 GiB key holding 1,000 files: time, bytes written to the key, and the bytes that
# had to move (other files' clusters in setup.bin's way, plus setup.bin's own run), with their
# ratio. Run for the two layouts a 2 GiB stick comes with: FAT32 (mkfs.fat's default, 4 KiB
# clusters) and FAT16 (32 KiB clusters). Builds ukpu in build/ (UKPU_BUILD_DIR to change).
#   bench/repair_bench.sh [--files N] [--records R]     (defaults: 1000 files, 2000 records)
set -euo pipefail
cd "$(dirname "$0")/.."

files=1000
records=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --files) files=$2; shift 2 ;;
        --records) records=$2; shift 2 ;;
        *) echo "usage: $0 [--files N] [--records R]" >&2; exit 2 ;;
    esac
done

build_dir=${UKPU_BUILD_DIR:-build}
if [ -z "${UKPU_BIN:-}" ]; then
    cmake -S . -B "$build_dir" -DUKPU_WERROR=ON >/dev/null
    cmake --build "$build_dir" --target ukpu -j "${UKPU_JOBS:-2}" >/dev/null
fi
ukpu=${UKPU_BIN:-$build_dir/ukpu/ukpu}
export MTOOLS_SKIP_CHECK=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$ukpu" --quiet setupbin create -o "$work/setup.bin" --version 4 --records "$records" \
    --current-password-file <(printf admin) --new-password-file <(printf 'N3w-Passw0rd!')
# 1,000 files of 1 to 64 KiB in 20 folders with long names (one mcopy), then setup.bin last:
# it lands after them, so the files at the start of the data area are in its way.
mkdir -p "$work/tree"
for ((i = 0; i < files; i++)); do
    d="$work/tree/Folder with a long name $((i % 20))"
    mkdir -p "$d"
    head -c $((1024 + (i * 7919) % 64512)) /dev/urandom >"$d/Document number $i.dat"
done
tree_bytes=$(du -sb --apparent-size "$work/tree" | cut -f1)

echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
echo "key: 2 GiB image, $files files ($tree_bytes bytes), setup.bin of $(stat -c %s "$work/setup.bin") bytes ($records records)"
for fs in 32 16; do
    img="$work/key$fs.img"
    rm -f "$img"
    truncate -s 2G "$img"
    mkfs.fat -F "$fs" "$img" >/dev/null
    mcopy -s -m -i "$img" "$work/tree"/* ::
    mcopy -i "$img" "$work/setup.bin" ::setup.bin
    start=$(date +%s.%N)
    "$ukpu" --json --quiet repair --image "$img" --journal "$work/journal" >"$work/out.json"
    end=$(date +%s.%N)
    fsck.fat -n "$img" >/dev/null || { echo "FAT$fs: fsck.fat found problems" >&2; exit 1; }
    python3 - "$work/out.json" "$fs" "$start" "$end" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
plan, io = doc["plan"], doc["io"]
secs = float(sys.argv[4]) - float(sys.argv[3])
moved, written = plan["bytes_to_move"], io["bytes_written"]
print(f"FAT{sys.argv[2]}: repair {secs:.3f} s (whole process, incl. verify); "
      f"{plan['clusters_moved']} clusters of {plan['cluster_size']} B moved out of setup.bin's run")
print(f"  bytes that had to move: {moved:,}  bytes written: {written:,} "
      f"in {io['write_calls']} requests, {io['flushes']} flushes  "
      f"written/moved: {written / moved:.2f}")
PY
done
