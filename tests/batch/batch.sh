#!/usr/bin/env bash
# tests/batch/batch.sh - mailtrace batch against the fake server: the
# file's checks (nothing runs when a line is bad), result and summary
# lines, exit statuses, a failing and a timing-out session beside good
# ones, the per-login and per-server limits (measured from the stored
# runs' times), rounds and their interval, SIGINT, and 1,000 sessions in
# flight in one process within a memory bound.
# SPDX-License-Identifier: BSD-2-Clause
# usage: batch.sh MAILTRACE FAKESRV OUTDIR SANITIZED(0|1)
set -u
MT=$1 FAKE=$2 OUT=$3/batch SAN=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_DB SSLKEYLOGFILE
echo demo >"$OUT/pw"
SCRIPT=$here/../../tools/demo/pop3-demo.script
# (ASan says once that it does not fully support swapcontext)
san_filter() { grep -v "ASan doesn't fully support makecontext/swapcontext" "$1" >"$1.f"; mv "$1.f" "$1"; }

# fake NAME N PAR ARGS...: fakesrv serving N connections, PAR at once;
# sets port, fpid, ffd.
fake() {
	local name=$1 n=$2 par=$3
	shift 3
	exec {ffd}< <("$FAKE" "$@" --connections "$n" --parallel "$par" \
	    --timeout 120 2>"$OUT/$name.fakesrv.err"; echo "fakesrv-exit $?")
	fpid=$!
	port=""
	read -r -t 20 -u "$ffd" port
}
# fake_end: wait for fakesrv; sets fake_rc.
fake_end() {
	local l
	fake_rc=""
	while read -r -t 60 -u "$ffd" l; do
		case $l in "fakesrv-exit "*) fake_rc=${l#fakesrv-exit } ;; esac
	done
}
# batch NAME ARGS...: mailtrace batch; NAME.out, NAME.err, NAME.rc
batch() {
	local name=$1
	shift
	"$MT" batch "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	san_filter "$OUT/$name.err"
}
line() { printf 'pop3 --password-file %s --uidl --retr all pop3://demo@127.0.0.1:%s\n' "$OUT/pw" "$1"; }

# --- the file is checked before anything runs --------------------------
batch nofile --db "$OUT/none.db"
T_SHOW=$OUT/nofile.err
check "no file: exit 2" test "$(cat "$OUT/nofile.rc")" = 2
check "no file: said" has "$OUT/nofile.err" "^mailtrace: batch: the file is missing"
batch missing --db "$OUT/none.db" "$OUT/does-not-exist"
check "a missing file: exit 2" test "$(cat "$OUT/missing.rc")" = 2
T_SHOW=$OUT/missing.err
check "a missing file: its name and why" has "$OUT/missing.err" "does-not-exist: No such file or directory"
{
	echo "# a comment, then a blank line"
	echo
	line 1
	echo "pop3 --password-file '$OUT/pw pop3://demo@127.0.0.1:1"
	echo "imap pop3://demo@127.0.0.1:1"
	echo "pop3 --db $OUT/other.db --password-file $OUT/pw pop3://demo@127.0.0.1:1"
	echo "pop3 --format jsonl --password-file $OUT/pw pop3://demo@127.0.0.1:1"
	echo "pop3 --password-file $OUT/nosuch.pw pop3://demo@127.0.0.1:1"
	echo "pop3 --retr none --password-file $OUT/pw pop3://demo@127.0.0.1:1"
	printf 'pop3 pop3://demo@127.0.0.1:1\r\n'
} >"$OUT/bad.txt"
batch bad --db "$OUT/bad.db" "$OUT/bad.txt"
T_SHOW=$OUT/bad.err
check "bad lines: exit 2" test "$(cat "$OUT/bad.rc")" = 2
check "bad lines: the quote, with file and line" has "$OUT/bad.err" "^mailtrace: $OUT/bad.txt line 4: an unterminated ' quote$"
check "bad lines: not a probe command" has "$OUT/bad.err" "line 5: \"imap\" is not a probe command"
check "bad lines: --db is the batch's" has "$OUT/bad.err" "line 6: --db is the batch's own"
check "bad lines: no --format" has "$OUT/bad.err" "line 7: a batch stores its runs .* no --format"
check "bad lines: a missing password file" has "$OUT/bad.err" "line 8: .*nosuch.pw"
check "bad lines: a bad option value" has "$OUT/bad.err" "line 9: --retr"
check "bad lines: a password missing (CRLF line ends are fine)" has "$OUT/bad.err" "line 10: .*password"
check "bad lines: the count, and nothing run" has "$OUT/bad.err" "7 bad lines; nothing was run$"
check "bad lines: nothing on stdout" test ! -s "$OUT/bad.out"
check "bad lines: no store made" test ! -e "$OUT/bad.db"
printf '# only comments\n\n' >"$OUT/empty.txt"
batch empty --db "$OUT/bad.db" "$OUT/empty.txt"
check "no probe lines: exit 2" test "$(cat "$OUT/empty.rc")" = 2
batch badopt --concurrency 0 "$OUT/empty.txt"
check "--concurrency 0: exit 2" test "$(cat "$OUT/badopt.rc")" = 2
batch badint --interval 1.5s "$OUT/empty.txt"
T_SHOW=$OUT/badint.err
check "--interval 1.5s: said" has "$OUT/badint.err" "^mailtrace: --interval: \"1.5s\" is not a number of seconds"

# --- good, refused and silent sessions side by side -------------------
fake good 3 3 --script "$SCRIPT"
gport=$port
hang_script=$OUT/hang.script
echo hang >"$hang_script"
fake_pid_good=$fpid ffd_good=$ffd
fake hang 1 1 --script "$hang_script"
{
	line "$gport"
	line "$gport"
	echo "pop3 --password-file $OUT/pw pop3://demo@127.0.0.1:1"
	echo "pop3 --timeout 300 --password-file $OUT/pw pop3://demo@127.0.0.1:$port"
	line "$gport"
} >"$OUT/mixed.txt"
batch mixed --db "$OUT/mixed.db" "$OUT/mixed.txt"
fake_end
ffd=$ffd_good
fake_end
check "mixed: the fake server saw three good sessions" test "$fake_rc" = 0
T_SHOW=$OUT/mixed.out
check "mixed: exit 1 (two sessions failed)" test "$(cat "$OUT/mixed.rc")" = 1
check "mixed: five result lines" count "$OUT/mixed.out" "^(ok|FAILED) +line " 5
check "mixed: three ok" count "$OUT/mixed.out" "^ok +line [125]  round 1  run [0-9]+  [0-9.]+ ms  pop3 pop3://demo@127.0.0.1:$gport$" 3
check "mixed: the refused one failed" has "$OUT/mixed.out" "^FAILED  line 3  round 1  run [0-9]+  .* pop3 pop3://demo@127.0.0.1:1  \(exit 1\)$"
check "mixed: the silent one failed" has "$OUT/mixed.out" "^FAILED  line 4  round 1  run [0-9]+  .*  \(exit 1\)$"
check "mixed: the summary" has "$OUT/mixed.out" "^batch: 5 sessions \(5 lines, 1 round\): 3 ok, 2 failed; [0-9.]+ s; at most 5 at once; runs 1-5$"
T_SHOW=$OUT/mixed.err
check "mixed: why the refused one failed, with its line and run" has "$OUT/mixed.err" "^mailtrace: batch line 3, run [0-9]+: pop3://demo@127.0.0.1:1: connect to 127.0.0.1:1: Connection refused \(java.net.ConnectException\)$"
check "mixed: the silent one timed out on its own timeout" has "$OUT/mixed.err" "^mailtrace: batch line 4, run [0-9]+: .*read timed out after 300 ms \(java.net.SocketTimeoutException\)$"
"$MT" runs --db "$OUT/mixed.db" >"$OUT/mixed.runs" 2>&1
T_SHOW=$OUT/mixed.runs
check "mixed: five runs stored" test "$(grep -c 'pop3://demo@127.0.0.1' "$OUT/mixed.runs")" = 5
"$MT" show --db "$OUT/mixed.db" --run 1 >"$OUT/mixed.show1" 2>&1
T_SHOW=$OUT/mixed.show1
check "mixed: a good run's trace has its RETR steps" count "$OUT/mixed.show1" "  0xAD8F  A  rc=0  RETR [12]  opr=\+OK" 2
secret=$(cat "$OUT/pw")
check "mixed: the password is in no output or store" test -z "$(grep -rlaF -e "PASS $secret" "$OUT"/mixed.*)"

# --- limits: at most N in flight per login, per server ---------------
for spec in "login3:--per-login 3:3" "nolimit:--per-login 0:8" "server2:--per-server 2 --per-login 0:2"; do
	name=${spec%%:*} rest=${spec#*:}
	opts=${rest%:*} want=${rest##*:}
	fake "$name" 8 8 --script "$SCRIPT"
	for i in 1 2 3 4 5 6 7 8; do line "$port"; done >"$OUT/$name.txt"
	# shellcheck disable=SC2086
	batch "$name" --db "$OUT/$name.db" -c 8 $opts "$OUT/$name.txt"
	fake_end
	T_SHOW=$OUT/$name.out
	check "$name: eight sessions ok" has "$OUT/$name.out" "^batch: 8 sessions .*: 8 ok, 0 failed"
	got=$(python3 "$here/overlap.py" "$OUT/$name.db")
	echo "# $name: at most $got runs at once (want $want)"
	check "$name: $want sessions in flight at most, and that many at once" test "$got" = "$want"
done

# --- rounds --------------------------------------------------------
fake rounds 6 2 --script "$SCRIPT"
{ line "$port"; line "$port"; } >"$OUT/rounds.txt"
batch rounds --db "$OUT/rounds.db" --repeat 3 --interval 0.2 "$OUT/rounds.txt"
fake_end
T_SHOW=$OUT/rounds.out
check "rounds: exit 0" test "$(cat "$OUT/rounds.rc")" = 0
check "rounds: six sessions in three rounds" has "$OUT/rounds.out" "^batch: 6 sessions \(2 lines, 3 rounds\): 6 ok, 0 failed"
check "rounds: each round's lines" count "$OUT/rounds.out" "^ok +line [0-9]+  round 3  " 2
gaps=$(python3 - "$OUT/rounds.db" <<'PY'
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "SELECT started, finished FROM runs ORDER BY id").fetchall()
rounds = [r[i:i + 2] for i in range(0, 6, 2)]
ok = True
for a, b in zip(rounds, rounds[1:]):
    # the next round starts after the last ended, >= 0.2 s after the last began
    ok &= min(s for s, _ in b) >= max(f for _, f in a)
    # (a run begins a little after its round: 5 ms of slack)
    ok &= min(s for s, _ in b) - min(s for s, _ in a) >= 195000
print("yes" if ok else "no")
PY
)
check "rounds: a round starts after the last one ended, 0.2 s after it began" test "$gaps" = yes

# --- SIGINT: the session in flight ends as stopped, no more start -------
fake sigok 1 1 --script "$SCRIPT"
okport=$port ffd_ok=$ffd
fake sighang 1 1 --script "$hang_script"
{ line "$okport"; echo "pop3 --timeout 0 --max-time 0 --password-file $OUT/pw pop3://demo@127.0.0.1:$port"; } >"$OUT/sig.txt"
exec {bfd}< <(exec "$MT" batch --db "$OUT/sig.db" --repeat 2 "$OUT/sig.txt" 2>"$OUT/sig.err")
bpid=$!
: >"$OUT/sig.out"
seen=""
while read -r -t 30 -u "$bfd" l; do
	printf '%s\n' "$l" >>"$OUT/sig.out"
	case $l in "ok "*) seen=1; break ;; esac
done
check "sig: the good session ended first" test -n "$seen"
kill -INT "$bpid"
while read -r -t 30 -u "$bfd" l; do printf '%s\n' "$l" >>"$OUT/sig.out"; done
wait "$bpid"
echo $? >"$OUT/sig.rc"
san_filter "$OUT/sig.err"
fake_end
ffd=$ffd_ok
fake_end
T_SHOW=$OUT/sig.out
check "sig: exit 130" test "$(cat "$OUT/sig.rc")" = 130
check "sig: the silent session ended, stopped" has "$OUT/sig.out" "^FAILED  line 2  round 1  run 2  .*  \(exit 130\)$"
check "sig: the second round never started" has "$OUT/sig.out" "^batch: 2 sessions \(2 lines, 1 round\): 1 ok, 1 failed, 2 not started;"
T_SHOW=$OUT/sig.err
check "sig: why, for its line" has "$OUT/sig.err" "^mailtrace: batch line 2, run 2: .*interrupted by a signal"
python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT group_concat(exit_status) FROM runs ORDER BY id").fetchone()[0])' \
    "$OUT/sig.db" >"$OUT/sig.status" 2>&1
T_SHOW=$OUT/sig.status
check "sig: the stopped run is stored as ended by the signal (exit 130)" test "$(cat "$OUT/sig.status")" = "0,130"

# --- 1,000 sessions in flight in one process --------------------------
N=1000
fake many $N $N --script "$SCRIPT"
for i in $(seq $N); do line "$port"; done >"$OUT/many.txt"
batch many --db "$OUT/many.db" -c $N --per-login 0 --stats -q "$OUT/many.txt"
fake_end
T_SHOW=$OUT/many.out
check "many: $N sessions ok" has "$OUT/many.out" "^batch: $N sessions \($N lines, 1 round\): $N ok, 0 failed; [0-9.]+ s; at most $N at once; runs 1-$N$"
check "many: no result lines (-q)" count "$OUT/many.out" "." 1
check "many: the fake server saw every session through" test "$fake_rc" = 0
T_SHOW=$OUT/many.err
check "many: the stats line" has "$OUT/many.err" "^batch stats: tasks $N, "
mem=$(sed -n 's/.*peak memory \([0-9]*\) MiB.*/\1/p' "$OUT/many.err")
deep=$(sed -n 's/.*deepest stack \([0-9]*\) KiB of \([0-9]*\).*/\1 \2/p' "$OUT/many.err")
echo "# many: peak memory ${mem:-?} MiB, deepest stack ${deep:-?} KiB"
check "many: the deepest stack is under half of a task's" test -n "$deep" -a "${deep% *}" -lt $(( ${deep#* } / 2 ))
if [ "$SAN" = 1 ]; then
	echo "# many: the memory bound is not checked under ASan (its redzones and quarantine)"
else
	check "many: peak memory under 160 MiB with $N in flight" test -n "$mem" -a "${mem:-999}" -lt 160
fi
t_done
