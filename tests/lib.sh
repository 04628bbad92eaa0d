# tests/lib.sh - shared helpers for the shell test scripts (sourced).
# SPDX-License-Identifier: BSD-2-Clause
#
# Each check prints "ok N - what" or "not ok N - what"; t_done prints the
# closing "N passed, M failed" line and exits non-zero on any failure.

t_pass=0
t_fail=0
t_n=0

ok() {
	t_n=$((t_n + 1))
	if [ "$1" = 0 ]; then
		t_pass=$((t_pass + 1))
		echo "ok $t_n - $2"
	else
		t_fail=$((t_fail + 1))
		echo "not ok $t_n - $2"
		if [ -n "${3:-}" ] && [ -f "$3" ]; then
			sed -n '1,60p' "$3" | sed 's/^/#   /'
		fi
	fi
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok 0 "$what"; else ok 1 "$what" "${T_SHOW:-}"; fi
}

# has FILE REGEX: some line of FILE matches the extended regex.
has() { grep -Eq -- "$2" "$1"; }
# hasnt FILE REGEX
hasnt() { ! grep -Eq -- "$2" "$1"; }
# count FILE REGEX N: exactly N lines match.
count() { [ "$(grep -Ec -- "$2" "$1")" = "$3" ]; }

# no_timeouts: in "event".."opt" lines of the probe's records, the
# timeouts of 0xAD82/0xAD06 become -1 -1, as the decoder writes them (they
# are not on the wire; docs/records.md).
# rec_fields: the comparable part of each JSONL record on stdin, as the
# decode.same tests compare the probe's records with the decoder's:
# "event".."opt", then the reply and the explanation (issue 13: derived
# from rc, opr and reply, so equal on both sides) when there are (time,
# seq and the other extras aside).  An explanation holds no '"'
# (events/explain.def).
rec_fields() {
	sed -n -e 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*,\("reply":"\([^"\\]\|\\.\)*"\),\("explanation":"[^"]*"\).*/\1,\2,\4/p' -e t \
	    -e 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*,\("explanation":"[^"]*"\).*/\1,\2/p' -e t \
	    -e 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*,\("reply":"\([^"\\]\|\\.\)*"\).*/\1,\2/p' -e t \
	    -e 's/^{"run":[0-9]*,\("event":.*,"opt":"[^"]*"\),"time".*/\1/p'
}
no_timeouts() { sed 's/^\("event":"0xAD\(82\|06\)",.*"opt":"[^" ]* [0-9]*\) [0-9]* [0-9]*"$/\1 -1 -1"/'; }

# tcp_quiet PORT...: wait (bounded, 10 s) until no TCP connection to or
# from these ports is open or closing on this machine (/proc/net/tcp and
# tcp6; LISTEN and TIME_WAIT do not count: a TIME_WAIT connection has sent
# and acknowledged both FINs).  Before a capture's stop marker, so that a
# client's last packets and its server's FIN are in the capture.  1 when
# some connection was still open at the end.
tcp_quiet() {
	python3 - "$@" <<'PY'
import sys, time
ports = {int(p) for p in sys.argv[1:]}
def busy():
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(f).read().splitlines()[1:]
        except OSError:
            continue
        for l in lines:
            w = l.split()
            lp, rp, st = int(w[1].rsplit(":", 1)[1], 16), int(w[2].rsplit(":", 1)[1], 16), w[3]
            if (lp in ports or rp in ports) and st not in ("0A", "06"):
                return True
    return False
end = time.monotonic() + 10
while busy():
    if time.monotonic() > end:
        sys.exit(1)
    time.sleep(0.01)
PY
}

t_done() {
	echo "$t_pass passed, $t_fail failed"
	[ "$t_fail" = 0 ]
}
