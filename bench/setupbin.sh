#!/usr/bin/env bash
# Builds and runs the setup.bin benchmark (bench/setupbin_bench.cpp) in build/, the optimised
# (RelWithDebInfo) build that scripts/build makes. Arguments go to the benchmark:
#   bench/setupbin.sh [--records N] [--runs R]     (defaults: 100000 records, best of 5)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${UKPU_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DUKPU_WERROR=ON -DUKPU_BENCH=ON >/dev/null
cmake --build "$build_dir" --target setupbin_bench -j "${UKPU_JOBS:-2}" >/dev/null
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
"$build_dir/bench/setupbin_bench" "$@"
