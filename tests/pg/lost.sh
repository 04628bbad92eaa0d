#!/usr/bin/env bash
# tests/pg/lost.sh - the PostgreSQL store's failures (issue 15), on a
# server of its own (tests/pg/start.sh): the server stopped in the middle
# of a probe's run (the run fails with one clear line, exit 1, and what was
# committed stays: the run, unfinished, and the records before the stop);
# a server that is not there (exit 2 with libpq's reason, for a probe and
# for a reader); URLs with a password (refused, never repeated), malformed,
# a database not in SQL_ASCII; MAILTRACE_DB as the URL.
# SPDX-License-Identifier: BSD-2-Clause
# usage: lost.sh MAILTRACE OUTDIR
set -u
MT=$1 OUT=$2/pg-lost
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_DB
printf '%s\n' "lost-S3cret-$$" >"$OUT/pw"

bash "$here/start.sh" "$OUT/srv" >"$OUT/start.out" 2>&1
ok $? "a PostgreSQL server of the test's own" "$OUT/start.out"
trap 'bash "$here/stop.sh" "$OUT/srv" >/dev/null 2>&1' EXIT
set -a
. "$OUT/srv/env"
set +a
if [ "$(id -u)" = 0 ]; then as="runuser -u postgres --"; else as=; fi
q() { psql -X -A -t -v ON_ERROR_STOP=1 "$PG_URL" -c "$1" 2>&1; }
# one_line FILE: FILE is one line
one_line() { [ "$(wc -l <"$1")" = 1 ]; }

# --- the server stopped in the middle of a run ---
exec {sfd}< <(python3 "$here/stopper.py" $as "$PG_BIN/pg_ctl" -D "$PG_BASE/data" \
    -m fast -w -t 30 stop 2>"$OUT/stopper.err")
read -r -t 10 -u "$sfd" port
check "the stopping POP3 server listens" test -n "${port##*[!0-9]*}"
"$MT" pop3 --db "$PG_URL" --password-file "$OUT/pw" --level advanced --format jsonl \
    "pop3://bob@127.0.0.1:$port" >"$OUT/run.jsonl" 2>"$OUT/run.err"
rc=$?
read -r -t 30 -u "$sfd" stopped
check "the server was stopped mid-run ($stopped)" test "$stopped" = "stopped 0"
T_SHOW=$OUT/run.err
check "the run failed: exit 1 (got $rc)" test "$rc" = 1
check "one line on stderr" one_line "$OUT/run.err"
check "it says the connection is lost, and the store's URL" \
    has "$OUT/run.err" "recording the trace failed: store $PG_URL: .*: the connection to the server is lost \\(.*terminating connection"
check "no password in it" hasnt "$OUT/run.err" 'S3cret'

# --- a server that is not there ---
"$MT" pop3 --db "$PG_URL" --password-file "$OUT/pw" "pop3://bob@127.0.0.1:1" >"$OUT/gone.out" 2>"$OUT/gone.err"
rc=$?
T_SHOW=$OUT/gone.err
check "a probe with the server gone: exit 2 (got $rc)" test "$rc" = 2
check "one line: cannot connect, libpq's reason" sh -c \
    "[ \"\$(wc -l <'$OUT/gone.err')\" = 1 ] && grep -q 'store $PG_URL: cannot connect: .*Connection refused' '$OUT/gone.err'"
check "nothing on stdout" test ! -s "$OUT/gone.out"
MAILTRACE_DB=$PG_URL "$MT" runs >"$OUT/gone-runs.out" 2>"$OUT/gone-runs.err"
rc=$?
T_SHOW=$OUT/gone-runs.err
check "runs (MAILTRACE_DB) with the server gone: exit 2, one line (got $rc)" test "$rc" = 2
check "... with libpq's reason" has "$OUT/gone-runs.err" 'cannot connect: .*Connection refused'

# --- what was committed stays ---
$as "$PG_BIN/pg_ctl" -D "$PG_BASE/data" -l "$PG_BASE/pg.log" -w -t 30 start >"$OUT/restart.out" 2>&1
ok $? "the server started again" "$OUT/restart.out"
run=$(sed -n '1s/^{"run":\([0-9]*\),.*/\1/p' "$OUT/run.jsonl")
check "the run ($run) is there, unfinished" test \
    "$(q "SELECT count(*) FROM runs WHERE id = ${run:-0} AND finished IS NULL")" = 1
"$MT" show --db "$PG_URL" --run "${run:-0}" --format jsonl >"$OUT/kept.jsonl" 2>"$OUT/kept.err"
kept=$(wc -l <"$OUT/kept.jsonl")
printed=$(wc -l <"$OUT/run.jsonl")
T_SHOW=$OUT/kept.jsonl
check "the records committed before the stop are kept ($kept of $printed printed)" \
    test "$kept" -ge 5 -a "$kept" -lt "$printed"
check "... exactly as they were printed" sh -c 'head -n "$1" "$2" | cmp -s - "$3"' sh \
    "$kept" "$OUT/run.jsonl" "$OUT/kept.jsonl"
MAILTRACE_DB=$PG_URL "$MT" runs >"$OUT/runs.out" 2>&1
T_SHOW=$OUT/runs.out
check "runs lists it as unfinished" has "$OUT/runs.out" "^$run .* unfinished "
check "show says so" has "$OUT/kept.err" "run $run is unfinished"

# --- URLs ---
host=${PG_URL#postgresql://mailtrace@}
"$MT" runs --db "postgresql://mailtrace:pw-S3cret@$host" >"$OUT/pw1.out" 2>&1
rc=$?
T_SHOW=$OUT/pw1.out
check "a password in the URL: exit 2 (got $rc)" test "$rc" = 2
check "... refused, and not repeated" sh -c "grep -q 'must not carry a password' '$OUT/pw1.out' && ! grep -q S3cret '$OUT/pw1.out'"
"$MT" pop3 --db "postgresql://mailtrace@$host?password=pw-S3cret" --password-file "$OUT/pw" \
    "pop3://bob@127.0.0.1:1" >"$OUT/pw2.out" 2>&1
rc=$?
T_SHOW=$OUT/pw2.out
check "a password parameter: exit 2, refused, not repeated" sh -c \
    "[ $rc = 2 ] && grep -q 'must not carry a password' '$OUT/pw2.out' && ! grep -q S3cret '$OUT/pw2.out'"
"$MT" runs --db "postgresql://[oops" >"$OUT/bad.out" 2>&1
rc=$?
T_SHOW=$OUT/bad.out
check "a malformed URL: exit 2, one line, libpq's reason (got $rc)" sh -c \
    "[ $rc = 2 ] && [ \"\$(wc -l <'$OUT/bad.out')\" = 1 ] && grep -q 'not a PostgreSQL URL' '$OUT/bad.out'"
"$MT" pop3 --db "${PG_URL%/*}/utf8" --password-file "$OUT/pw" "pop3://bob@127.0.0.1:1" \
    >"$OUT/utf8.out" 2>&1
rc=$?
T_SHOW=$OUT/utf8.out
check "a UTF-8 database: exit 2, SQL_ASCII asked for (got $rc)" sh -c \
    "[ $rc = 2 ] && grep -q 'encoding is UTF8.*SQL_ASCII' '$OUT/utf8.out'"
PGPASSFILE=$OUT/none "$MT" runs --db "$PG_URL" >"$OUT/nopw.out" 2>&1
rc=$?
T_SHOW=$OUT/nopw.out
check "no password file: exit 2, the server's refusal (got $rc)" sh -c \
    "[ $rc = 2 ] && grep -qi 'password' '$OUT/nopw.out'"
t_done
