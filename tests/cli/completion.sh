#!/usr/bin/env bash
# tests/cli/completion.sh - bash completion (src/cli/completion/mailtrace.bash):
# commands, options and option values completed from mailtrace's own
# --help; and `cmake --install` puts the programs, the modules, the
# completion and the docs where they belong.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: completion.sh MAILTRACE SOURCE_DIR BUILD_DIR OUTDIR
set -u
MT=$1 SRC=$2 BUILD=$3 OUT=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
rm -rf "$OUT"
mkdir -p "$OUT"

# shellcheck disable=SC1091
. "$SRC/src/cli/completion/mailtrace.bash"
# comp WORD...: the completions of the last word, sorted, on one line
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_WORDS[0]=$MT
	_mailtrace
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
check "complete registers _mailtrace for mailtrace" \
    test -n "$(complete -p mailtrace 2>/dev/null | grep -- '-F _mailtrace')"
check "the commands, from mailtrace --help" test "$(comp mailtrace '')" = \
    "baseline batch check decode diff events exporter pop3 report roundtrip runs serve show smtp stats "
check "a command's prefix" test "$(comp mailtrace ro)" = "roundtrip "
check "pop3 --st: its options, from pop3 --help" test "$(comp mailtrace pop3 --st)" = \
    "--step-critical --step-warning --stls "
check "smtp --sta: --starttls --static-send" test "$(comp mailtrace smtp --sta)" = "--starttls --static-send "
check "batch --: batch's own options, not those of the lines in its help's examples" \
    test -z "$(comp mailtrace batch -- | grep -E -- '--(from|to|stls) ')" -a \
    -n "$(comp mailtrace batch -- | grep -- '--concurrency ')"
check "serve --: from its usage lines" test -n "$(comp mailtrace serve -- | grep -- '--connections .*--script ')"
check "--level's values" test "$(comp mailtrace pop3 --level '')" = "advanced standard "
check "--format's values" test "$(comp mailtrace show --format '')" = "jsonl prf text "
: >"$OUT/pw.txt"
check "--password-file: files" test "$(cd "$OUT" && comp mailtrace pop3 --password-file pw)" = "pw.txt "
check "pop3 --: more than 30 options offered" \
    test "$(comp mailtrace pop3 -- | wc -w)" -gt 30

# The install: DESTDIR, the configured prefix.
DESTDIR=$OUT/root cmake --install "$BUILD" >"$OUT/install.out" 2>&1
check "cmake --install exits 0" test $? = 0
p=$OUT/root$(awk -F= '/^CMAKE_INSTALL_PREFIX:/ { print $2 }' "$BUILD/CMakeCache.txt")
check "the program in bin/" test -x "$p/bin/mailtrace"
for prog in decode exporter serve; do
	check "mailtrace-$prog in libexec/mailtrace/" test -x "$p/libexec/mailtrace/mailtrace-$prog"
done
check "the modules in lib/mailtrace/" test -n "$(ls "$p"/lib*/mailtrace/mailtrace-pg.so "$p"/lib*/mailtrace/mailtrace-otlp.so 2>/dev/null | wc -l | grep -x 2)"
check "the docs and the README in share/doc/mailtrace/" \
    test -f "$p/share/doc/mailtrace/README.md" -a -f "$p/share/doc/mailtrace/cli.md" -a \
    "$(ls "$p/share/doc/mailtrace" | grep -c '\.md$')" = "$(( $(ls "$SRC/docs" | grep -c '\.md$') + 1 ))"
check "the completion in share/bash-completion/completions/mailtrace" \
    cmp "$p/share/bash-completion/completions/mailtrace" "$SRC/src/cli/completion/mailtrace.bash"
t_done
