#!/usr/bin/env bash
# tests/decode/same_fake.sh - "same records" for sessions that end
# unusually: the sibling of same.sh for endings a real server seldom
# gives.  Each CASE is a probe fault case (tests/fake/cases/*.case, a
# fakesrv script with "#!" lines: see tests/fake/run_case.sh).  Its probe
# runs against fakesrv while tools/lcap captures the fake server's port;
# the capture is decoded and must give back the probe's records exactly
# (event, level, rc, int, opr, opt, reply), as in same.sh.
# SPDX-License-Identifier: BSD-2-Clause
# usage: same_fake.sh MAILTRACE LCAP FAKESRV CERTDIR OUTDIR CASE...
set -u
MT=$1 LCAP=$2 FAKE=$3 CERTS=$4 OUT=$5/decode-same-fake
shift 5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD

# The comparable part of a record (tests/lib.sh, rec_fields).
fields() { rec_fields; }

one() {
	local case=$1 name dir cmd url args server port fd fpid cfd ready stop l
	local fake_status lcap_status
	name=$(basename "$case" .case)
	dir=$OUT/$name
	mkdir -p "$dir"
	export MAILTRACE_DB=$dir/store.db
	printf 'fake-S3cret-pw-%s\n' "$$" >"$dir/pw"
	cmd=pop3 url="" args="" server=""
	while IFS= read -r l; do
		case $l in
		"#! command "*) cmd=${l#"#! command "} ;;
		"#! url "*) url=${l#"#! url "} ;;
		"#! args "*) args=${l#"#! args "} ;;
		"#! server "*) server=${l#"#! server "} ;;
		esac
	done <"$case"
	if [ -z "$url" ]; then
		if [ "$cmd" = smtp ]; then url=smtp://127.0.0.1:PORT; else url=pop3://bob@127.0.0.1:PORT; fi
	fi
	server=${server//CERTS/$CERTS}
	args=${args//CERTS/$CERTS}
	args=${args//CASEDIR/$(cd "$(dirname "$case")" && pwd)}

	# shellcheck disable=SC2086
	exec {fd}< <("$FAKE" --script "$case" --timeout 20 $server 2>"$dir/fakesrv.err"; echo "fakesrv-exit $?")
	fpid=$!
	port=""
	read -r -t 10 -u "$fd" port
	if [ -z "$port" ] || [ "${port#fakesrv-exit}" != "$port" ]; then
		ok 1 "$name: fakesrv started" "$dir/fakesrv.err"
		return
	fi
	url=${url//PORT/$port}
	# A free port for the stop marker: nothing listens there.
	stop=$((20000 + RANDOM % 40000))
	while [ "$stop" = "$port" ]; do stop=$((20000 + RANDOM % 40000)); done
	exec {cfd}< <("$LCAP" -i lo -w "$dir/cap.pcap" -s "$stop" -t 60 \
	    -f "tcp port $port" 2>"$dir/lcap.err"; echo "lcap-exit $?")
	ready=""
	read -r -t 30 -u "$cfd" ready
	check "$name: the loopback capture started" test "$ready" = ready

	local pwopt=()
	case $url in *://*@*) pwopt=(--password-file "$dir/pw") ;; esac
	# shellcheck disable=SC2086
	"$MT" "$cmd" "${pwopt[@]}" $args --level advanced --format jsonl "$url" \
	    >"$dir/probe.jsonl" 2>"$dir/probe.err"

	# The server's end of the connection is in the capture before the
	# stop marker: wait for fakesrv to finish first.
	fake_status=""
	while read -r -t 30 -u "$fd" l; do
		case $l in "fakesrv-exit "*) fake_status=${l#fakesrv-exit } ;; esac
	done
	wait "$fpid" 2>/dev/null
	(exec 3<>"/dev/tcp/127.0.0.1/$stop") 2>/dev/null
	lcap_status=""
	while read -r -t 30 -u "$cfd" l; do
		case $l in "lcap-exit "*) lcap_status=${l#lcap-exit } ;; esac
	done
	T_SHOW=$dir/lcap.err
	check "$name: the capture ended at the stop marker (lcap exit 0)" test "$lcap_status" = 0

	T_SHOW=$dir/decoded.err
	"$MT" decode --level advanced --format jsonl --port "$cmd=$port" \
	    "$dir/cap.pcap" >"$dir/decoded.jsonl" 2>"$dir/decoded.err"
	check "$name: decode exits 0" test $? = 0
	fields <"$dir/probe.jsonl" | no_timeouts >"$dir/want"
	fields <"$dir/decoded.jsonl" >"$dir/got"
	diff "$dir/want" "$dir/got" >"$dir/diff" 2>&1
	T_SHOW=$dir/diff
	check "$name: the capture decodes into the probe's own records ($(wc -l <"$dir/want") records)" \
	    test -s "$dir/want" -a ! -s "$dir/diff"
	check "$name: the password is in no output" \
	    test -z "$(grep -rlaF -f "$dir/pw" "$dir"/*.jsonl "$dir"/*.err "$dir/store.db")"
	rm -f "$dir/pw"
}

for c in "$@"; do
	one "$c"
done
t_done
