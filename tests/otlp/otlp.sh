#!/usr/bin/env bash
# tests/otlp/otlp.sh - mailtrace --otlp against a collector of the test's
# own (tests/otlp/collector.py) and the fake server: every body checked
# against OpenTelemetry's schema (tests/otlp/check.py, Debian's
# python3-opentelemetry-proto); a session's spans and attributes; a failed
# session's error status and exception class; retries after 503 (and
# Retry-After); a refusal and a collector that never answers said on
# stderr within the probe's timeout, the run kept; a batch's runs one trace
# each; bad URLs; no password in anything sent.
# SPDX-License-Identifier: BSD-2-Clause
# usage: otlp.sh MAILTRACE FAKESRV OUTDIR
set -u
MT=$1 FAKE=$2 OUT=$3/otlp
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_DB SSLKEYLOGFILE
# (the Debian interpreter: it has the Debian package's modules)
PY=/usr/bin/python3
SECRET="Otlp-S3cret-$RANDOM"
echo "$SECRET" >"$OUT/pw"
SCRIPT=$here/../../tools/demo/pop3-demo.script
sed 's/^expect "USER demo"$/expect-prefix "USER "/' "$SCRIPT" >"$OUT/pop3.script"

# collector NAME COUNT [MODE ARGS]: sets cport, cfd
collector() {
	local name=$1
	shift
	cdir=$OUT/$name
	mkdir -p "$OUT/$name"
	exec {cfd}< <("$PY" "$here/collector.py" "$OUT/$name" "$@" 2>"$OUT/$name/collector.err"; echo "collector-exit $?")
	cport=""
	read -r -t 20 -u "$cfd" cport
}
collector_end() {
	local l
	kill -TERM "$(cat "$cdir/pid")" 2>/dev/null
	while read -r -t 30 -u "$cfd" l; do :; done
}
# fake N: the fake server for N sessions; sets port, ffd
fake() {
	exec {ffd}< <("$FAKE" --script "$OUT/pop3.script" --connections "$1" \
	    --parallel "$1" --timeout 60 2>>"$OUT/fakesrv.err"; echo "fakesrv-exit $?")
	port=""
	read -r -t 20 -u "$ffd" port
}
fake_end() { local l; while read -r -t 30 -u "$ffd" l; do :; done; }
probe() {
	local name=$1
	shift
	# (the demo script's session: UIDL and RETR of each message)
	"$MT" pop3 --db "$OUT/$name.db" --password-file "$OUT/pw" --uidl \
	    --retr all "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
}
checked() { "$PY" "$here/check.py" "$@" >"$OUT/check.out" 2>&1; }

# --- a session, at the advanced level --------------------------------
collector ok 1
fake 1
probe ok --level advanced --otlp "http://127.0.0.1:$cport" "pop3://demo@127.0.0.1:$port"
fake_end
collector_end
T_SHOW=$OUT/ok.err
check "ok: exit 0" test "$(cat "$OUT/ok.rc")" = 0
check "ok: nothing on stderr" test ! -s "$OUT/ok.err"
T_SHOW=$OUT/ok/posts.log
check "ok: one POST of JSON to /v1/traces (the path added)" \
    test "$(cut -d' ' -f2,3 "$OUT/ok/posts.log")" = "/v1/traces application/json"
checked "$OUT/ok/1.json"
check "ok: OpenTelemetry's schema takes it, every rule holds" test $? = 0
T_SHOW=$OUT/check.out
check "ok: one trace, the run's session, its server" \
    has "$OUT/check.out" "^trace run=1 session=1 spans=[0-9]+ status=0 error=- server=127.0.0.1:$port root=pop3 session "
check "ok: a span per API block and step, in order" \
    has "$OUT/check.out" " names=Store.connect,pop3 fetch,connect-mail-server,CAPA,USER,PASS,Folder.open,STAT,pop3 fetchall,UIDL,LIST,LIST,RETR,RETR,Folder.close,QUIT,pop3 term$"
"$PY" - "$OUT/ok/1.json" >"$OUT/ok.attrs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["resourceSpans"][0]["scopeSpans"][0]["spans"]:
    a = {kv["key"]: list(kv["value"].values())[0] for kv in s["attributes"]}
    print(s["name"], a.get("mailtrace.event", ""), a.get("mailtrace.command", ""),
          a.get("mailtrace.reply.code", ""), a.get("mailtrace.reply.text", ""))
PY
T_SHOW=$OUT/ok.attrs
check "ok: a step's event, command and reply" has "$OUT/ok.attrs" "^RETR 0xAD8F RETR 1 \+OK 69 octets$"
check "ok: PASS is a step, its command masked as in the records" has "$OUT/ok.attrs" "^PASS 0xAD91 PASS \+OK Logged in\.$"

# --- a failed session ---------------------------------------------------
collector fail 1
probe fail --otlp "http://127.0.0.1:$cport/v1/traces" "pop3://demo@127.0.0.1:1"
collector_end
check "fail: exit 1" test "$(cat "$OUT/fail.rc")" = 1
checked "$OUT/fail/1.json"
T_SHOW=$OUT/check.out
check "fail: the schema takes it" test $? = 0
check "fail: status ERROR with the exception class" \
    has "$OUT/check.out" "^trace run=1 session=1 spans=[0-9]+ status=2 error=java.net.ConnectException "

# --- retries: 503 twice, the first with Retry-After: 0 ------------------
collector busy 1 busy 2
fake 1
probe busy --otlp "http://127.0.0.1:$cport" "pop3://demo@127.0.0.1:$port"
fake_end
collector_end
T_SHOW=$OUT/busy.err
check "busy: exit 0, nothing said" test "$(cat "$OUT/busy.rc")" = 0 -a ! -s "$OUT/busy.err"
check "busy: three posts, the third kept" test "$(grep -c . "$OUT/busy/posts.log")" = 3 -a -s "$OUT/busy/1.json"

# --- refused: said, the run kept and not failed for it -------------------
collector refuse 1 refuse
fake 1
probe refuse --otlp "http://127.0.0.1:$cport" "pop3://demo@127.0.0.1:$port"
fake_end
collector_end
T_SHOW=$OUT/refuse.err
check "refuse: exit 0 (the session succeeded)" test "$(cat "$OUT/refuse.rc")" = 0
check "refuse: one line saying why" \
    test "$(grep -c . "$OUT/refuse.err")" = 1 -a -n "$(grep -E "^mailtrace: --otlp http://127.0.0.1:$cport/v1/traces: run 1 not exported: HTTP 400: bad request: no spans here$" "$OUT/refuse.err")"
check "refuse: not tried again" test "$(grep -c . "$OUT/refuse/posts.log")" = 1
"$MT" show --db "$OUT/refuse.db" >"$OUT/refuse.show" 2>&1
check "refuse: the run is stored" has "$OUT/refuse.show" "  0xAD87  A  rc=0  "

# --- a collector that never answers: the probe's --timeout bounds it ----
collector hang 1 hang
fake 1
probe hang --timeout 500 --otlp "http://127.0.0.1:$cport" "pop3://demo@127.0.0.1:$port"
fake_end
collector_end
T_SHOW=$OUT/hang.err
check "hang: exit 0" test "$(cat "$OUT/hang.rc")" = 0
check "hang: the export gave up, said" has "$OUT/hang.err" "^mailtrace: --otlp .*: run 1 not exported: timed out$"

# --- batch: every run its own trace -------------------------------------
collector batch 3
fake 3
for i in 1 2 3; do
	echo "pop3 --password-file $OUT/pw --uidl --retr all pop3://demo$i@127.0.0.1:$port"
done >"$OUT/batch.txt"
"$MT" batch --db "$OUT/batch.db" --otlp "http://127.0.0.1:$cport" "$OUT/batch.txt" >"$OUT/batch.out" 2>"$OUT/batch.err"
echo $? >"$OUT/batch.rc"
fake_end
collector_end
T_SHOW=$OUT/batch.out
check "batch: exit 0" test "$(cat "$OUT/batch.rc")" = 0
checked "$OUT"/batch/[123].json
T_SHOW=$OUT/check.out
check "batch: the schema takes all three" test $? = 0
check "batch: runs 1, 2 and 3, one trace each" \
    test "$(sed -n 's/^trace run=\([0-9]*\) .*/\1/p' "$OUT/check.out" | sort | tr '\n' ' ')" = "1 2 3 "
check "batch: three trace ids" \
    test "$(grep -ho '"traceId":"[0-9a-f]*"' "$OUT"/batch/[123].json | sort -u | wc -l)" = 3

# --- bad URLs -------------------------------------------------------------
for u in "ftp://127.0.0.1/" "http://" "http://user:pw-$SECRET@127.0.0.1/" "http://127.0.0.1/a b"; do
	"$MT" pop3 --password-file "$OUT/pw" --otlp "$u" "pop3://demo@127.0.0.1:1" >"$OUT/url.out" 2>"$OUT/url.err"
	rc=$?
	T_SHOW=$OUT/url.err
	check "bad URL ${u%%@*}...: exit 2, one line" test "$rc" = 2 -a "$(grep -c . "$OUT/url.err")" = 1
	check "bad URL: no secret echoed" test -z "$(grep -F -- "$SECRET" "$OUT/url.err")"
done

check "no password in anything sent or said" \
    test -z "$(grep -rlaF -e "$SECRET" "$OUT"/*/*.json "$OUT"/*.err "$OUT"/*.out)"
t_done
