#!/usr/bin/env python3
"""A loopback reverse proxy that adds a fixed latency to every request.

usage: latency_proxy.py UPSTREAM_URL DELAY_MS [PORT_FILE]

Listens on a free 127.0.0.1 port (written to PORT_FILE, or printed on
stdout) and forwards every request to UPSTREAM_URL (plain http, such as a
local moto) after sleeping DELAY_MS, as if the server were that far away:
a client that sends N requests one after another waits N x DELAY_MS, one
that sends them in parallel waits DELAY_MS. HTTP/1.1 with keep-alive, so a
client may reuse its connections.

It counts what it sees: GET /__proxy/stats answers (without delay, not
forwarded) {"requests": N, "connections": N, "by_kind": {...}, "max_concurrent": N},
where a kind is the STS Action of a form POST, or ListClusters /
DescribeCluster for the EKS paths; POST /__proxy/reset clears the counts; POST /__proxy/delay/MS sets the
delay.
Standard library only. Used by tests/bench/run.
"""
import http.client
import http.server
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te",
              "trailer", "transfer-encoding", "upgrade"}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.requests = 0
        self.connections = 0
        self.by_kind = {}
        self.inflight = 0
        self.max_concurrent = 0

    def reset(self):
        with self.lock:
            self.clear()

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests,
                    "connections": self.connections,
                    "by_kind": dict(self.by_kind),
                    "max_concurrent": self.max_concurrent}


STATS = Stats()


def kind_of(method, path, body):
    path = urllib.parse.urlsplit(path).path
    if method == "POST" and body:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    if method == "GET" and path == "/clusters":
        return "ListClusters"
    if method == "GET" and path.startswith("/clusters/"):
        return "DescribeCluster"
    return method + " " + path


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port)
    delay = 0.0

    def setup(self):
        super().setup()
        with STATS.lock:
            STATS.connections += 1
        self.up = None

    def log_message(self, fmt, *args):  # quiet
        pass

    def reply(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path == "/__proxy/stats":
            self.reply(200, json.dumps(STATS.snapshot()).encode())
            return
        if self.path.startswith("/__proxy/delay/"):
            Handler.delay = float(self.path.rsplit("/", 1)[1]) / 1000.0
            self.reply(200, b"{}")
            return
        if self.path == "/__proxy/reset":
            STATS.reset()
            self.reply(200, b"{}")
            return
        kind = kind_of(self.command, self.path, body)
        with STATS.lock:
            STATS.requests += 1
            STATS.by_kind[kind] = STATS.by_kind.get(kind, 0) + 1
            STATS.inflight += 1
            STATS.max_concurrent = max(STATS.max_concurrent, STATS.inflight)
        try:
            time.sleep(self.delay)
            status, headers, data = self.forward(body)
        finally:
            with STATS.lock:
                STATS.inflight -= 1
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP}
        for attempt in (1, 2):
            if self.up is None:
                self.up = http.client.HTTPConnection(*self.upstream,
                                                     timeout=30)
            try:
                self.up.request(self.command, self.path, body=body or None,
                                headers=headers)
                r = self.up.getresponse()
                return r.status, r.getheaders(), r.read()
            except (http.client.HTTPException, OSError):
                self.up.close()
                self.up = None
                if attempt == 2:
                    return 502, [], b"proxy: upstream failed"
        return 502, [], b""

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    def finish(self):
        if self.up is not None:
            self.up.close()
        super().finish()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a wave of parallel connects, not 5


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    up = urllib.parse.urlsplit(argv[1])
    Handler.upstream = (up.hostname, up.port or 80)
    Handler.delay = float(argv[2]) / 1000.0
    srv = Server(("127.0.0.1", 0), Handler)
    port = str(srv.server_address[1])
    if len(argv) == 4:
        with open(argv[3] + ".tmp", "w") as f:
            f.write(port + "\n")
        os.rename(argv[3] + ".tmp", argv[3])
    else:
        print(port, flush=True)
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
