#!/usr/bin/env bash
# tests/check/tls.sh - the check's tls kind on probes of the fake server
# (POP3S): a baseline made against the server certificate of the test CA,
# then a run against a self-signed certificate (under --insecure, which
# records the verification without enforcing it) checked against it with
# --run: exit 1, the issuer and the verification reported as tls
# differences; a run against the first certificate again is clean; the
# baseline file carries the facts through export, delete and import; no
# secret anywhere.
# SPDX-License-Identifier: BSD-2-Clause
# usage: tls.sh MAILTRACE FAKESRV CERTDIR OUTDIR
set -u
MT=$1 FAKE=$2 CERTS=$3 OUT=$4/check-tls
here=$(cd "$(dirname "$0")" && pwd)
S=$here/scripts
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
secret=tls-S3cret-$$
printf '%s\n' "$secret" >"$OUT/pw"

# probe NAME CERT ARGS...: one POP3S session against a fake server of its
# own showing CERT; the probe's output in NAME.out, its exit in NAME.rc.
probe() {
	local name=$1 cert=$2 port l st=""
	shift 2
	exec {ffd}< <("$FAKE" --script "$S/pop3s.script" --implicit-tls \
	    --cert "$CERTS/$cert.pem" --key "$CERTS/$cert.key" --timeout 20 \
	    2>"$OUT/$name.fake.err"; echo "fakesrv-exit $?")
	read -r -t 10 -u "$ffd" port
	"$MT" pop3 --password-file "$OUT/pw" "$@" "pop3s://bob@localhost:$port" \
	    >"$OUT/$name.out" 2>"$OUT/$name.err"
	echo $? >"$OUT/$name.rc"
	while read -r -t 10 -u "$ffd" l; do
		case $l in "fakesrv-exit "*) st=${l#fakesrv-exit } ;; esac
	done
	exec {ffd}<&-
	T_SHOW=$OUT/$name.out
	check "$name: the probe exits 0 and the fake server played its session" \
	    test "$(cat "$OUT/$name.rc")" = 0 -a "$st" = 0
}

probe base server --cafile "$CERTS/ca.pem"
check "base: the connection fetch carries the facts, verified" \
    has "$OUT/base.out" '0xAD83  A  rc=0  --  .*cert_issuer="CN=mailtrace test CA".*verify="ok"$'
"$MT" baseline save tlsmx >/dev/null 2>&1
check "baseline saved" test "$?" = 0

probe other untrusted --insecure
"$MT" check tlsmx --latency-min-ms 5000 --run 2 >"$OUT/other.chk" 2>"$OUT/other.chk.err"
rc=$?
T_SHOW=$OUT/other.chk
check "check against another certificate: exit 1 (got $rc)" test "$rc" = 1
check "the issuer changed" has "$OUT/other.chk" \
    '^tls step 3/3 0xAD83 "--": "issuer CN=mailtrace test CA" -> "issuer CN=localhost"$'
check "the verification changed (recorded under --insecure)" has "$OUT/other.chk" \
    '^tls step 3/3 0xAD83 "--": "verify ok" -> "verify self-signed certificate"$'
check "the subject did not change (CN=localhost both)" hasnt "$OUT/other.chk" '"subject '
check "nothing but tls differences" has "$OUT/other.chk" '^[23] differences: [23] tls$'
"$MT" check tlsmx --latency-min-ms 5000 --run 2 --format jsonl >"$OUT/other.jsonl" 2>&1
check "JSONL: the tls difference names its fact" has "$OUT/other.jsonl" \
    '^\{"kind":"tls","step":"--","event":"0xAD83","baseline_step":3,"now_step":3,"keyword":"verify","baseline":"verify ok","now":"verify self-signed certificate"\}$'

probe same server --cafile "$CERTS/ca.pem"
"$MT" check tlsmx --latency-min-ms 5000 --run 3 >"$OUT/same.chk" 2>&1
rc=$?
T_SHOW=$OUT/same.chk
check "check against the same certificate: exit 0 (got $rc), no difference" \
    test "$rc" = 0 -a "$(cat "$OUT/same.chk")" = "no difference"

# The baseline file keeps the facts: export, delete, import, the same check.
"$MT" baseline export tlsmx "$OUT/tlsmx.json" >/dev/null 2>&1
check "export: the connection fetch's step has its tls object" has "$OUT/tlsmx.json" \
    '"event":"0xAD83".*"tls":\{"tls_version":"TLSv1\.[23]",.*"cert_issuer":"CN=mailtrace test CA",.*"tls_verify":"ok"\}\}'
check "export: the other steps have tls null" has "$OUT/tlsmx.json" '"event":"0xAD82".*"tls":null\}'
"$MT" baseline delete tlsmx >/dev/null 2>&1
"$MT" baseline import "$OUT/tlsmx.json" >/dev/null 2>"$OUT/import.err"
check "import: exit 0" test "$?" = 0
"$MT" check tlsmx --latency-min-ms 5000 --run 2 >"$OUT/imported.chk" 2>&1
check "imported: the same differences" cmp "$OUT/other.chk" "$OUT/imported.chk"
"$MT" baseline export tlsmx "$OUT/tlsmx2.json" >/dev/null 2>&1
check "imported: exported again, the same steps" \
    cmp <(tail -n +2 "$OUT/tlsmx.json") <(tail -n +2 "$OUT/tlsmx2.json")
# A damaged tls member is refused, nothing stored.
sed 's/"tls_verified":true/"tls_verified":"yes"/' "$OUT/tlsmx.json" >"$OUT/bad.json"
"$MT" baseline import --name bad "$OUT/bad.json" >/dev/null 2>"$OUT/bad.err"
rc=$?
check "import of a damaged tls member: refused (exit $rc), names the step" \
    test "$rc" = 2 -a -n "$(grep -E 'step [0-9]+: not a baseline step' "$OUT/bad.err")"

check "no secret in any output or the store" \
    test -z "$(grep -rlaF "$secret" "$OUT"/*.out "$OUT"/*.chk "$OUT"/*.err "$OUT"/*.json "$MAILTRACE_DB"* 2>/dev/null)"
t_done
