#!/usr/bin/env bash
# tests/fake/runs.sh - runs that do not end as runs do: a probe killed
# (SIGKILL) or stopped (SIGTERM) while it waits for the greeting, and a
# store that fills up during a session.  Against the fake server.
# SPDX-License-Identifier: BSD-2-Clause
# usage: runs.sh MAILTRACE FAKESRV MKPCAP OUTDIR
#
# The probe commits its records before it prints them (the store sink
# comes first), so once its stdout shows the record of the fetched
# connection (0xAD83, SMTP 0xAD07) that record is in the store: the test
# reads the probe's stdout up to it, then sends the signal; no sleeping.
set -u
MT=$1 FAKE=$2 MKPCAP=$3 OUT=$4/runs
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_DB
echo "runs-S3cret" >"$OUT/pw"

# fake NAME SCRIPT-TEXT: start fakesrv on a script; sets port, fpid.
fake() {
	printf '%s\n' "$2" >"$OUT/$1.script"
	exec {ffd}< <("$FAKE" --script "$OUT/$1.script" --timeout 20 \
	    2>"$OUT/$1.fakesrv.err"; echo "fakesrv-exit $?")
	fpid=$!
	port=""
	read -r -t 10 -u "$ffd" port
}

# signalled NAME SIG URL ARGS...: the probe (pop3 or smtp, by the URL)
# waits on a silent server after its connect; send SIG once the fetched
# connection is on its stdout.
signalled() {
	local name=$1 sig=$2 url=$3 line seen="" mpid rc
	shift 3
	fake "$name" hang
	url=${url//PORT/$port}
	rm -f "$OUT/$name.db"*
	exec {mfd}< <(exec "$MT" "${url%%:*}" --db "$OUT/$name.db" "$@" \
	    "$url" 2>"$OUT/$name.err")
	mpid=$!
	: >"$OUT/$name.out"
	while read -r -t 20 -u "$mfd" line; do
		printf '%s\n' "$line" >>"$OUT/$name.out"
		case $line in *"  0xAD83  "* | *"  0xAD07  "*) seen=1; break ;; esac
	done
	check "$name: the probe printed the fetched connection" test -n "$seen"
	kill -s "$sig" "$mpid"
	while read -r -t 20 -u "$mfd" line; do
		printf '%s\n' "$line" >>"$OUT/$name.out"
	done
	wait "$mpid"
	rc=$?
	echo "$rc" >"$OUT/$name.rc"
	kill "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	"$MT" show --db "$OUT/$name.db" >"$OUT/$name.show" 2>"$OUT/$name.show.err"
	echo $? >"$OUT/$name.show.rc"
}

# A kill -9 before the greeting: the connect records were already stored,
# and show says the run never ended.
signalled kill9 KILL "pop3://bob@127.0.0.1:PORT" --password-file "$OUT/pw"
T_SHOW=$OUT/kill9.show
check "kill9: the probe died of SIGKILL" test "$(cat "$OUT/kill9.rc")" = 137
check "kill9: show exits 0" test "$(cat "$OUT/kill9.show.rc")" = 0
for ev in 0xAD80 0xAD82 0xAD83; do
	check "kill9: show has $ev, made before the kill" has "$OUT/kill9.show" "  $ev  A  rc=0  "
done
check "kill9: show gives back what was printed" cmp "$OUT/kill9.out" "$OUT/kill9.show"
T_SHOW=$OUT/kill9.show.err
check "kill9: show says the run is unfinished (one line)" \
    test "$(grep -c . "$OUT/kill9.show.err")" = 1 -a -n "$(grep -E '^mailtrace: run 1 is unfinished: it has no end status' "$OUT/kill9.show.err")"

signalled kill9-smtp KILL "smtp://127.0.0.1:PORT" --from a@example.org \
    --to b@example.org
T_SHOW=$OUT/kill9-smtp.show
for ev in 0xAD00 0xAD06 0xAD07; do
	check "kill9-smtp: show has $ev, made before the kill" has "$OUT/kill9-smtp.show" "  $ev  A  rc=0  "
done
T_SHOW=$OUT/kill9-smtp.show.err
check "kill9-smtp: show says the run is unfinished" has "$OUT/kill9-smtp.show.err" '^mailtrace: run 1 is unfinished'

# SIGTERM: the wait ends at once, the open steps fail with the interrupt's
# class, the run is stored as ended by the signal (exit 143).
signalled term TERM "pop3://bob@127.0.0.1:PORT" --password-file "$OUT/pw"
T_SHOW=$OUT/term.err
check "term: exit 143 (got $(cat "$OUT/term.rc"))" test "$(cat "$OUT/term.rc")" = 143
check "term: one line on stderr, the interruption" \
    test "$(grep -c . "$OUT/term.err")" = 1 -a -n "$(grep 'interrupted by a signal' "$OUT/term.err")"
T_SHOW=$OUT/term.out
check "term: Store.connect fails with InterruptedIOException" \
    has "$OUT/term.out" '  0xAD81  A  rc=14  --  opt=java\.io\.InterruptedIOException  '
check "term: show gives back what was printed" cmp "$OUT/term.out" "$OUT/term.show"
T_SHOW=$OUT/term.show.err
check "term: show says the run was interrupted by SIGTERM" \
    has "$OUT/term.show.err" '^mailtrace: run 1 was interrupted by SIGTERM \(exit status 143\)'

# A full store: a file size limit (SIGXFSZ ignored, so writes fail with
# EFBIG) a little above the new store's shared-memory file lets the run
# begin and fails a later commit.  One line on stderr, exit 1.
# The store is made (and migrated) first, without the limit: a probe of a
# closed port makes it, with a run of its own.
"$MT" pop3 --db "$OUT/full.db" --password-file "$OUT/pw" \
    pop3://bob@127.0.0.1:1 >/dev/null 2>&1
fake full 'send "+OK ready\r\n"
expect "CAPA"
send "+OK\r\nUSER\r\n.\r\n"
expect "USER bob"
send "+OK\r\n"
recv
send "+OK\r\n"
expect "STAT"
send "+OK 0 0\r\n"
expect "QUIT"
send "+OK\r\n"
close'
# stdout is a pipe (the limit is on files), wc counts what was printed.
(trap '' XFSZ; ulimit -f 34; "$MT" pop3 --db "$OUT/full.db" \
    --password-file "$OUT/pw" "pop3://bob@127.0.0.1:$port" \
    2>"$OUT/full.err"; echo $? >"$OUT/full.rc") | wc -l >"$OUT/full.lines"
rc=$(cat "$OUT/full.rc") printed=$(cat "$OUT/full.lines")
wait "$fpid" 2>/dev/null
T_SHOW=$OUT/full.err
check "full: exit 1 (got $rc)" test "$rc" = 1
check "full: the failure is said once, in one line" \
    test "$(grep -c . "$OUT/full.err")" = 1 -a -n "$(grep '^mailtrace: recording the trace failed: store ' "$OUT/full.err")"
check "full: the session itself was printed ($printed lines)" test "$printed" -gt 5

# The decoder into a full store: 200 SMTP flows (1,800 records) under the
# same limit.  One line, exit 1 (its records are stored from a second
# thread, whose failure reaches the end of the run once).
for i in $(seq 1 200); do
	printf '%s\n' "flow 4 192.0.2.10 $((20000 + i)) 192.0.2.25 25" syn synack ack \
	    's2c "220 mx.example.test ESMTP\r\n"' \
	    "c2s \"EHLO client$i.test\\r\\n\"" \
	    's2c "250-mx.example.test\r\n250 8BITMIME\r\n"' \
	    "c2s \"MAIL FROM:<a$i@example.test>\\r\\n\"" \
	    's2c "250 2.1.0 Ok\r\n"' 'c2s "QUIT\r\n"' 's2c "221 2.0.0 Bye\r\n"' \
	    fin-s2c ack fin-c2s ack
done >"$OUT/many.mk"
T_SHOW=$OUT/many.mkpcap.err
check "decode-full: mkpcap builds 200 flows" "$MKPCAP" -o "$OUT/many.pcap" "$OUT/many.mk"
"$MT" decode --db "$OUT/dfull.db" "$OUT/many.pcap" >/dev/null 2>&1
check "decode-full: the capture decodes into a store without a limit" \
    test "$("$MT" show --db "$OUT/dfull.db" | grep -c '  0xAD11  A  rc=0  MAIL FROM')" = 200
rm -f "$OUT/dfull.db"*
"$MT" pop3 --db "$OUT/dfull.db" --password-file "$OUT/pw" \
    pop3://bob@127.0.0.1:1 >/dev/null 2>&1	# makes the store
(trap '' XFSZ; ulimit -f 34; "$MT" decode --db "$OUT/dfull.db" \
    "$OUT/many.pcap" 2>"$OUT/dfull.err"; echo $? >"$OUT/dfull.rc") >/dev/null
T_SHOW=$OUT/dfull.err
check "decode-full: exit 1 (got $(cat "$OUT/dfull.rc"))" test "$(cat "$OUT/dfull.rc")" = 1
check "decode-full: the failure is said once, in one line" \
    test "$(grep -c . "$OUT/dfull.err")" = 1 -a -n "$(grep '^mailtrace: recording the trace failed: store ' "$OUT/dfull.err")"
t_done
