#!/usr/bin/env python3
# tests/batch/overlap.py - how many of a store's runs were in flight at
# once: each run's [started, finished] from the runs table, the largest
# number overlapping at any instant (a run that ends as another starts
# does not overlap it).  With TARGET, only the runs of that target.
# SPDX-License-Identifier: BSD-2-Clause
# usage: overlap.py DB [TARGET]
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
q = "SELECT started, finished FROM runs"
args = ()
if len(sys.argv) > 2:
    q += " WHERE target = ?"
    args = (sys.argv[2],)
ev = []
for started, finished in db.execute(q, args):
    if finished is None:
        sys.exit("a run has not finished")
    ev.append((started, 1))
    ev.append((finished, -1))
ev.sort(key=lambda e: (e[0], e[1]))
live = best = 0
for _, d in ev:
    live += d
    best = max(best, live)
print(best)
