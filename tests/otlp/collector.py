#!/usr/bin/python3
# tests/otlp/collector.py - the OTLP tests' receiving end: an HTTP server
# on 127.0.0.1 (Python's own http.server) that keeps every POST body to
# /v1/traces in OUTDIR/N.json and answers as told.  It prints its port on
# stdout once it listens (its pid in OUTDIR/pid), and ends after COUNT
# bodies, or at SIGTERM.
# SPDX-License-Identifier: BSD-2-Clause
# usage: collector.py OUTDIR COUNT [MODE]
#   MODE ok (default): 200 to all
#        busy N: 503 to the first N posts (Retry-After: 0 on the first),
#                then 200
#        refuse: 400 with a short body to all
#        hang: never answer (reads the post, keeps the connection)
import http.server
import os
import signal
import sys
import threading

outdir, count = sys.argv[1], int(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else "ok"
busy = int(sys.argv[4]) if mode == "busy" else 0
state = {"posts": 0, "kept": 0}
lock = threading.Lock()
done = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with lock:
            state["posts"] += 1
            k = state["posts"]
            with open(os.path.join(outdir, "posts.log"), "a") as f:
                f.write("%d %s %s %d\n" % (k, self.path,
                        self.headers.get("Content-Type"), n))
        if mode == "hang":
            done.wait(60)
            return
        if mode == "refuse":
            self.reply(400, b"bad request: no spans here")
            return
        if mode == "busy" and k <= busy:
            self.reply(503, b"busy", retry_after=k == 1)
            return
        if self.path != "/v1/traces":
            self.reply(404, b"no such path")
            return
        with lock:
            state["kept"] += 1
            kept = state["kept"]
            with open(os.path.join(outdir, "%d.json" % kept), "wb") as f:
                f.write(body)
        self.reply(200, b"{}")
        if kept >= count:
            done.set()

    def reply(self, code, body, retry_after=False):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if retry_after:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)


with open(os.path.join(outdir, "pid"), "w") as f:
    f.write("%d\n" % os.getpid())
signal.signal(signal.SIGTERM, lambda *a: done.set())
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
print(srv.server_address[1], flush=True)
threading.Thread(target=srv.serve_forever, daemon=True).start()
done.wait(120)
srv.shutdown()
