#!/usr/bin/env bash
# stop.sh WORKDIR - stops what start.sh WORKDIR started, by its pid files
# (dnsmasq, the silent listener), each checked to be that program before
# it is signalled; waits (bounded, ~5 s) for them to be gone.
# SPDX-License-Identifier: BSD-2-Clause
set -uo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
work=$1
[[ -d $work ]] || exit 0
status=0
stop_one() { # pidfile comm-pattern
	local pid i
	[[ -r $1 ]] || return 0
	pid=$(<"$1")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	[[ -r /proc/$pid/comm && $(<"/proc/$pid/comm") == $2 ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		[[ -e /proc/$pid ]] || break
		sleep 0.1
	done
	if [[ -e /proc/$pid ]]; then
		kill -KILL "$pid" 2>/dev/null
		status=1
	fi
	echo "dns/stop: stopped $2 (pid $pid)"
	rm -f -- "$1"
}
stop_one "$work/dnsmasq.pid" 'dnsmasq*'
stop_one "$work/silent.pid" 'python3*'
exit $status
