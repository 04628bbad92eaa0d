#!/usr/bin/env python3
# tests/mon/plugin_check.py - a Nagios/Icinga plugin's output held against
# the monitoring-plugins development guidelines (the output and perfdata
# sections): the first line is "SERVICE STATE - text" with an optional
# " | perfdata"; the state word matches the exit status; perfdata items are
# 'label'=value[UOM];[warn];[crit];[min];[max], labels unique in their
# first 19 characters, UOM one of the guidelines' units, warn and crit in
# the range syntax; the text holds no '|'; long output lines hold none
# either (they would start more perfdata).
# usage: plugin_check.py SERVICE EXIT_STATUS FILE  -> exit 0 when it holds,
# else 1 with the reasons on stderr; prints the perfdata as label=value.
# SPDX-License-Identifier: BSD-2-Clause
import re
import sys

STATES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
UOMS = {"", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"}
NUM = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
RANGE = re.compile(r"^@?(?:(?:" + NUM + r"|~)?:)?(?:" + NUM + r")?$")


def fail(why):
    print("plugin_check: " + why, file=sys.stderr)
    sys.exit(1)


def main():
    service, status, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, encoding="ascii") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        fail("no output")
    first = lines[0]
    m = re.match(r"^(\S+) (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*?)(?: \| (.*))?$", first)
    if not m:
        fail("first line not 'SERVICE STATE - text [| perfdata]': " + first)
    if m.group(1) != service:
        fail("service %r, not %r" % (m.group(1), service))
    if STATES[m.group(2)] != status:
        fail("state %s but exit status %d" % (m.group(2), status))
    if not m.group(3).strip():
        fail("no text after the state")
    seen = {}
    for item in (m.group(4) or "").split():
        pm = re.match(r"^('?)([^'=]+)\1=(" + NUM + r")([a-zA-Z%]*)((?:;[^;]*){0,4})$", item)
        if not pm:
            fail("perfdata item not label=value[UOM];warn;crit;min;max: " + item)
        label, value, uom, rest = pm.group(2), pm.group(3), pm.group(4), pm.group(5)
        if uom not in UOMS:
            fail("unit %r of %s is not one of the guidelines'" % (uom, label))
        key = label[:19]
        if key in seen:
            fail("labels %s and %s are the same in their first 19 characters" % (seen[key], label))
        seen[key] = label
        fields = rest.split(";")[1:]
        for k, v in enumerate(fields[:2]):
            if v and not RANGE.match(v):
                fail("%s of %s is not a range: %r" % (("warn", "crit")[k], label, v))
        for k, v in enumerate(fields[2:4]):
            if v and not re.match("^" + NUM + "$", v):
                fail("%s of %s is not a number: %r" % (("min", "max")[k], label, v))
        print("%s=%s%s" % (label, value, uom))
    for ln in lines[1:]:
        if "|" in ln:
            fail("a long output line holds '|': " + ln)
    return 0


if __name__ == "__main__":
    sys.exit(main())
