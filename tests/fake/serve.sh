#!/usr/bin/env bash
# tests/fake/serve.sh - `mailtrace serve SCRIPT`: the fake server as a
# mailtrace command (tools/fakesrv.c built as mailtrace-serve): a probe
# against a user's script, a script the client does not follow, and the
# usage errors, all with "mailtrace serve:" messages.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: serve.sh MAILTRACE OUTDIR
set -u
MT=$1 OUT=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
printf 'secret-pw\n' >"$OUT/pw"

cat >"$OUT/pop3.script" <<'S'
# a POP3 server that knows bob
send "+OK fake POP3 ready\r\n"
expect "CAPA"
send "+OK\r\nUSER\r\n.\r\n"
expect "USER bob"
send "+OK\r\n"
auth-begin
expect-prefix "PASS "
auth-end
send "+OK Logged in.\r\n"
expect "STAT"
send "+OK 2 320\r\n"
expect "QUIT"
send "+OK bye\r\n"
close
S

# serve NAME ARGS...: start `mailtrace serve ARGS` and read its port (no
# sleeping); the exit status arrives on the same pipe as "serve-exit N".
serve() {
	local name=$1
	shift
	exec {sfd}< <("$MT" serve "$@" 2>"$OUT/$name.err"; echo "serve-exit $?")
	port=""
	read -r -t 10 -u "$sfd" port
}
# ended: the server's exit status
ended() {
	local line=""
	read -r -t 20 -u "$sfd" line
	echo "${line#serve-exit }"
}

serve ok "$OUT/pop3.script"
check "mailtrace serve SCRIPT prints the port it listens on" test -n "$port" -a "$port" -gt 0 2>/dev/null
"$MT" pop3 --password-file "$OUT/pw" "pop3://bob@127.0.0.1:$port" >"$OUT/ok.out" 2>"$OUT/ok.err"
check "a probe against it exits 0" test $? = 0
check "the probe saw the script's STAT reply" has "$OUT/ok.out" "0xAD85  A  rc=0  --"
check "mailtrace serve exits 0 once its one connection is served" test "$(ended)" = 0
check "nothing on its stderr" test ! -s "$OUT/ok.err"

serve alice "$OUT/pop3.script" --connections 1
"$MT" pop3 --password-file "$OUT/pw" "pop3://alice@127.0.0.1:$port" >"$OUT/alice.out" 2>&1
check "a client off the script: the probe fails (exit 1)" test $? = 1
check "mailtrace serve exits 3 on a mismatch" test "$(ended)" = 3
check "its stderr names the script line, the expected and the received line" \
    test -n "$(grep -E '^mailtrace serve: .*pop3\.script:5: expect did not match$' "$OUT/alice.err")" -a \
    -n "$(grep -Fx 'mailtrace serve:   received: "USER alice"' "$OUT/alice.err")"
check "the password is never on its stderr" hasnt "$OUT/alice.err" "secret-pw"

"$MT" serve >"$OUT/none.out" 2>"$OUT/none.err"
check "no script: exit 2 and the usage" test $? = 2 -a -n "$(grep '^usage: mailtrace serve ' "$OUT/none.err")"
"$MT" serve --bogus "$OUT/pop3.script" >/dev/null 2>"$OUT/bogus.err"
check "an unknown option: exit 2, named" test $? = 2 -a -n "$(grep '^mailtrace serve: --bogus: an unknown option' "$OUT/bogus.err")"
"$MT" serve --listen 192.0.2.1 "$OUT/pop3.script" >/dev/null 2>"$OUT/listen.err"
check "a non-loopback --listen: exit 2" test $? = 2 -a -n "$(grep '^mailtrace serve: ' "$OUT/listen.err")"
"$MT" serve "$OUT/missing.script" >/dev/null 2>"$OUT/missing.err"
check "a missing script: exit 2, named" test $? = 2 -a -n "$(grep "^mailtrace serve: .*missing\.script" "$OUT/missing.err")"
"$MT" serve $(for i in $(seq 17); do printf '%s ' "$OUT/pop3.script"; done) >/dev/null 2>"$OUT/many.err"
check "17 scripts: exit 2, at most 16" test $? = 2 -a -n "$(grep -x 'mailtrace serve: at most 16 scripts' "$OUT/many.err")"
"$MT" serve --help >"$OUT/help.out" 2>&1
check "--help: exit 0, the usage on stdout" test $? = 0 -a -n "$(grep '^usage: mailtrace serve ' "$OUT/help.out")"
t_done
