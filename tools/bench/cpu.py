#!/usr/bin/env python3
# tools/bench/cpu.py - the CPU time (user + system) a command takes,
# median of REPS runs, for tools/bench/batch.sh.  DB (a path, or - for
# none) is removed with its -wal/-shm files before each run, so that each
# run starts from the same empty store.  Prints "SECONDS USER SYSTEM"
# (the medians) on stdout.
# SPDX-License-Identifier: BSD-2-Clause
# usage: cpu.py REPS DB -- COMMAND [ARG...]
import glob
import os
import resource
import statistics
import subprocess
import sys

if len(sys.argv) < 5 or sys.argv[3] != "--":
    sys.exit("usage: cpu.py REPS DB -- COMMAND [ARG...]")
reps, db, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
tot, usr, sys_ = [], [], []
for _ in range(reps):
    if db != "-":
        for f in glob.glob(db) + glob.glob(db + "-*"):
            os.unlink(f)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("cpu.py: %s exited %d" % (cmd[0], p.returncode))
    u, s = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    tot.append(u + s)
    usr.append(u)
    sys_.append(s)
print("%.6f %.6f %.6f" % (statistics.median(tot), statistics.median(usr),
                          statistics.median(sys_)))
