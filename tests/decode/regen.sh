#!/usr/bin/env bash
# tests/decode/regen.sh - (re)write the expected records NAME.rec of the
# crafted-capture cases from what the decoder prints now.  Review the diff
# before keeping it: the test (run_case.sh) never writes .rec files.
# SPDX-License-Identifier: BSD-2-Clause
# usage: regen.sh MAILTRACE MKPCAP [CASE.mk...]    (default: every case)
set -u
MT=$1 MKPCAP=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$here"/cases/*.mk
out=$(mktemp -d)
for c in "$@"; do
	name=$(basename "$c" .mk)
	bash "$here/run_case.sh" "$MT" "$MKPCAP" "$out" "$c" >/dev/null
	cp "$out/$name/$name.got" "$(dirname "$c")/$name.rec"
	echo "wrote $(dirname "$c")/$name.rec ($(wc -l <"$out/$name/$name.got") records)"
done
rm -rf "$out"
