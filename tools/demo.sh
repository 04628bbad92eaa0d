#!/usr/bin/env bash
# tools/demo.sh BUILDDIR - the main job on an embedded default: start the
# bundled local POP3 server (fakesrv playing tools/demo/pop3-demo.script on a
# loopback port), probe it with mailtrace, print the trace and store it in
# the default database ($MAILTRACE_DB, else ~/.local/share/mailtrace/).
# SPDX-License-Identifier: BSD-2-Clause
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
mt=$build/src/cli/mailtrace
fake=$build/tools/fakesrv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A throwaway password: the demo server accepts any.
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/pw"
exec {fd}< <("$fake" --script "$here/demo/pop3-demo.script" --timeout 30)
read -r -t 10 -u "$fd" port
echo "demo: bundled POP3 server on 127.0.0.1:$port"
set +e
"$mt" pop3 --password-file "$tmp/pw" --level advanced --uidl --retr all \
    "pop3://demo@127.0.0.1:$port"
rc=$?
set -e
wait || true
db=${MAILTRACE_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/mailtrace/mailtrace.db}
echo "demo: mailtrace exited $rc; the run is stored in $db (mailtrace show prints it again)"
exit "$rc"
