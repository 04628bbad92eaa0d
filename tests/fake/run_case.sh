#!/usr/bin/env bash
# tests/fake/run_case.sh - one probe case against the scripted fake server.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: run_case.sh MAILTRACE FAKESRV CERTDIR OUTDIR CASE
#
# CASE is a fakesrv script (tools/fakesrv, docs/fakesrv.md) whose "#!"
# comment lines tell this runner what to do and expect:
#   #! command CMD      pop3 (default) or smtp
#   #! url URL          target; PORT is replaced (default pop3://bob@127.0.0.1:PORT,
#                       smtp://127.0.0.1:PORT for smtp)
#   #! args ARGS        mailtrace options (the password file is added when
#                       the target has a user); CERTS is replaced by CERTDIR,
#                       CASEDIR by the case file's directory (e.g. for
#                       smtp --data CASEDIR/NAME.msg)
#   #! server ARGS      extra fakesrv options; CERTS is replaced by CERTDIR
#   #! exit N           mailtrace's exit status (default 0)
#   #! expect REGEX     some line of the text trace matches (grep -E)
#   #! absent REGEX     no line of the text trace matches (a failed record's
#                       explanation="..." left aside: words of advice such as
#                       "authenticate", not what was sent; so for count)
#   #! expect-jsonl REGEX  some line of the run as JSONL (show) matches
#   #! secret TEXT      TEXT (a fixed string: client data a server echoes)
#                       is in no output: trace, stderr, store, show, JSONL
#   #! password TEXT    the password (default: a new one each run)
#   #! count N REGEX    exactly N lines of the text trace match
#   #! stderr REGEX     mailtrace's stderr matches
#   #! fakesrv N        fakesrv's exit status (default 0)
#   #! within SECONDS   mailtrace ends in less than SECONDS (wall clock,
#                       measured around the run: an upper bound, no sleep)
#   #! same             (not read here) decode.same-fake runs the case under
#                       a capture and requires the decoder to give back the
#                       probe's records (tests/decode/same_fake.sh)
# Every case also checks: the store gives back exactly what was printed,
# every line of the run as JSONL is a record (tests/jsonl_check.py), and
# the password appears in no output.
set -u
MT=$1 FAKE=$2 CERTS=$3 OUT=$4 CASE=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
name=$(basename "$CASE" .case)
OUT=$OUT/$name
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
secret=fake-S3cret-pw-$$

cmd=pop3 url="" args="" server="" want_exit=0 want_fake=0 within=""
expects=() absents=() stderrs=() counts=() jexpects=() secrets=()
while IFS= read -r line; do
	case $line in
	"#! command "*) cmd=${line#"#! command "} ;;
	"#! url "*) url=${line#"#! url "} ;;
	"#! args "*) args=${line#"#! args "} ;;
	"#! server "*) server=${line#"#! server "} ;;
	"#! exit "*) want_exit=${line#"#! exit "} ;;
	"#! fakesrv "*) want_fake=${line#"#! fakesrv "} ;;
	"#! within "*) within=${line#"#! within "} ;;
	"#! expect "*) expects+=("${line#"#! expect "}") ;;
	"#! absent "*) absents+=("${line#"#! absent "}") ;;
	"#! expect-jsonl "*) jexpects+=("${line#"#! expect-jsonl "}") ;;
	"#! secret "*) secrets+=("${line#"#! secret "}") ;;
	"#! password "*) secret=${line#"#! password "} ;;
	"#! count "*) counts+=("${line#"#! count "}") ;;
	"#! stderr "*) stderrs+=("${line#"#! stderr "}") ;;
	esac
done <"$CASE"
printf '%s\n' "$secret" >"$OUT/pw"
if [ -z "$url" ]; then
	if [ "$cmd" = smtp ]; then url=smtp://127.0.0.1:PORT; else url=pop3://bob@127.0.0.1:PORT; fi
fi
server=${server//CERTS/$CERTS}
args=${args//CERTS/$CERTS}
casedir=$(cd "$(dirname "$CASE")" && pwd)
args=${args//CASEDIR/$casedir}

# The fake server prints its port once it listens: read it, no sleeping.
# shellcheck disable=SC2086
exec {fd}< <("$FAKE" --script "$CASE" --timeout 20 $server 2>"$OUT/fakesrv.err"; echo "fakesrv-exit $?")
fpid=$!
port=""
read -r -t 10 -u "$fd" port
if [ -z "$port" ] || [ "${port#fakesrv-exit}" != "$port" ]; then
	echo "not ok 1 - fakesrv did not start: $(cat "$OUT/fakesrv.err")"
	echo "0 passed, 1 failed"
	exit 1
fi
url=${url//PORT/$port}

# shellcheck disable=SC2086
pwopt=()
case $url in *://*@*) pwopt=(--password-file "$OUT/pw") ;; esac
t0=$(date +%s%N)
"$MT" "$cmd" "${pwopt[@]}" $args "$url" >"$OUT/trace.out" 2>"$OUT/trace.err"
got=$?
ms=$((($(date +%s%N) - t0) / 1000000))
T_SHOW=$OUT/trace.out
check "$name: mailtrace exits $want_exit (got $got)" test "$got" = "$want_exit"
if [ -n "$within" ]; then
	check "$name: mailtrace ends within $within s (took $ms ms)" test "$ms" -lt $((within * 1000))
fi
for re in "${expects[@]}"; do check "$name: trace has /$re/" has "$OUT/trace.out" "$re"; done
# The explanation is each failed record's last field (docs/formats.md).
sed 's/  explanation="[^"]*"$//' "$OUT/trace.out" >"$OUT/trace.steps"
for re in "${absents[@]}"; do check "$name: trace lacks /$re/" hasnt "$OUT/trace.steps" "$re"; done
for c in "${counts[@]}"; do
	check "$name: trace has ${c%% *} lines /${c#* }/" count "$OUT/trace.steps" "${c#* }" "${c%% *}"
done
T_SHOW=$OUT/trace.err
for re in "${stderrs[@]}"; do check "$name: stderr has /$re/" has "$OUT/trace.err" "$re"; done
check "$name: stderr is one line at most" test "$(grep -c . "$OUT/trace.err")" -le 1

"$MT" show >"$OUT/show.out" 2>"$OUT/show.err"
T_SHOW=$OUT/show.err
check "$name: the store kept every record (show = printed)" cmp "$OUT/trace.out" "$OUT/show.out"
# The same records as JSONL (the probe's own jsonl sink): each line a record.
"$MT" show --format jsonl >"$OUT/show.jsonl" 2>"$OUT/show.jsonl.err"
python3 "$here/../jsonl_check.py" "$OUT/show.jsonl" 2>"$OUT/jsonl.check"
ok $? "$name: every jsonl line is a record with the documented keys" "$OUT/jsonl.check"
T_SHOW=$OUT/show.jsonl
for re in "${jexpects[@]}"; do check "$name: jsonl has /$re/" has "$OUT/show.jsonl" "$re"; done

fake_status=""
while read -r -t 30 -u "$fd" l; do
	case $l in "fakesrv-exit "*) fake_status=${l#fakesrv-exit } ;; esac
done
wait "$fpid" 2>/dev/null
T_SHOW=$OUT/fakesrv.err
check "$name: fakesrv exits $want_fake (got $fake_status)" test "$fake_status" = "$want_fake"
rm -f "$OUT/pw"
check "$name: the password is in no output" test -z "$(grep -rlaF -- "$secret" "$OUT")"
for s in "${secrets[@]}"; do
	check "$name: \"${s:0:2}...\" is in no output" test -z "$(grep -rlaF -- "$s" "$OUT")"
done
t_done
