#!/usr/bin/env bash
# The PostgreSQL server the keys tests share when ctest runs them on PostgreSQL (pg/...): a
# throwaway cluster (initdb, trust, no fsync) listening only on a unix socket in DIR, as the
# postgres user when run as root. Without PostgreSQL installed it does nothing and the tests skip.
#   pg_server.sh start DIR | stop DIR
set -euo pipefail
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
as=()
[[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)

stop() {
    if [[ -n $bin && -f $dir/data/postmaster.pid ]]; then
        "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case $cmd in
start)
    stop
    [[ -n $bin ]] || { echo "PostgreSQL is not installed: the pg/ tests skip"; exit 0; }
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    chmod 700 "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null
    ;;
stop)
    stop
    ;;
*)
    echo "usage: pg_server.sh start|stop DIR" >&2
    exit 2
    ;;
esac
