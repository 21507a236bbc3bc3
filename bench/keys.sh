#!/usr/bin/env bash
# Builds and runs the key-batch benchmark (bench/keys_bench.cpp) in build/, the optimised
# (RelWithDebInfo) build that scripts/build makes, then times the real command on the same
# number of records: `ukpu keys generate` (setup.bin files and a new store), `ukpu keys export`
# (scs-sql, then scs-csv), and a second `ukpu keys generate` into the same store, each as a whole
# process. Arguments go to the benchmark:
#   bench/keys.sh [--records N] [--per-key M]     (defaults: 100000 records, 1000 per setup.bin)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${UKPU_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DUKPU_WERROR=ON -DUKPU_BENCH=ON >/dev/null
cmake --build "$build_dir" --target keys_bench ukpu -j "${UKPU_JOBS:-2}" >/dev/null
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
out=$("$build_dir/bench/keys_bench" "$@")
echo "$out"

records=100000
per_key=1000
while [ $# -ge 2 ]; do
    case $1 in
        --records) records=$2 ;;
        --per-key) per_key=$2 ;;
    esac
    shift 2
done
# SQLite's floor from the run above, in seconds.
floor=$(echo "$out" | sed -n 's/^prepared .*(\([0-9.]*\) s, cpu \([0-9.]*\) s).*/\1 \2/p')

dir=$(mktemp -d "${TMPDIR:-/tmp}/ukpu-keys-cmd-XXXXXX")
trap 'rm -rf "$dir"' EXIT
(umask 077 && printf 'admin\n' >"$dir/current.txt")
ukpu=$build_dir/ukpu/ukpu
# Runs ukpu quietly (its messages are shown when it fails) and appends a line to $dir/times: its
# wall and processor seconds (bash's time, to the millisecond) and its peak RSS in KiB (GNU time,
# which scripts/setup installs).
run() {
    local TIMEFORMAT='%R %U %S'
    { time /usr/bin/time -o "$dir/rss" -f '%M' "$ukpu" "$@" >"$dir/out.log" 2>&1; } \
        2>"$dir/timing" || {
        cat "$dir/out.log" >&2
        exit 1
    }
    echo "$(tail -n 1 "$dir/timing") $(tail -n 1 "$dir/rss")" >>"$dir/times"
}
run keys generate -n "$records" --per-key "$per_key" --random-new-password \
    --current-password-file "$dir/current.txt" -o "$dir/setup.bin" --store "$dir/keys.db"
run keys export --store "$dir/keys.db" --format scs-sql -o "$dir/scs.sql"
run keys export --store "$dir/keys.db" --format scs-csv -o "$dir/scs.csv"
# A second batch of the same size into the store that is now there: its files go into the store
# as they are made (the first batch into a new store makes every file before creating it).
mkdir "$dir/second"
run keys generate -n "$records" --per-key "$per_key" --random-new-password \
    --current-password-file "$dir/current.txt" -o "$dir/second/setup.bin" --store "$dir/keys.db"
lines=$(($(wc -l <"$dir/scs.csv") - 1))
if [ "$lines" -ne "$records" ]; then
    echo "keys.sh: ukpu keys export wrote $lines records, not $records" >&2
    exit 1
fi
awk -v n="$records" -v floor="$floor" '
function line(what, k) {
    printf "%-38s %9.0f records/s  (%.3f s, cpu %.3f s, peak RSS %.0f MiB)\n", what, n / wall[k], wall[k], cpu[k], rss[k] / 1024
}
{ wall[NR] = $1; cpu[NR] = $2 + $3; rss[NR] = $4; if (NR <= 3) { all_wall += $1; all_cpu += $2 + $3 } }
END {
    split(floor, f, " ")
    line("ukpu keys generate (files and store)", 1)
    line("ukpu keys export --format scs-sql", 2)
    line("ukpu keys export --format scs-csv", 3)
    line("a second keys generate, same store", 4)
    printf "the command, all three: %.0f records/s (target 200000), %.2f x the time of SQLite'"'"'s floor (cpu: %.0f records per processor-second, %.2f x the floor'"'"'s)\n", n / all_wall, all_wall / f[1], n / all_cpu, all_cpu / f[2]
}' "$dir/times"

# PostgreSQL: the same command into a store on a throwaway local server (initdb, a Unix socket
# in $dir, no TCP), against the server's own COPY of the same rows (batches, key_files with their
# setup.bin bytes, records) into an empty database of the same schema, timed in the same run.
# Skipped, saying so, when the PostgreSQL server binaries are not installed.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "postgresql: not measured (no server binaries; scripts/setup installs postgresql)"
    exit 0
fi
pg_run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg=$dir/pg
mkdir -p "$pg"
if [ "$(id -u)" -eq 0 ]; then
    chmod 0711 "$dir" # the server runs as postgres: it enters $dir, reads nothing else there
    chown postgres "$pg"
fi
pg_run "$pg_bin/initdb" -D "$pg/data" -U ukpu --auth=trust >/dev/null
pg_run "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w \
    -o "-k $pg -c listen_addresses=''" start >/dev/null
trap 'pg_run "$pg_bin/pg_ctl" -D "$pg/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"' EXIT
psql_() { "$pg_bin/psql" -h "$pg" -U ukpu -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c 'CREATE DATABASE keys' -c 'CREATE DATABASE copy'
: >"$dir/times"
run keys generate -n "$records" --per-key "$per_key" --random-new-password \
    --current-password-file "$dir/current.txt" -o "$dir/pg-setup.bin" \
    --store "postgresql://ukpu@/keys?host=$pg"
stored=$(psql_ -d keys -c 'SELECT count(*) FROM records')
if [ "$stored" -ne "$records" ]; then
    echo "keys.sh: the PostgreSQL store holds $stored records, not $records" >&2
    exit 1
fi
"$pg_bin/pg_dump" -h "$pg" -U ukpu --schema-only keys | psql_ -d copy >/dev/null
for t in batches key_files records; do
    psql_ -d keys -c "\\copy $t TO '$dir/$t.copy'"
done
TIMEFORMAT='%R'
copy_s=$({ time psql_ -d copy -c 'BEGIN' -c "\\copy batches FROM '$dir/batches.copy'" \
    -c "\\copy key_files FROM '$dir/key_files.copy'" -c "\\copy records FROM '$dir/records.copy'" \
    -c 'COMMIT' >/dev/null; } 2>&1)
awk -v n="$records" -v copy="$copy_s" '
{ wall = $1; cpu = $2 + $3 }
END {
    printf "%-38s %9.0f records/s  (%.3f s, cpu %.3f s)\n", "ukpu keys generate into PostgreSQL", n / wall, wall, cpu
    printf "%-38s %9.0f records/s  (%.3f s)  the server loading the same rows (psql \\copy, one transaction)\n", "COPY baseline", n / copy, copy
    printf "postgresql: ukpu keys generate takes %.2f x the time of the server'"'"'s COPY of what it stores\n", wall / copy
}' "$dir/times"
