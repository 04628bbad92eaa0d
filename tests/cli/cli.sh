#!/usr/bin/env bash
# tests/cli/cli.sh - the command line: usage errors, help, events, a host
# that does not resolve.  Needs no server.
# SPDX-License-Identifier: BSD-2-Clause
# usage: cli.sh MAILTRACE OUTDIR
set -u
MT=$1 OUT=$2/cli
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD
echo "cli-S3cret" >"$OUT/pw"

# usage NAME ARGS...: must exit 2 with exactly one line on stderr, nothing on stdout.
usage() {
	local name=$1
	shift
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	T_SHOW=$OUT/$name.err
	check "$name: exit 2 (got $rc)" test "$rc" = 2
	check "$name: one line on stderr, starting mailtrace:" \
	    test "$(grep -c . "$OUT/$name.err")" = 1 -a -n "$(grep '^mailtrace: ' "$OUT/$name.err")"
	check "$name: nothing on stdout" test ! -s "$OUT/$name.out"
}

usage no-target pop3 --password-file "$OUT/pw"
usage bad-scheme pop3 --password-file "$OUT/pw" imap://bob@127.0.0.1
usage no-user pop3 --password-file "$OUT/pw" pop3://127.0.0.1
usage bad-port pop3 --password-file "$OUT/pw" pop3://bob@127.0.0.1:70000
usage bad-v6 pop3 --password-file "$OUT/pw" "pop3://bob@[::1:110"
usage unknown-opt pop3 --frobnicate pop3://bob@127.0.0.1
usage missing-value pop3 pop3://bob@127.0.0.1 --timeout
usage bad-level pop3 --password-file "$OUT/pw" --level verbose pop3://bob@127.0.0.1
usage bad-format pop3 --password-file "$OUT/pw" --format xml pop3://bob@127.0.0.1
usage bad-auth pop3 --password-file "$OUT/pw" --auth gssapi pop3://bob@127.0.0.1
usage bad-timeout pop3 --password-file "$OUT/pw" --timeout -5 pop3://bob@127.0.0.1
usage bad-max-time pop3 --password-file "$OUT/pw" --max-time -1 pop3://bob@127.0.0.1
usage big-max-time smtp --from a@x.test --to b@x.test --max-time 86401 smtp://127.0.0.1
usage frac-max-time roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://u@127.0.0.1 --from a@x.test --to b@x.test --max-time 2.5
check "bad-max-time: names the option and the range" has "$OUT/bad-max-time.err" "--max-time: \"-1\" is not a number from 0 to 86400"
usage bad-retr pop3 --password-file "$OUT/pw" --retr first pop3://bob@127.0.0.1
usage no-password pop3 pop3://bob@127.0.0.1
usage missing-pwfile pop3 --password-file "$OUT/nonexistent" pop3://bob@127.0.0.1
usage missing-cafile pop3 --password-file "$OUT/pw" --cafile "$OUT/nonexistent" pop3://bob@127.0.0.1
usage stls-pop3s pop3 --password-file "$OUT/pw" --stls pop3s://bob@127.0.0.1
# A CA file that is not one is found before connecting (port 9: nothing
# listens, so a probe that went on would exit 1, not 2).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$OUT/ca.key" -out "$OUT/ca.pem" -subj /CN=cli-test -days 1 >/dev/null 2>&1
# --insecure with --cafile: the chain is verified against that CA and
# recorded, not enforced (port 9: nothing listens, so the probe runs: 1).
"$MT" pop3 --password-file "$OUT/pw" --insecure --cafile "$OUT/ca.pem" pop3s://bob@127.0.0.1:9 \
    >"$OUT/insecure-cafile.out" 2>"$OUT/insecure-cafile.err"
check "insecure-cafile: accepted, the probe runs (exit 1: nothing listens)" test "$?" = 1
mkdir -p "$OUT/cadir"
usage cafile-dir pop3 --password-file "$OUT/pw" --stls --cafile "$OUT/cadir" pop3://bob@127.0.0.1:9
check "cafile-dir: says it is a directory" has "$OUT/cafile-dir.err" "^mailtrace: --cafile: .*/cadir is a directory, not a PEM file of CA certificates$"
usage cafile-not-pem pop3 --password-file "$OUT/pw" --stls --cafile "$OUT/ca.key" pop3://bob@127.0.0.1:9
check "cafile-not-pem: says it is not a PEM file of certificates" has "$OUT/cafile-not-pem.err" "^mailtrace: --cafile: .*/ca.key is not a PEM file of CA certificates"
usage smtp-cafile-not-pem smtp --from a@x.test --to b@x.test --starttls --cafile "$OUT/pw" smtp://127.0.0.1:9
check "smtp-cafile-not-pem: the file's content is not echoed" hasnt "$OUT/smtp-cafile-not-pem.err" "cli-S3cret"
usage cafile-not-regular pop3 --password-file "$OUT/pw" --cafile /dev/null pop3s://bob@127.0.0.1:9
MAILTRACE_PASSWORD=$'cli-S3cret\r\nDELE 1' usage env-password-crlf pop3 pop3://bob@127.0.0.1:9
check "env-password-crlf: the refusal does not echo the password" hasnt "$OUT/env-password-crlf.err" "cli-S3cret"
usage url-password pop3 "pop3://bob:cli-S3cret@127.0.0.1"
check "url-password: the refusal does not echo the password" hasnt "$OUT/url-password.err" "cli-S3cret"
usage cli-password pop3 --password cli-S3cret pop3://bob@127.0.0.1
check "cli-password: the refusal does not echo the password" hasnt "$OUT/cli-password.err" "cli-S3cret"
usage bad-db pop3 --password-file "$OUT/pw" --db /proc/mailtrace/x.db pop3://bob@127.0.0.1
check "bad-db: the message names the store path" has "$OUT/bad-db.err" "/proc/mailtrace/x.db"
# A failed mkdir of the store's directory names its own cause, not the
# ENOENT of a stat after it (the tests run as root: causes root gets too).
usage db-notdir pop3 --password-file "$OUT/pw" --db "$OUT/pw/sub/x.db" pop3://bob@127.0.0.1
check "db-notdir: a file in the path is not a directory" has "$OUT/db-notdir.err" "cannot create directory $OUT/pw(/sub)?: Not a directory"
if [ -d /sys ] && ! { mkdir /sys/mailtrace-probe && rmdir /sys/mailtrace-probe; } 2>/dev/null; then
	usage db-sys pop3 --password-file "$OUT/pw" --db /sys/mailtrace/x.db pop3://bob@127.0.0.1
	check "db-sys: mkdir's own error (EPERM/EROFS), not ENOENT" has "$OUT/db-sys.err" "cannot create directory /sys/mailtrace: (Operation not permitted|Read-only file system|Permission denied)"
fi
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$OUT/ro" && chmod 500 "$OUT/ro"
	usage db-eacces pop3 --password-file "$OUT/pw" --db "$OUT/ro/sub/x.db" pop3://bob@127.0.0.1
	check "db-eacces: Permission denied" has "$OUT/db-eacces.err" "cannot create directory $OUT/ro/sub: Permission denied"
	chmod 700 "$OUT/ro"
fi
usage unknown-command frobnicate
# show reads a store: one that does not exist is not created.
usage show-empty show --db "$OUT/nostore/empty.db"
check "show-empty: says the store does not exist" has "$OUT/show-empty.err" "store $OUT/nostore/empty.db does not exist"
check "show-empty: creates nothing" test ! -e "$OUT/nostore"
usage show-missing show --db "$OUT/missing.db"
check "show-missing: creates no file" test ! -e "$OUT/missing.db"
: >"$OUT/zero.db"
usage show-norun show --db "$OUT/zero.db"
check "show-norun: an empty file is a store without runs" has "$OUT/show-norun.err" "no runs in"
usage show-bad-run show --run zero
usage events-arg events extra

# smtp and roundtrip
usage smtp-no-from smtp --to b@example.test smtp://127.0.0.1
usage smtp-no-to smtp --from a@example.test smtp://127.0.0.1
usage smtp-bad-to smtp --from a@example.test --to "b c@example.test" smtp://127.0.0.1
usage smtp-angle smtp --from "<a@example.test>" --to b@example.test smtp://127.0.0.1
usage smtp-bad-scheme smtp --from a@x.test --to b@x.test pop3://127.0.0.1
usage smtp-auth-apop smtp --from a@x.test --to b@x.test --auth apop smtp://u@127.0.0.1
usage smtp-auth-nouser smtp --from a@x.test --to b@x.test --auth plain smtp://127.0.0.1
usage smtp-starttls-smtps smtp --from a@x.test --to b@x.test --starttls smtps://127.0.0.1
usage smtp-no-data smtp --from a@x.test --to b@x.test --data "$OUT/nonexistent" smtp://127.0.0.1
usage smtp-nopw smtp --from a@x.test --to b@x.test smtp://u@127.0.0.1
usage smtp-url-password smtp --from a@x.test --to b@x.test "smtp://u:cli-S3cret@127.0.0.1"
check "smtp-url-password: not echoed" hasnt "$OUT/smtp-url-password.err" "cli-S3cret"
head -c 2000 /dev/zero >"$OUT/big.msg"
usage smtp-data-too-big smtp --from a@x.test --to b@x.test --data "$OUT/big.msg" --max-body 1000 smtp://127.0.0.1
# CR/LF in a refused argument is escaped: the message stays one line
# (usage() checks that), and shows the bytes as \r\n.
usage smtp-crlf-to smtp --from a@x.test --to $'b@x\r\nRCPT TO:<e@x>' smtp://127.0.0.1
check "smtp-crlf-to: CR LF shown escaped" has "$OUT/smtp-crlf-to.err" '"b@x\\r\\nRCPT TO:<e@x>" is not a plain address'
usage smtp-crlf-from smtp --from $'a@x\n' --to b@x.test smtp://127.0.0.1
usage crlf-level pop3 --password-file "$OUT/pw" --level $'std\r\nard' pop3://bob@127.0.0.1
check "crlf-level: escaped" has "$OUT/crlf-level.err" 'std\\r\\nard'
usage crlf-url pop3 --password-file "$OUT/pw" $'imap://bob@127.0.0.1\r\nx'
usage crlf-opt pop3 $'--frob\nnicate' pop3://bob@127.0.0.1
usage crlf-cmd $'frob\rnicate'
usage crlf-db-show show --db "$OUT/nonexistent/a"$'\n'b.db
check "crlf-db-show: the path is escaped" has "$OUT/crlf-db-show.err" 'a\\nb\.db does not exist'
usage crlf-escape smtp --from a@x.test --to $'b@x\x1b[2J' smtp://127.0.0.1
check "crlf-escape: a terminal escape is shown as \\x1b" has "$OUT/crlf-escape.err" 'b@x\\x1b\[2J'
# The round trip checks its addresses as smtp does (they were sent as given:
# a CR LF in --to was an injected command).
usage rt-crlf-to roundtrip --smtp smtp://127.0.0.1:9 --pop3 pop3://u@127.0.0.1:9 --password-file "$OUT/pw" --from a@x.test --to $'b@x\r\nRCPT TO:<e@x>'
usage rt-angle-from roundtrip --smtp smtp://127.0.0.1:9 --pop3 pop3://u@127.0.0.1:9 --password-file "$OUT/pw" --from "<a@x.test>" --to b@x.test
# --helo is a host name, not an address, and has its own limit (255).
long_helo=$(printf 'h%.0s' $(seq 1 256))
usage smtp-long-helo smtp --from a@x.test --to b@x.test --helo "$long_helo" smtp://127.0.0.1
check "smtp-long-helo: says name, not address" has "$OUT/smtp-long-helo.err" "^mailtrace: --helo: the name is longer than 255 octets"
check "smtp-long-helo: does not call it an address" hasnt "$OUT/smtp-long-helo.err" "address"
usage smtp-crlf-helo smtp --from a@x.test --to b@x.test --helo $'me\r\nRSET' smtp://127.0.0.1
check "smtp-crlf-helo: not a host name, escaped" has "$OUT/smtp-crlf-helo.err" '"me\\r\\nRSET" is not a host name'
usage rt-long-helo roundtrip --smtp smtp://127.0.0.1:9 --pop3 pop3://u@127.0.0.1:9 --password-file "$OUT/pw" --from a@x.test --to b@x.test --helo "$long_helo"
to101=()
for i in $(seq 1 101); do to101+=(--to "r$i@x.test"); done
usage smtp-too-many-to smtp --from a@x.test "${to101[@]}" smtp://127.0.0.1
usage rt-missing roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://u@127.0.0.1 --from a@x.test
usage rt-pop3-nouser roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://127.0.0.1 --from a@x.test --to b@x.test
usage rt-bad-deadline roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://u@127.0.0.1 --from a@x.test --to b@x.test --deadline 0
usage rt-nopw roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://u@127.0.0.1 --from a@x.test --to b@x.test
usage rt-extra roundtrip --smtp smtp://127.0.0.1 --pop3 pop3://u@127.0.0.1 --from a@x.test --to b@x.test extra

# decode
echo "not a capture" >"$OUT/text.pcap"
usage decode-none decode
usage decode-missing decode "$OUT/nonexistent.pcap"
usage decode-text decode "$OUT/text.pcap"
check "decode-text: says it is not a capture" has "$OUT/decode-text.err" "not a capture"
usage decode-badport decode --port imap=143 "$OUT/text.pcap"
usage decode-badport2 decode --port smtp=0 "$OUT/text.pcap"
usage decode-count-file decode --count 5 "$OUT/text.pcap"
usage decode-both decode -i lo "$OUT/text.pcap"
usage decode-empty decode /dev/null
usage decode-keylog-missing decode --keylog "$OUT/no-such.log" "$OUT/text.pcap"
check "decode-keylog-missing: names the key log" has "$OUT/decode-keylog-missing.err" "^mailtrace: --keylog: .*no-such.log"
printf 'not a key log\n' >"$OUT/bad.keylog"
usage decode-keylog-bad decode --keylog "$OUT/bad.keylog" "$OUT/text.pcap"
check "decode-keylog-bad: no valid line, said" has "$OUT/decode-keylog-bad.err" "no valid key log line"
# A port is one protocol: the same N for two --port options is refused
# (the first list that has it used to win silently).
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$OUT/empty.pcap"
"$MT" decode "$OUT/empty.pcap" >"$OUT/decode-emptycap.out" 2>&1
check "an empty capture decodes (exit 0)" test $? = 0
usage decode-port-twice decode --port smtp=2000 --port pop3=2000 "$OUT/empty.pcap"
check "decode-port-twice: names the port and both protocols" has "$OUT/decode-port-twice.err" "port 2000 is given as smtp and as pop3"
usage decode-port-tls decode --port smtp=2001 --port smtps=2001 "$OUT/empty.pcap"
usage decode-port-tls2 decode --port pop3s=2002 --port pop3=2002 "$OUT/empty.pcap"
"$MT" decode --port pop3=2003 --port pop3=2003 --port pop3=25 "$OUT/empty.pcap" >"$OUT/decode-port-same.out" 2>&1
check "the same port twice for one protocol, or a default port for another protocol: accepted" test $? = 0

"$MT" --help >"$OUT/help.out" 2>&1
check "--help exits 0" test $? = 0
check "--help lists the commands" has "$OUT/help.out" "^  pop3 .*pop3://USER@HOST"
"$MT" pop3 --help >"$OUT/pop3help.out" 2>&1
check "pop3 --help exits 0" test $? = 0
for o in password-file auth stls cafile insecure level format db connect-timeout timeout max-time retr top uidl dele rset noop max-body srv dns-server dns-timeout; do
	check "pop3 --help documents --$o" has "$OUT/pop3help.out" "--$o"
	check "docs/cli.md documents --$o" has "$here/../../docs/cli.md" "\`--$o"
done
"$MT" smtp --help >"$OUT/smtphelp.out" 2>&1
check "smtp --help exits 0" test $? = 0
for o in from to data helo starttls static-send auth password-file cafile insecure level format db connect-timeout timeout max-time max-body mx-all mx-port srv dns-server dns-timeout; do
	check "smtp --help documents --$o" has "$OUT/smtphelp.out" "--$o"
	check "docs/cli.md documents smtp --$o" has "$here/../../docs/cli.md" "\`--$o"
done
"$MT" roundtrip --help >"$OUT/rthelp.out" 2>&1
check "roundtrip --help exits 0" test $? = 0
for o in smtp pop3 from to password-file smtp-password-file deadline interval starttls static-send stls smtp-auth pop3-auth helo max-time; do
	check "roundtrip --help documents --$o" has "$OUT/rthelp.out" "--$o"
	check "docs/cli.md documents roundtrip --$o" has "$here/../../docs/cli.md" "\\[?--$o"
done
check "--help lists smtp and roundtrip" test -n "$(grep '^  smtp ' "$OUT/help.out")" -a -n "$(grep '^  roundtrip ' "$OUT/help.out")"

"$MT" decode --help >"$OUT/dechelp.out" 2>&1
check "decode --help exits 0" test $? = 0
for o in interface filter port count duration level format db; do
	check "decode --help documents --$o" has "$OUT/dechelp.out" "--$o"
	check "docs/cli.md documents decode --$o" has "$here/../../docs/cli.md" "--$o"
done

"$MT" report --help >"$OUT/rephelp.out" 2>&1
check "report --help exits 0" test $? = 0
for o in db run output; do
	check "report --help documents --$o" has "$OUT/rephelp.out" "--$o"
	check "docs/cli.md documents report --$o" has "$here/../../docs/cli.md" "--$o"
done
check "--help lists report" has "$OUT/help.out" "^  report "
"$MT" batch --help >"$OUT/batchhelp.out" 2>&1
check "batch --help exits 0" test $? = 0
for o in concurrency per-server per-login repeat interval db otlp quiet stats; do
	check "batch --help documents --$o" has "$OUT/batchhelp.out" "--$o"
	check "docs/cli.md documents batch --$o" has "$here/../../docs/cli.md" "\`(-[a-z] N, )?--$o"
done
check "--help lists batch" has "$OUT/help.out" "^  batch "
usage batch-unknown-opt batch --frobnicate f
usage batch-no-file batch
usage batch-two-files batch a b
usage batch-bad-conc batch --concurrency 10001 f
usage batch-bad-repeat batch --repeat 0 f
usage pop3-otlp-scheme pop3 --otlp ftp://127.0.0.1/ pop3://u@127.0.0.1:1
"$MT" pop3 --help >"$OUT/pop3help2.out" 2>&1
check "pop3 --help documents --otlp" has "$OUT/pop3help2.out" "--otlp URL"
check "docs/cli.md documents --otlp" has "$here/../../docs/cli.md" "\`--otlp URL\`"
usage report-unknown-opt report --frobnicate
usage report-extra report extra
usage report-bad-run report --run x
usage report-missing report --db "$OUT/missing.db"

"$MT" --version >"$OUT/version.out" 2>&1
check "--version prints the version" has "$OUT/version.out" "^mailtrace [0-9]+\\.[0-9]+\\.[0-9]+$"
check "--version names the OpenSSL it runs with (as openssl version does)" \
    test "$(sed -n 2p "$OUT/version.out")" = "$(openssl version | sed 's/ (Library: .*//')"
check "--version names SQLite's version" has "$OUT/version.out" "^SQLite 3\\.[0-9]+\\.[0-9]+$"
check "--version names the decoder's libpcap (pkg-config's version)" \
    has "$OUT/version.out" "^mailtrace-decode [0-9.]+: libpcap version $(pkg-config --modversion libpcap | sed 's/\./\\./g')( |$)"
check "--version: four lines" test "$(wc -l < "$OUT/version.out")" = 4
"$MT" events >"$OUT/events.out" 2>&1
check "events lists every POP3 event" test "$(grep -c '^0xAD[89]' "$OUT/events.out")" = 20
check "events lists every SMTP event" test "$(grep -c '^0xAD[01]' "$OUT/events.out")" = 22
check "events marks mailtrace's assignments" has "$OUT/events.out" "^0xAD11 A SMTP_CMD_AFTER +\\* "
check "events lists the exception mapping" has "$OUT/events.out" "AuthenticationFailedException"

# A name that resolves nowhere (RFC 6761 .invalid): UnknownHostException.
"$MT" pop3 --password-file "$OUT/pw" --level advanced --connect-timeout 3000 pop3://bob@host.invalid >"$OUT/nohost.out" 2>"$OUT/nohost.err"
rc=$?
T_SHOW=$OUT/nohost.out
check "unknown host: exit 1" test "$rc" = 1
check "unknown host: 0xAD83 UnknownHostException" has "$OUT/nohost.out" "0xAD83  A  rc=3  --  opt=java.net.UnknownHostException"
check "unknown host: teardown then 0xAD81" has "$OUT/nohost.out" "0xAD81  A  rc=3  --  opt=java.net.UnknownHostException"
check "unknown host: 0xAD82 names host and timeouts" has "$OUT/nohost.out" "opt=host.invalid 110 3000 30000$"

# A run keeps the arguments it was started with (issue 10: check runs the
# same session again), in order; never the password file's content.
python3 - "$MAILTRACE_DB" >"$OUT/args.out" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT args FROM runs ORDER BY id DESC LIMIT 1").fetchone()
print("|".join(a.decode() for a in bytes(row[0]).split(b"\0")[:-1]))
PY
T_SHOW=$OUT/args.out
check "the run keeps its arguments, in order" \
    test "$(cat "$OUT/args.out")" = "--password-file|$OUT/pw|--level|advanced|--connect-timeout|3000|pop3://bob@host.invalid"
check "the store holds no password file content" \
    test -z "$(grep -laF cli-S3cret "$MAILTRACE_DB"* 2>/dev/null)"

# Baselines (issue 10): a named copy of a stored run, kept in the store.
last=$("$MT" show | sed -n 's/^# mailtrace text [0-9]* run=\([0-9]*\) .*/\1/p')
"$MT" baseline save nohost-1 >"$OUT/bl-save.out" 2>&1
T_SHOW=$OUT/bl-save.out
check "baseline save: from the last run, says how many steps" \
    has "$OUT/bl-save.out" "^baseline nohost-1 saved from run $last \\([0-9]+ steps\\)$"
"$MT" baseline list >"$OUT/bl-list.out" 2>&1
T_SHOW=$OUT/bl-list.out
check "baseline list: name, run, command and target" \
    has "$OUT/bl-list.out" "^nohost-1  run=$last  pop3 pop3://bob@host.invalid:110  level=advanced  steps=[0-9]+  saved=20"
"$MT" baseline show nohost-1 --format jsonl >"$OUT/bl-show.out" 2>&1
"$MT" show --run "$last" --format jsonl >"$OUT/bl-run.out" 2>&1
T_SHOW=$OUT/bl-show.out
check "baseline show: the run's records, as show prints them" cmp -s "$OUT/bl-show.out" "$OUT/bl-run.out"
# export -> delete -> import gives the same baseline back
T_SHOW=$OUT/bl-export.out
"$MT" baseline export nohost-1 "$OUT/bl.json" >"$OUT/bl-export.out" 2>&1
check "baseline export: exit 0" test "$?" = 0
check "baseline export: one step a line" \
    test "$(grep -c '^{"session":' "$OUT/bl.json")" = "$(grep -c . "$OUT/bl-run.out")"
check "baseline export: valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT/bl.json"
check "baseline export: no password file content" hasnt "$OUT/bl.json" "cli-S3cret"
"$MT" baseline delete nohost-1 >/dev/null 2>&1
"$MT" baseline import "$OUT/bl.json" >"$OUT/bl-import.out" 2>&1
T_SHOW=$OUT/bl-import.out
check "baseline import: says what it stored" has "$OUT/bl-import.out" "^baseline nohost-1 imported \\([0-9]+ steps\\)$"
"$MT" baseline show nohost-1 --format jsonl >"$OUT/bl-show2.out" 2>&1
check "baseline import: the same records as the exported baseline" cmp -s "$OUT/bl-show2.out" "$OUT/bl-run.out"
"$MT" baseline export nohost-1 "$OUT/bl2.json" >/dev/null 2>&1
check "baseline export of the import: the same file" cmp -s "$OUT/bl.json" "$OUT/bl2.json"
usage bl-import-taken baseline import "$OUT/bl.json"
echo '{"baseline":{"format":"mailtrace-baseline","version":9}}' >"$OUT/bl-bad.json"
usage bl-import-bad baseline import "$OUT/bl-bad.json"
check "baseline import: a file of another version is refused" has "$OUT/bl-import-bad.err" "not a mailtrace baseline file"
echo '{"baseline":' >"$OUT/bl-cut.json"
usage bl-import-cut baseline import "$OUT/bl-cut.json" --name cut
check "baseline import: broken JSON says where" has "$OUT/bl-import-cut.err" "bl-cut.json:[0-9]+:[0-9]+: "
usage bl-taken baseline save nohost-1
check "baseline save: a name taken is refused" has "$OUT/bl-taken.err" 'baseline "nohost-1" exists already'
usage bl-badname baseline save ../x
usage bl-norun baseline save other --run 99999
check "baseline save: a run that does not exist is refused" has "$OUT/bl-norun.err" "no run 99999"
usage bl-noname baseline show
usage bl-verb baseline frobnicate x
"$MT" baseline delete nohost-1 >"$OUT/bl-del.out" 2>&1
check "baseline delete: exit 0" test "$?" = 0
"$MT" baseline list >"$OUT/bl-list2.out" 2>&1
check "baseline delete: the baseline is gone" test ! -s "$OUT/bl-list2.out"
usage bl-unknown baseline show nohost-1
check "baseline show: an unknown baseline is a usage error" has "$OUT/bl-unknown.err" 'no baseline "nohost-1"'
"$MT" show --run "$last" >/dev/null 2>&1
check "baseline delete: the run it came from stays" test "$?" = 0
t_done
