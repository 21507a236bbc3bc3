#!/usr/bin/env bash
# Builds and runs the key-batch benchmark (bench/keys_bench.cpp) in build/, the optimised
# (RelWithDebInfo) build that scripts/build makes. Arguments go to the benchmark:
#   bench/keys.sh [--records N] [--per-key M]     (defaults: 100000 records, 1000 per setup.bin)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${UKPU_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DUKPU_WERROR=ON -DUKPU_BENCH=ON >/dev/null
cmake --build "$build_dir" --target keys_bench -j "${UKPU_JOBS:-2}" >/dev/null
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
"$build_dir/bench/keys_bench" "$@"
