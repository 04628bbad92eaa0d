#!/usr/bin/env bash
# stop.sh WORKDIR
#
# Stops the Postfix started by start.sh WORKDIR ("postfix -c WORKDIR/conf
# stop", falling back to SIGTERM/SIGKILL via the master pid file), and waits
# (bounded: ~10 s, then SIGKILL and ~5 s more) until the master and every
# process of its process group are gone (zombies count as gone). Prints the
# log's fatal/panic/error lines if any. Exits 0 if it was not running.
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 WORKDIR" >&2
    exit 2
fi
workdir=$1
[[ -d $workdir ]] || {
    echo "postfix/stop: $workdir does not exist; nothing to stop"
    exit 0
}
workdir=$(cd -- "$workdir" && pwd)

conf_dir=$workdir/conf
pidfile=$workdir/spool/pid/master.pid
log=$workdir/postfix.log

# Is PID a live Postfix master (not a recycled pid)?
is_master() { # pid
    local comm
    { comm=$(<"/proc/$1/comm"); } 2>/dev/null || return 1
    [[ $comm == master ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# Live (non-zombie) processes whose process group is PGID. The master calls
# setsid(), so its group holds every Postfix process of this instance.
group_members() { # pgid
    local f stat rest
    for f in /proc/[0-9]*/stat; do
        { stat=$(<"$f"); } 2>/dev/null || continue
        rest=${stat##*) } # "state ppid pgrp ..."
        read -r st _ pg _ <<<"$rest"
        [[ $pg == "$1" && $st != Z ]] || continue
        f=${f#/proc/}
        echo "${f%/stat}"
    done
}

wait_group_gone() { # tenths-of-seconds pgid
    local i
    for ((i = 0; i < $1; i++)); do
        [[ -z $(group_members "$2") ]] && return 0
        sleep 0.1
    done
    [[ -z $(group_members "$2") ]]
}

status=0
pid=
if [[ -r $pidfile ]]; then
    pid=$(tr -d ' \n' <"$pidfile")
fi
if [[ $pid =~ ^[0-9]+$ ]] && is_master "$pid"; then
    # "postfix stop" sends SIGTERM to the master, which stops its children;
    # it waits up to 5 s itself and then kills the group.
    if [[ -r $conf_dir/main.cf ]]; then
        postfix -c "$conf_dir" stop </dev/null >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null
    else
        kill -TERM "$pid" 2>/dev/null
    fi
    if ! wait_group_gone 100 "$pid"; then
        echo "postfix/stop: postfix (pid $pid) still running after 10 s; sending SIGKILL" >&2
        for p in $(group_members "$pid"); do
            kill -KILL "$p" 2>/dev/null
        done
        if ! wait_group_gone 50 "$pid"; then
            echo "postfix/stop: postfix processes still present: $(group_members "$pid" | tr '\n' ' ')" >&2
            status=1
        fi
    fi
    echo "postfix/stop: stopped postfix (pid $pid)"
else
    echo "postfix/stop: postfix not running for $workdir"
fi

if [[ -r $log ]] && grep -qE ' (fatal|panic|error):' "$log"; then
    echo "postfix/stop: Postfix logged errors; last lines of $log:" >&2
    grep -E ' (fatal|panic|error):' "$log" | tail -n 20 >&2
fi
exit $status
