#!/usr/bin/env python3
# tools/bench/manyruns.py - make a store of many runs, for measuring
# `mailtrace runs --since 1h` on it (docs/benchmarks.md, "Finding runs").
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: manyruns.py DB RECORDS DAYS
#
# DB must hold a run made by mailtrace at schema 10 or later (e.g. a
# `mailtrace decode --db DB` of a small capture): its newest run is the
# template.  Copies of it (its runs row and its records) are added until
# DB holds about RECORDS records, their start times spread evenly over the
# DAYS days before now, the newest now; each copy is summarized as
# store_run_end() does (the summary columns and run_servers).
import sqlite3
import sys
import time

COLS = ("session, seq, event, level, rc, intf, opr, opt, time, client, "
        "server, source, elapsed_us, bytes, body_end, anomaly, detail, "
        "reply, tls, explanation, dns")
RCOLS = "proto, target, level, pid, args, baseline"


def main():
    if len(sys.argv) != 4:
        print("usage: manyruns.py DB RECORDS DAYS", file=sys.stderr)
        return 2
    db = sqlite3.connect(sys.argv[1])
    want, days = int(sys.argv[2]), float(sys.argv[3])
    tmpl = db.execute("SELECT max(id) FROM runs").fetchone()[0]
    recs = db.execute("SELECT " + COLS + " FROM records WHERE run = ? "
                      "ORDER BY rowid", (tmpl,)).fetchall()
    row = db.execute("SELECT " + RCOLS + " FROM runs WHERE id = ?",
                     (tmpl,)).fetchone()
    n = max(1, want // max(1, len(recs)))
    now = int(time.time() * 1e6)
    span = int(days * 86400e6)
    ph = ",".join("?" * 22)
    for i in range(n):
        started = now - span + span * (i + 1) // n
        cur = db.execute("INSERT INTO runs (" + RCOLS + ", started, "
                         "finished, exit_status) VALUES (?,?,?,?,?,?,?,?,0)",
                         row + (started, started + 5000))
        run = cur.lastrowid
        db.executemany("INSERT INTO records (run, " + COLS + ") VALUES (" +
                       ph + ")", [(run,) + r for r in recs])
        db.execute("UPDATE runs SET sessions = (SELECT count(DISTINCT "
                   "session) FROM records WHERE run = ?1 AND session > 0), "
                   "steps = (SELECT count(*) FROM records WHERE run = ?1), "
                   "summarized = 1 WHERE id = ?1", (run,))
        db.execute("UPDATE runs SET (fail_session, fail_seq, fail_event, "
                   "fail_intf, fail_exc) = (SELECT session, seq, event, "
                   "intf, opt FROM records WHERE run = ?1 AND rc != 0 "
                   "ORDER BY rowid LIMIT 1) WHERE id = ?1", (run,))
        db.execute("INSERT OR IGNORE INTO run_servers (server, run) SELECT "
                   "DISTINCT server, run FROM records WHERE run = ?1 AND "
                   "server != ''", (run,))
        if i % 1000 == 999:
            db.commit()
    db.commit()
    print(n, "runs of", len(recs), "records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
