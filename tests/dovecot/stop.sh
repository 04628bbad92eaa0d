#!/usr/bin/env bash
# stop.sh WORKDIR
#
# Stops the Dovecot started by start.sh WORKDIR via its master pid file,
# waits (bounded, ~10 s, then SIGKILL and ~5 s more) for the master and its
# child processes to be gone, and prints the log tail if Dovecot logged
# errors, fatals or panics. Exits 0 if it was not running.
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 WORKDIR" >&2
    exit 2
fi
workdir=$1
[[ -d $workdir ]] || {
    echo "dovecot/stop: $workdir does not exist; nothing to stop"
    exit 0
}
workdir=$(cd -- "$workdir" && pwd)

base_dir=$workdir/run
log=$workdir/dovecot.log
if [[ -r $workdir/env ]]; then
    # shellcheck disable=SC1091
    base_dir=$(. "$workdir/env" && printf '%s' "${DOVECOT_BASE_DIR:-$workdir/run}")
    # shellcheck source=/dev/null
    log=$(. "$workdir/env" && printf '%s' "${DOVECOT_LOG:-$workdir/dovecot.log}")
fi
pidfile=$base_dir/master.pid

# Is PID a live Dovecot master (not a recycled pid)?
is_dovecot() { # pid
    [[ -r /proc/$1/comm ]] || return 1
    local comm
    { comm=$(<"/proc/$1/comm"); } 2>/dev/null || return 1
    [[ $comm == dovecot* ]]
}

# Children of PID (reads /proc directly; procps may be absent).
children_of() { # pid
    local stat rest f ppid
    for f in /proc/[0-9]*/stat; do
        { stat=$(<"$f"); } 2>/dev/null || continue
        rest=${stat##*) } # drop "pid (comm) "
        ppid=${rest#* }
        ppid=${ppid%% *}
        [[ $ppid == "$1" ]] && {
            f=${f#/proc/}
            echo "${f%/stat}"
        }
    done
}

alive_any() { # pids...
    local p
    for p in "$@"; do
        [[ -e /proc/$p ]] && [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]] && return 0
    done
    return 1
}

wait_gone() { # tenths-of-seconds pids...
    local n=$1 i
    shift
    for ((i = 0; i < n; i++)); do
        alive_any "$@" || return 0
        sleep 0.1
    done
    alive_any "$@" && return 1
    return 0
}

status=0
pid=
if [[ -r $pidfile ]]; then
    pid=$(<"$pidfile")
fi
if [[ $pid =~ ^[0-9]+$ ]] && is_dovecot "$pid"; then
    mapfile -t kids < <(children_of "$pid")
    kill -TERM "$pid" 2>/dev/null
    if ! wait_gone 100 "$pid" "${kids[@]}"; then
        echo "dovecot/stop: dovecot (pid $pid) still running after 10 s; sending SIGKILL" >&2
        for p in "$pid" "${kids[@]}"; do
            kill -KILL "$p" 2>/dev/null
        done
        if ! wait_gone 50 "$pid" "${kids[@]}"; then
            echo "dovecot/stop: dovecot processes still present: $pid ${kids[*]}" >&2
            status=1
        fi
    fi
    echo "dovecot/stop: stopped dovecot (pid $pid)"
else
    echo "dovecot/stop: dovecot not running for $workdir"
fi

# A base_dir moved to /tmp (long WORKDIR path) is removed with its symlink.
if [[ -L $workdir/run && $base_dir == /tmp/mt-dovecot.* ]]; then
    rm -rf -- "$base_dir"
    rm -f -- "$workdir/run"
fi

if [[ -r $log ]] && grep -qE '(Error|Fatal|Panic):' "$log"; then
    echo "dovecot/stop: Dovecot logged errors; last lines of $log:" >&2
    grep -E '(Error|Fatal|Panic):' "$log" | tail -n 20 >&2
fi
exit $status
