#!/usr/bin/env bash
# stop.sh WORKDIR
#
# Stops the PostgreSQL started by start.sh WORKDIR (pg_ctl stop, fast
# mode, bounded; then SIGKILL of the postmaster from its pid file) and
# removes its data directory.  Exits 0 if it was not running.
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 WORKDIR" >&2
    exit 2
fi
[[ -d $1 ]] || {
    echo "pg/stop: $1 does not exist; nothing to stop"
    exit 0
}
workdir=$(cd -- "$1" && pwd)
[[ -r $workdir/env ]] || {
    echo "pg/stop: no instance in $workdir"
    exit 0
}
# shellcheck source=/dev/null
. "$workdir/env"
[[ $PG_BASE == /tmp/mt-pg.* ]] || {
    echo "pg/stop: $workdir/env names $PG_BASE, not a harness directory" >&2
    exit 1
}
if [[ $EUID -eq 0 ]]; then
    as() { runuser -u postgres -- "$@"; }
else
    as() { "$@"; }
fi
status=0
if [[ -r $PG_BASE/data/postmaster.pid ]]; then
    pid=$(head -n 1 "$PG_BASE/data/postmaster.pid")
    if ! as "$PG_BIN/pg_ctl" -D "$PG_BASE/data" -m fast -w -t 20 stop >/dev/null 2>&1; then
        if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres* ]]; then
            echo "pg/stop: the server (pid $pid) did not stop in 20 s; SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null
        fi
        status=1
    fi
    echo "pg/stop: stopped PostgreSQL (pid $pid)"
else
    echo "pg/stop: PostgreSQL not running for $workdir"
fi
if [[ -r $PG_BASE/pg.log ]] && grep -qE '(PANIC|FATAL):' "$PG_BASE/pg.log" &&
    grep -vE 'terminating connection due to administrator command|the database system is shutting down' "$PG_BASE/pg.log" | grep -qE '(PANIC|FATAL):'; then
    echo "pg/stop: PostgreSQL logged failures; last lines:" >&2
    grep -E '(PANIC|FATAL):' "$PG_BASE/pg.log" | tail -n 10 >&2
fi
cp -f "$PG_BASE/pg.log" "$workdir/pg.log.kept" 2>/dev/null
rm -rf -- "$PG_BASE"
rm -f -- "$workdir/base" "$workdir/pg.log" "$workdir/env"
exit $status
