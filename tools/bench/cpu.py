#!/usr/bin/env python3
# tools/bench/cpu.py - the CPU time (user + system) a command takes,
# median of REPS runs, for tools/bench/batch.sh.  DB (a path, or - for
# none) is removed with its -wal/-shm files before each run, so that each
# run starts from the same empty store.  Prints "SECONDS USER SYSTEM WALL"
# (the medians: CPU, its parts, wall time) on stdout; with --pass the command's stdout is its own
# and the figures go to stderr (a server that prints its port).
# SPDX-License-Identifier: BSD-2-Clause
# usage: cpu.py [--pass] REPS DB -- COMMAND [ARG...]
import glob
import os
import resource
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
passthru = args[:1] == ["--pass"]
if passthru:
    args = args[1:]
if len(args) < 4 or args[2] != "--":
    sys.exit("usage: cpu.py [--pass] REPS DB -- COMMAND [ARG...]")
reps, db, cmd = int(args[0]), args[1], args[3:]
tot, usr, sys_, wall = [], [], [], []
for _ in range(reps):
    if db != "-":
        for f in glob.glob(db) + glob.glob(db + "-*"):
            os.unlink(f)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=None if passthru else subprocess.DEVNULL)
    wall.append(time.monotonic() - t0)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("cpu.py: %s exited %d" % (cmd[0], p.returncode))
    u, s = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    tot.append(u + s)
    usr.append(u)
    sys_.append(s)
print("%.6f %.6f %.6f %.6f" % (statistics.median(tot), statistics.median(usr),
                               statistics.median(sys_), statistics.median(wall)),
      file=sys.stderr if passthru else sys.stdout)
