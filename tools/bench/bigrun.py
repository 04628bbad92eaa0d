#!/usr/bin/env python3
# tools/bench/bigrun.py - make a large run in a mailtrace store, for
# measuring `mailtrace show` on it (docs/benchmarks.md, "show of a large
# run").
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: bigrun.py DB RECORDS [CONCURRENT]
#
# DB must hold a run made by mailtrace (e.g. `mailtrace decode --db DB` of a
# small tools/gencap capture): its newest run not made by bigrun.py is the
# template (at most 100,000 records).  A new run
# is added whose records are copies of the template's, each copy under new
# session numbers, until RECORDS records are stored.  Copies are inserted
# CONCURRENT (default 400) at a time, one record of each in turn, so their
# sessions interleave as a decoder's do (CONCURRENT is lowered so that a
# batch holds at most 1,000,000 rows).  Prints the new run's id.
import sqlite3
import sys

COLS = ("session, seq, event, level, rc, intf, opr, opt, time, client, "
        "server, source, elapsed_us, bytes, body_end, anomaly, detail")


def main():
    if len(sys.argv) not in (3, 4):
        print("usage: bigrun.py DB RECORDS [CONCURRENT]", file=sys.stderr)
        return 2
    db = sqlite3.connect(sys.argv[1])
    want = int(sys.argv[2])
    conc = int(sys.argv[3]) if len(sys.argv) == 4 else 400
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    (tmpl,) = db.execute("SELECT max(id) FROM runs WHERE target NOT LIKE "
                         "'%(bigrun.py)'").fetchone()
    if tmpl is None:
        print("bigrun.py: no run in %s to copy" % sys.argv[1],
              file=sys.stderr)
        return 2
    rows = db.execute("SELECT " + COLS + " FROM records WHERE run = ? "
                      "ORDER BY rowid LIMIT 100001", (tmpl,)).fetchall()
    if not rows or len(rows) > 100000:
        print("bigrun.py: run %d has no records or more than 100,000"
              % tmpl, file=sys.stderr)
        return 2
    conc = max(1, min(conc, 1000000 // len(rows)))  # 1e6 rows a batch at most
    nsess = max(r[0] for r in rows)
    cur = db.execute("INSERT INTO runs (proto, target, level, started, pid, "
                     "finished, exit_status) SELECT proto, target || ' "
                     "(bigrun.py)', level, started, pid, finished, "
                     "exit_status FROM runs WHERE id = ?", (tmpl,))
    run = cur.lastrowid
    ins = ("INSERT INTO records (run, " + COLS + ") VALUES "
           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    done = 0
    copy = 0
    while done < want:
        batch = []
        block = range(copy, copy + conc)
        for r in rows:
            for c in block:
                batch.append((run, r[0] + c * nsess) + tuple(r[1:]))
        batch = batch[:want - done]
        db.executemany(ins, batch)
        db.commit()
        done += len(batch)
        copy += conc
    print(run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
