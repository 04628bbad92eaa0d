# tests/serve/lib.sh - the exporter tests' helpers (sourced after ../lib.sh).
# SPDX-License-Identifier: BSD-2-Clause

# exp_start NAME ARGS...: start "mailtrace exporter --listen 127.0.0.1:0
# ARGS" in the background (stderr to $OUT/NAME.err), wait (bounded) for its
# "listening on" line; sets EXP_PID and EXP_URL (http://127.0.0.1:PORT).
exp_start() {
	local name=$1 i
	shift
	"$MT" exporter --listen 127.0.0.1:0 "$@" >"$OUT/$name.out" \
	    2>"$OUT/$name.err" &
	EXP_PID=$!
	EXP_URL=
	for ((i = 0; i < 100; i++)); do
		EXP_URL=$(sed -n 's|.*listening on \(http://[^/]*\)/.*|\1|p' \
		    "$OUT/$name.err")
		[ -n "$EXP_URL" ] && return 0
		kill -0 "$EXP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# exp_stop: SIGTERM, and the exit status in EXP_RC (bounded: the exporter
# stops its probes at once; a hang past 10 s is killed and fails).
exp_stop() {
	local i
	kill -TERM "$EXP_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$EXP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$EXP_PID" 2>/dev/null && kill -KILL "$EXP_PID"
	wait "$EXP_PID"
	EXP_RC=$?
}

# get NAME PATH [curl args]: GET EXP_URL/PATH; body in $OUT/NAME.body,
# headers in $OUT/NAME.hdr, the status in $OUT/NAME.code.
get() {
	local name=$1 path=$2
	shift 2
	curl -s -g --max-time 30 -D "$OUT/$name.hdr" -o "$OUT/$name.body" \
	    -w '%{http_code}' "$@" "$EXP_URL$path" >"$OUT/$name.code"
}
code_is() { [ "$(cat "$OUT/$1.code")" = "$2" ]; }

# A free loopback port (as tests/dovecot/start.sh picks them).
free_port() {
	local p tries
	for ((tries = 0; tries < 50; tries++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
		if [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] ||
		    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			continue
		fi
		echo "$p"
		return 0
	done
	return 1
}

# urlenc STRING: for a query parameter.
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
