#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tools/bench/batch.sh - the probe's benchmarks (docs/benchmarks.md,
# "Batch"): run by hand, never as a test.  Every figure is measured side by
# side with its reference in one run and reported as a ratio.
#
#   tools/bench/batch.sh -B BUILD [--sessions N] [--reps R] [--parallel P]
#                        [--fake-sessions M]
#
# BUILD is a configured and built tree (RelWithDebInfo).  The script:
#  1. starts a private Dovecot (tests/dovecot/start.sh, the user "five"
#     with 5 messages) and a test CA (tools/certs.sh) in a temporary
#     directory, both removed at the end;
#  2. CPU per full POP3 session (connect, USER/PASS, STAT, LIST and RETR
#     of 5 messages, QUIT), plain and POP3S: `mailtrace batch` with N
#     identical lines (-c 1, and -c 4) against Python's poplib doing the
#     same N sessions (tools/bench/poplib_client.py); each the median of R
#     runs, of N sessions and of 1 session, the difference divided by
#     N - 1 (so that neither program's start-up counts); mailtrace stores
#     every record of every session in a fresh sqlite store, poplib
#     keeps nothing;
#  3. sessions per second against the fake server (fakesrv --workers 128:
#     processes made at the start, none per connection; M connections): `mailtrace batch
#     -c P` against `curl --parallel --parallel-max P` (each URL a POP3
#     session: CAPA, USER/PASS, RETR 1, QUIT; mailtrace's also has STAT and
#     LIST 1; each session its own user, demoI, so that curl cannot reuse
#     a connection for the next URL), wall and CPU time of M sessions,
#     median of R, and the fake server's own CPU (its children's too);
#  4. start-up: the CPU and instructions (callgrind) of `mailtrace
#     --help` (what a probe loads; --version also runs the decoder's
#     program for libpcap's version) beside `mailtrace-decode --help`
#     (the decoder's program, which also loads libpcap).
# Exit 0 after printing the summary (also written to BUILD/bench-batch.txt);
# 2 on errors.  The issue's goals are printed with each figure; they are
# not pass/fail checks of this script.  The fake server's own CPU is
# printed too: when it takes a core of its own, it bounds both clients.
set -u

die() { echo "batch.sh: $*" >&2; exit 2; }

BUILD=
N=400
REPS=5
PAR=16
M=2000
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift ;;
	--sessions) N=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--parallel) PAR=$2; shift ;;
	--fake-sessions) M=$2; shift ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
[ -n "$BUILD" ] || die "usage: batch.sh -B BUILD [--sessions N] [--reps R] [--parallel P] [--fake-sessions M]"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MT=$BUILD/src/cli/mailtrace
FAKE=$BUILD/tools/fakesrv
[ -x "$MT" ] && [ -x "$FAKE" ] || die "$MT or $FAKE is not built"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
PY=$(command -v python3)
BUILD=$(cd "$BUILD" && pwd)
TMP=$(mktemp -d "$BUILD/bench-batch.XXXXXX")
OUT=$BUILD/bench-batch.txt
cleanup() {
	bash "$root/tests/dovecot/stop.sh" "$TMP/dovecot" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
TMP=$(cd "$TMP" && pwd)	# (Dovecot wants absolute paths)
chmod 0755 "$TMP"		# (and its mail user must get through)
bash "$root/tools/certs.sh" "$TMP/certs" >/dev/null 2>&1 || die "tools/certs.sh failed"
if ! bash "$root/tests/dovecot/start.sh" "$TMP/dovecot" "$TMP/certs" >"$TMP/dovecot.log" 2>&1; then
	tail -5 "$TMP/dovecot.log" >&2
	die "Dovecot did not start"
fi
# shellcheck disable=SC1091
. "$TMP/dovecot/env"
PW=$DOVECOT_PASSWORD_FILE CA=$TMP/certs/ca.pem
: >"$OUT"
say() { echo "$*" | tee -a "$OUT"; }
say "# tools/bench/batch.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores; N=$N, R=$REPS, P=$PAR, M=$M"
say "# mailtrace $("$MT" --version | head -1 | cut -d' ' -f2), $(python3 --version), $(curl --version | head -1 | cut -d' ' -f1-2)"

cpu() { python3 "$here/cpu.py" "$REPS" "$@"; }
# per SECONDS_N SECONDS_1: milliseconds per session
per() { python3 -c "import sys; print('%.3f' % ((float(sys.argv[1]) - float(sys.argv[2])) / ($N - 1) * 1000))" "$1" "$2"; }
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

# --- 2. CPU per POP3 session -------------------------------------------
for mode in pop3 pop3s; do
	if [ "$mode" = pop3 ]; then
		url="pop3://five@127.0.0.1:$DOVECOT_POP3_PORT" host=127.0.0.1 port=$DOVECOT_POP3_PORT
	else
		url="pop3s://five@localhost:$DOVECOT_POP3S_PORT" host=localhost port=$DOVECOT_POP3S_PORT
	fi
	tls=""
	[ "$mode" = pop3s ] && tls="--cafile $CA"
	for n in 1 "$N"; do
		for ((i = 0; i < n; i++)); do
			echo "pop3 --password-file $PW $tls --retr all $url"
		done >"$TMP/$mode.$n.txt"
	done
	py_n=$(cpu - -- "$PY" "$here/poplib_client.py" "$mode" "$host" "$port" five "$PW" "$N" "$CA") || die "poplib failed"
	py_1=$(cpu - -- "$PY" "$here/poplib_client.py" "$mode" "$host" "$port" five "$PW" 1 "$CA") || die "poplib failed"
	py=$(per "${py_n%% *}" "${py_1%% *}")
	say "$mode poplib: $py ms CPU per session"
	for c in 1 4; do
		mt_n=$(cpu "$TMP/s.db" -- "$MT" batch --db "$TMP/s.db" -c "$c" -q "$TMP/$mode.$N.txt") || die "mailtrace batch failed"
		mt_1=$(cpu "$TMP/s.db" -- "$MT" batch --db "$TMP/s.db" -c "$c" -q "$TMP/$mode.1.txt") || die "mailtrace batch failed"
		mt=$(per "${mt_n%% *}" "${mt_1%% *}")
		read -r _ un sn _ <<<"$mt_n"
		read -r _ u1 s1 _ <<<"$mt_1"
		say "$mode mailtrace batch -c $c: $mt ms CPU per session (user $(per "$un" "$u1"), system $(per "$sn" "$s1")); mailtrace / poplib = $(ratio "$mt" "$py") (goal <= 0.5)"
	done
done

# --- 3. sessions per second against the fake server ---------------------
# The two scripts: the same session, mailtrace's with STAT and LIST 1.
cat >"$TMP/head.script" <<'EOF'
send "+OK fake POP3 ready\r\n"
expect "CAPA"
send "+OK\r\nUSER\r\nUIDL\r\n.\r\n"
expect-prefix "USER demo"
send "+OK\r\n"
auth-begin
expect-prefix "PASS "
auth-end
send "+OK Logged in.\r\n"
EOF
cat >"$TMP/stat.script" <<'EOF'
expect "STAT"
send "+OK 1 40\r\n"
expect "LIST 1"
send "+OK 1 40\r\n"
EOF
cat >"$TMP/tail.script" <<'EOF'
expect "RETR 1"
send "+OK 40 octets\r\nSubject: bench\r\n\r\nOne line of text.\r\n.\r\n"
expect "QUIT"
send "+OK Bye.\r\n"
close
EOF
cat "$TMP/head.script" "$TMP/stat.script" "$TMP/tail.script" >"$TMP/mt.script"
cat "$TMP/head.script" "$TMP/tail.script" >"$TMP/curl.script"
echo demo >"$TMP/demo.pw"
# fakerun SCRIPT CLIENT: fakesrv for M connections and the client
# function, which records its wall and CPU time; the server's CPU into
# CLIENT.srv.
fakerun() {
	local script=$1 port rc l
	shift
	# (128 workers made at the start, none per connection: more than curl
	# keeps open, its cache of finished connections, without QUIT, until
	# it evicts them or exits, beside its 16 transfers)
	exec {ffd}< <(python3 "$here/cpu.py" --pass 1 - -- "$FAKE" --script "$script" \
	    --connections "$M" --workers 128 --timeout 300 2>"$TMP/fake.err"; \
	    echo "fakesrv-exit $?")
	read -r -t 20 -u "$ffd" port || die "fakesrv did not start"
	"$@" "$port"
	while read -r -t 60 -u "$ffd" l; do
		case $l in "fakesrv-exit "*) rc=${l#fakesrv-exit } ;; esac
	done
	[ "${rc:-1}" = 0 ] || { cat "$TMP/fake.err" >&2; die "fakesrv exited ${rc:-?}"; }
	# (cpu.py's figures: the server's CPU, its children's included)
	grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+$' "$TMP/fake.err" | tail -1 | cut -d' ' -f1 >>"$TMP/$1.srv"
}
mt_fake() {
	local port=$1 c
	for ((i = 0; i < M; i++)); do
		echo "pop3 --password-file $TMP/demo.pw --retr 1 pop3://demo$i@127.0.0.1:$port"
	done >"$TMP/fake.txt"
	rm -f "$TMP/f.db"*
	c=$(python3 "$here/cpu.py" 1 - -- "$MT" batch --db "$TMP/f.db" -c "$PAR" --per-login 0 -q "$TMP/fake.txt") ||
	    die "mailtrace batch failed against fakesrv"
	echo "${c##* }" >>"$TMP/mt.times"
	echo "${c%% *}" >>"$TMP/mt.cpu"
}
curl_fake() {
	local port=$1 c
	for ((i = 0; i < M; i++)); do
		printf 'url = "pop3://demo%d:demo@127.0.0.1:%s/1"\noutput = "/dev/null"\n' "$i" "$port"
	done >"$TMP/curl.cfg"
	c=$(python3 "$here/cpu.py" 1 - -- curl -s --no-progress-meter --parallel \
	    --parallel-max "$PAR" -K "$TMP/curl.cfg" 2>>"$TMP/curl.err") ||
	    die "curl failed against fakesrv (see $TMP/curl.err)"
	echo "${c##* }" >>"$TMP/curl.times"
	echo "${c%% *}" >>"$TMP/curl.cpu"
}
: >"$TMP/mt.times"
: >"$TMP/curl.times"
: >"$TMP/mt.cpu"
: >"$TMP/curl.cpu"
for ((r = 0; r < REPS; r++)); do
	fakerun "$TMP/mt.script" mt_fake
	fakerun "$TMP/curl.script" curl_fake
done
med() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
mt_us=$(med "$TMP/mt.times")		# (seconds)
curl_us=$(med "$TMP/curl.times")
mt_rate=$(python3 -c "print('%.0f' % ($M / $mt_us))")
curl_rate=$(python3 -c "print('%.0f' % ($M / $curl_us))")
mt_cpu=$(python3 -c "print('%.3f' % ($(med "$TMP/mt.cpu") / $M * 1000))")
curl_cpu=$(python3 -c "print('%.3f' % ($(med "$TMP/curl.cpu") / $M * 1000))")
say "fake server, $M sessions, $PAR at once: mailtrace batch $mt_rate sessions/s, curl --parallel $curl_rate sessions/s; mailtrace / curl = $(ratio "$mt_rate" "$curl_rate") (goal >= 5)"
say "fake server, client CPU per session: mailtrace $mt_cpu ms, curl $curl_cpu ms; mailtrace / curl = $(ratio "$mt_cpu" "$curl_cpu")"
srv_mt=$(python3 -c "print('%.2f' % ($(med "$TMP/mt_fake.srv") / $mt_us))")
srv_curl=$(python3 -c "print('%.2f' % ($(med "$TMP/curl_fake.srv") / $curl_us))")
say "fake server, its own CPU (128 workers): $srv_mt cores busy under mailtrace, $srv_curl under curl, of $(nproc)"

# --- 4. start-up ------------------------------------------------------
su_mt=$(python3 "$here/cpu.py" 50 - -- "$MT" --help)
su_dec=$(python3 "$here/cpu.py" 50 - -- "$BUILD/src/cli/mailtrace-decode" --help)
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
if command -v valgrind >/dev/null; then
	ir_mt=$(ir "$MT" --help)
	ir_dec=$(ir "$BUILD/src/cli/mailtrace-decode" --help)
else
	ir_mt=? ir_dec=?
fi
say "start-up: mailtrace --help $(python3 -c "print('%.2f' % (${su_mt%% *} * 1000))") ms CPU, $ir_mt instructions, $(ldd "$MT" | wc -l) libraries; mailtrace-decode --help $(python3 -c "print('%.2f' % (${su_dec%% *} * 1000))") ms, $ir_dec instructions, $(ldd "$BUILD/src/cli/mailtrace-decode" | wc -l) libraries"
exit 0
