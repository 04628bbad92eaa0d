#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# selftest.sh FAKESRV CERTDIR - proves fakesrv does what docs/fakesrv.md says.
#
# Each check starts fakesrv in the background with its stdout on a fifo,
# reads the port from the first line (no sleeps), talks to it with bash's
# /dev/tcp or `openssl s_client`, and checks fakesrv's exit status and
# stderr.  Prints "ok N - ..." / "not ok N - ..." and a summary line.
# Needs: bash, coreutils, openssl.
set -u

if [[ $# -ne 2 ]]; then
	echo "usage: $0 FAKESRV CERTDIR" >&2
	exit 2
fi
fakesrv=$1
certs=$2
for f in ca.pem server.pem server.key wrong.pem wrong.key untrusted.pem \
    untrusted.key; do
	if [[ ! -r $certs/$f ]]; then
		echo "selftest: $certs/$f missing (run tools/certs.sh $certs)" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fakesrv-selftest.XXXXXX")
pid=
cleanup() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Set by the helpers below (rl fills l, l1, l2 through printf -v).
l='' l1='' l2='' c='' port='' status='' crc='' got='' b='' g1='' g2='' g3='' c1='' c2='' c3=''
n=0
passed=0
failed=0
why=

pass() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[[ -n $why ]] && echo "#   $why"
	if [[ -s $tmp/err ]]; then
		sed 's/^/#   fakesrv: /' "$tmp/err"
	fi
}

# result DESCRIPTION: ok when nothing set $why since the last reset.
result() {
	if [[ -z $why ]]; then
		pass "$1"
	else
		fail "$1"
	fi
	why=
}

# need COND-DESCRIPTION COMMAND...: records the first failed condition.
need() {
	local what=$1

	shift
	if ! "$@"; then
		[[ -z $why ]] && why="failed: $what"
	fi
	return 0
}

# start SCRIPT-TEXT [FAKESRV-ARGS...]: writes $tmp/s.script, starts fakesrv,
# sets pid and port.  stderr goes to $tmp/err.
start() {
	local text=$1

	shift
	printf '%s\n' "$text" >"$tmp/s.script"
	rm -f "$tmp/port"
	mkfifo "$tmp/port"
	: >"$tmp/err"
	"$fakesrv" --script "$tmp/s.script" --timeout 10 "$@" \
	    >"$tmp/port" 2>"$tmp/err" &
	pid=$!
	port=
	IFS= read -r -t 15 port <"$tmp/port"
	rm -f "$tmp/port"
	if [[ ! $port =~ ^[0-9]+$ ]]; then
		why="fakesrv printed no port"
		return 1
	fi
	return 0
}

# finish: waits for fakesrv; sets status.
finish() {
	wait "$pid"
	status=$?
	pid=
}

# conn [HOST]: opens fd c to fakesrv.
conn() {
	exec {c}<>"/dev/tcp/${1:-127.0.0.1}/$port"
}

hangup() {
	exec {c}>&-
}

# rl VAR: reads one line from the connection, without its CR.
rl() {
	local rl_line=

	IFS= read -r -t 10 rl_line <&"$c" || true
	printf -v "$1" '%s' "${rl_line%$'\r'}"
}

# say TEXT: writes TEXT (printf format) to the connection.
say() {
	# shellcheck disable=SC2059
	printf "$1" >&"$c"
}

eq() {
	[[ $1 == "$2" ]]
}

has() {
	grep -q -F -- "$2" "$1"
}

hasnt() {
	! grep -q -F -- "$2" "$1"
}

# s_client ARGS...: runs openssl s_client with stdin from $tmp/in.
s_client() {
	timeout 30 openssl s_client -connect "127.0.0.1:$port" \
	    -CAfile "$certs/ca.pem" -verify_return_error \
	    -verify_hostname localhost -quiet "$@" <"$tmp/in" \
	    >"$tmp/out" 2>"$tmp/cerr"
}

# 1: a plain POP3 conversation, every reading command.
if start '# a POP3 session
send "+OK fake ready\r\n"
expect "USER bob"
send "+OK\r\n"
auth-begin
expect-prefix "PASS "
auth-end
send "+OK logged in\r\n"
recv
send "+OK 1 42\r\n"	# trailing comment
recv-until "QUIT"
send "+OK bye\r\n"
close'; then
	conn
	rl l; need greeting eq "$l" "+OK fake ready"
	say 'USER bob\r\n'; rl l; need "USER reply" eq "$l" "+OK"
	say 'PASS secret\r\n'; rl l; need "PASS reply" eq "$l" "+OK logged in"
	say 'STAT\r\n'; rl l; need "STAT reply" eq "$l" "+OK 1 42"
	say 'NOOP\nRSET\r\nQUIT\r\n'; rl l; need "QUIT reply" eq "$l" "+OK bye"
	need "EOF after close" eq "$(cat <&"$c")" ""
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
fi
result "send/expect/expect-prefix/recv/recv-until conversation, exit 0"

# 2: expect mismatch.
if start 'send "+OK\r\n"
expect "USER bob"'; then
	conn
	rl l
	say 'USER alice\r\n'
	finish
	hangup
	need "exit 3 (got $status)" eq "$status" 3
	need "expected text shown" has "$tmp/err" 'expected: "USER bob"'
	need "received text shown" has "$tmp/err" 'received: "USER alice"'
	need "file:line shown" has "$tmp/err" "s.script:2"
fi
result "expect mismatch: exit 3, both lines shown"

# 3: a mismatched PASS line is never printed.
if start 'send "+OK\r\n"
expect "PASS right"'; then
	conn
	rl l
	say 'PASS hunter2xyz\r\n'
	finish
	hangup
	need "exit 3 (got $status)" eq "$status" 3
	need "secret withheld" has "$tmp/err" "<secret line withheld>"
	need "password not printed" hasnt "$tmp/err" "hunter2xyz"
fi
result "expect mismatch on PASS: exit 3, line withheld"

# 4: lines inside auth-begin/auth-end are never printed.
if start 'send "+OK\r\n"
expect "AUTH PLAIN"
auth-begin
send "+ \r\n"
expect "dGVzdA=="
auth-end'; then
	conn
	rl l
	say 'AUTH PLAIN\r\n'
	rl l
	say 'c2VjcmV0c2FzbA==\r\n'
	finish
	hangup
	need "exit 3 (got $status)" eq "$status" 3
	need "secret withheld" has "$tmp/err" "<secret line withheld>"
	need "SASL line not printed" hasnt "$tmp/err" "c2VjcmV0c2FzbA"
fi
result "expect mismatch inside auth region: exit 3, line withheld"

# 5: the client closes while the script wants to read.
if start 'send "+OK\r\n"
expect "USER bob"'; then
	conn
	rl l
	hangup
	finish
	need "exit 4 (got $status)" eq "$status" 4
	need "says closed" has "$tmp/err" "client closed"
fi
result "client closes early: exit 4"

# 6: reset: the client sees a TCP RST.
if start 'send "+OK\r\n"
expect "QUIT"
reset'; then
	conn
	rl l
	say 'QUIT\r\n'
	cat <&"$c" >/dev/null 2>"$tmp/cerr"
	crc=$?
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "client read failed" test "$crc" -ne 0
	need "client saw a reset" grep -q -i "reset" "$tmp/cerr"
fi
result "reset: client sees connection reset, exit 0"

# 7: the watchdog ends a hung script; the client just holds the connection.
if start 'send "+OK\r\n"
hang' --timeout 1; then
	conn
	rl l
	finish
	hangup
	need "exit 5 (got $status)" eq "$status" 5
	need "says watchdog" has "$tmp/err" "watchdog"
fi
result "watchdog with --timeout 1 and hang: exit 5"

# 8: hang and wait-close succeed when the client closes.
if start 'send "+OK\r\n"
wait-close'; then
	conn
	rl l
	say 'QUIT\r\nmore\r\n'
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
fi
result "wait-close: client closes, exit 0"

if start 'hang'; then
	conn
	say 'NOOP\r\n'
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
fi
result "hang: client closes, exit 0"

# 10: a client line over 64 KiB.
if start 'expect "USER bob"'; then
	conn
	(head -c 70000 /dev/zero | tr '\0' a >&"$c") 2>/dev/null
	finish
	hangup
	need "exit 3 (got $status)" eq "$status" 3
	need "says too long" has "$tmp/err" "longer than 65536"
fi
result "client line over 64 KiB: exit 3"

# 11: send-repeat writes N copies.
if start 'send-repeat 100000 "abc"
send "\r\n"
close'; then
	conn
	got=$(cat <&"$c" | wc -c)
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "300002 bytes (got $got)" eq "$got" 300002
fi
result "send-repeat: 100000 copies arrive"

# 12: send-repeat stops quietly when the client gives up.
if start 'send-repeat 10000000 "0123456789"
close'; then
	conn
	head -c 100000 <&"$c" >/dev/null
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "says continuing" has "$tmp/err" "continuing"
fi
result "send-repeat: client closing is not an error"

# 13: send-file (relative to the script), \xHH escapes, tls-send-plain raw.
printf 'Subject: t\r\n\r\nbody\r\n.\r\n' >"$tmp/body.eml"
if start 'send "\x2bOK\x20\"q\"\t\\\r\n"
send-file body.eml
tls-send-plain "raw\r\n"
close'; then
	conn
	cat <&"$c" >"$tmp/out"
	hangup
	finish
	printf '+OK "q"\t\\\r\nSubject: t\r\n\r\nbody\r\n.\r\nraw\r\n' \
	    >"$tmp/want"
	need "exit 0 (got $status)" eq "$status" 0
	need "bytes as scripted" cmp -s "$tmp/out" "$tmp/want"
fi
result "escapes, send-file and tls-send-plain bytes are exact"

# 14: --connections 2 runs the script twice.
if start 'send "+OK hi\r\n"
expect "QUIT"
close' --connections 2; then
	conn; rl l1; say 'QUIT\r\n'; cat <&"$c" >/dev/null; hangup
	conn; rl l2; say 'QUIT\r\n'; cat <&"$c" >/dev/null; hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "two greetings" eq "$l1/$l2" "+OK hi/+OK hi"
fi
result "--connections 2: script runs per connection"

# 14a: --parallel 3 serves three connections at once: all three are
# greeted while none has ended (one at a time, the second and third would
# wait for the first's QUIT), then each ends on its own.
if start 'send "+OK hi\r\n"
expect "QUIT"
send "+OK bye\r\n"
close' --connections 3 --parallel 3; then
	conn; c1=$c; conn; c2=$c; conn; c3=$c
	c=$c3; rl l; g3=$l; c=$c2; rl l; g2=$l; c=$c1; rl l; g1=$l
	for c in "$c3" "$c1" "$c2"; do say 'QUIT\r\n'; rl l; b="$b$l/"; done
	for c in "$c1" "$c2" "$c3"; do hangup; done
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "three greetings at once" eq "$g1/$g2/$g3" "+OK hi/+OK hi/+OK hi"
	need "each ends on its own" eq "$b" "+OK bye/+OK bye/+OK bye/"
fi
result "--parallel 3: three connections served at once"

# 14a2: --parallel: a failing connection's status is fakesrv's.
if start 'send "+OK hi\r\n"
expect "QUIT"
close' --connections 2 --parallel 2; then
	conn; c1=$c; conn; c2=$c
	# (c2's writes first: once c1's NOOP fails, fakesrv ends c2 too,
	# and a write to it then would be a SIGPIPE here)
	c=$c1; rl l; c=$c2; rl l; say 'QUIT\r\n'; c=$c1; say 'NOOP\r\n'
	for c in "$c1" "$c2"; do cat <&"$c" >/dev/null; hangup; done
	finish
	need "exit 3 (the mismatch; got $status)" eq "$status" 3
fi
result "--parallel: a child's failure is the exit status"

# 14a3: --workers 3: three processes made at the start serve three
# connections at once, as --parallel 3 does, without a fork each.
if start 'send "+OK hi\r\n"
expect "QUIT"
send "+OK bye\r\n"
close' --connections 3 --workers 3; then
	conn; c1=$c; conn; c2=$c; conn; c3=$c
	c=$c3; rl l; g3=$l; c=$c2; rl l; g2=$l; c=$c1; rl l; g1=$l
	b=""
	for c in "$c3" "$c1" "$c2"; do say 'QUIT\r\n'; rl l; b="$b$l/"; done
	for c in "$c1" "$c2" "$c3"; do hangup; done
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "three greetings at once" eq "$g1/$g2/$g3" "+OK hi/+OK hi/+OK hi"
	need "each ends on its own" eq "$b" "+OK bye/+OK bye/+OK bye/"
fi
result "--workers 3: three connections served at once"

# 14a4: --workers: a failing connection's status is fakesrv's.
if start 'send "+OK hi\r\n"
expect "QUIT"
close' --connections 2 --workers 2; then
	conn; c1=$c; conn; c2=$c
	# (c2's writes first: once c1's NOOP fails, fakesrv ends c2 too,
	# and a write to it then would be a SIGPIPE here)
	c=$c1; rl l; c=$c2; rl l; say 'QUIT\r\n'; c=$c1; say 'NOOP\r\n'
	for c in "$c1" "$c2"; do cat <&"$c" >/dev/null; hangup; done
	finish
	need "exit 3 (the mismatch; got $status)" eq "$status" 3
fi
result "--workers: a worker's failure is the exit status"

# 14b: --script twice: the first connection plays the first, later ones the
# second.
printf 'send "+OK two\\r\\n"\nexpect "QUIT"\nclose\n' >"$tmp/two.script"
if start 'send "+OK one\r\n"
expect "QUIT"
close' --script "$tmp/two.script" --connections 3; then
	conn; rl l1; say 'QUIT\r\n'; cat <&"$c" >/dev/null; hangup
	conn; rl l2; say 'QUIT\r\n'; cat <&"$c" >/dev/null; hangup
	conn; rl l; say 'QUIT\r\n'; cat <&"$c" >/dev/null; hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "scripts in order, the last repeated" eq "$l1/$l2/$l" \
	    "+OK one/+OK two/+OK two"
fi
result "--script twice: one script per connection, the last repeated"

# 14c: trickle sends byte by byte, MS apart (4 bytes: 3 pauses of 200 ms).
if start 'trickle 200 "ab\r\n"
close'; then
	conn
	t0=$(date +%s%N)
	got=$(cat <&"$c")
	t1=$(date +%s%N)
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "the bytes arrive (got $got)" eq "$got" $'ab\r'
	need "it took 600 ms at least ($(((t1 - t0) / 1000000)) ms)" \
	    test $(((t1 - t0) / 1000000)) -ge 550
fi
result "trickle: one byte every MS ms"

# 14d: trickle stops quietly when the client gives up.
if start 'trickle 100 "0123456789abcdefghijklmnopqrstuvwxyz"
close'; then
	conn
	head -c 3 <&"$c" >/dev/null
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "says continuing" has "$tmp/err" "trickle: client closed after"
fi
result "trickle: client closing is not an error"

# 15: script syntax errors and refused options exit 2 before listening.
printf 'send "+OK\\r\\n"\n\nexpect "unterminated\n' >"$tmp/bad.script"
"$fakesrv" --script "$tmp/bad.script" >"$tmp/out" 2>"$tmp/err"
status=$?
need "exit 2 (got $status)" eq "$status" 2
need "file:line shown" has "$tmp/err" "bad.script:3"
need "nothing on stdout" test ! -s "$tmp/out"
result "script syntax error: exit 2 with file:line"

printf 'frobnicate\n' >"$tmp/bad.script"
"$fakesrv" --script "$tmp/bad.script" >"$tmp/out" 2>"$tmp/err"
status=$?
need "unknown command: exit 2 (got $status)" eq "$status" 2
printf 'close\n' >"$tmp/ok.script"
"$fakesrv" --script "$tmp/ok.script" --listen 0.0.0.0 >"$tmp/out" 2>"$tmp/err"
status=$?
need "--listen 0.0.0.0: exit 2 (got $status)" eq "$status" 2
"$fakesrv" --script "$tmp/ok.script" --implicit-tls >"$tmp/out" 2>"$tmp/err"
status=$?
need "TLS without cert: exit 2 (got $status)" eq "$status" 2
"$fakesrv" --script "$tmp/ok.script" --port 70000 >"$tmp/out" 2>"$tmp/err"
status=$?
need "--port 70000: exit 2 (got $status)" eq "$status" 2
: >"$tmp/err"
result "unknown command, non-loopback address, bad options: exit 2"

# 17: ::1 when the machine has IPv6 loopback.
if start 'send "+OK six\r\n"
close' --listen ::1 2>/dev/null; then
	conn ::1
	rl l
	hangup
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "greeting over ::1" eq "$l" "+OK six"
	result "--listen ::1"
else
	wait "$pid" 2>/dev/null
	pid=
	why=
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - --listen ::1 # SKIP no IPv6 loopback"
fi

# 18: implicit TLS (POP3S) verified against the test CA.
printf 'CAPA\r\nQUIT\r\n' >"$tmp/in"
if start 'send "+OK POP3S ready\r\n"
expect "CAPA"
send "+OK\r\nUSER\r\n.\r\n"
expect "QUIT"
send "+OK bye\r\n"
close' --implicit-tls --cert "$certs/server.pem" --key "$certs/server.key"
then
	s_client
	crc=$?
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "s_client exit 0 (got $crc)" eq "$crc" 0
	need "greeting over TLS" has "$tmp/out" "+OK POP3S ready"
	need "bye over TLS" has "$tmp/out" "+OK bye"
fi
result "implicit TLS with openssl s_client -CAfile ca.pem"

# 19: STLS upgrade (RFC 2595) with s_client -starttls pop3.
if start 'send "+OK ready\r\n"
expect "STLS"
send "+OK begin TLS\r\n"
starttls
expect "CAPA"
send "+OK\r\nUSER\r\n.\r\n"
expect "QUIT"
send "+OK bye\r\n"
close' --cert "$certs/server.pem" --key "$certs/server.key"; then
	s_client -starttls pop3
	crc=$?
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "s_client exit 0 (got $crc)" eq "$crc" 0
	need "bye over TLS" has "$tmp/out" "+OK bye"
fi
result "starttls with openssl s_client -starttls pop3"

# 20: the client rejects an untrusted certificate; the script wanted more.
if start 'send "+OK POP3S ready\r\n"' --implicit-tls \
    --cert "$certs/untrusted.pem" --key "$certs/untrusted.key"; then
	s_client
	crc=$?
	finish
	need "exit 4 (got $status)" eq "$status" 4
	need "s_client failed" test "$crc" -ne 0
	need "says handshake failed" has "$tmp/err" "handshake failed"
fi
result "untrusted certificate rejected, script wanted the client: exit 4"

# 21: a rejected certificate with nothing left that needs the client.
if start 'send "+OK ready\r\n"
expect "STLS"
send "+OK begin TLS\r\n"
starttls
close' --cert "$certs/wrong.pem" --key "$certs/wrong.key"; then
	s_client -starttls pop3
	crc=$?
	finish
	need "exit 0 (got $status)" eq "$status" 0
	need "s_client failed" test "$crc" -ne 0
	need "says handshake failed" has "$tmp/err" "handshake failed"
fi
result "wrong-name certificate rejected after starttls, then close: exit 0"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
