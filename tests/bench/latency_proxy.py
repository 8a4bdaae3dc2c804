#!/usr/bin/env python3
"""A loopback reverse proxy that adds a fixed latency to every request.

usage: latency_proxy.py UPSTREAM_URL DELAY_MS [PORT_FILE]

Listens on a free 127.0.0.1 port (written to PORT_FILE, or printed on
stdout) and forwards every request to UPSTREAM_URL (plain http, such as a
local moto) after sleeping DELAY_MS, as if the server were that far away:
a client that sends N requests one after another waits N x DELAY_MS, one
that sends them in parallel waits DELAY_MS. HTTP/1.1 with keep-alive, so a
client may reuse its connections. One asyncio loop serves every
connection, so the proxy's own time per request stays well under a
millisecond (a thread per connection cost several once 40 arrived at
once).

It counts what it sees: GET /__proxy/stats answers (without delay, not
forwarded) {"requests": N, "connections": N, "by_kind": {...},
"max_concurrent": N, "replay_misses": N}, where a kind is the STS Action
of a form POST, or ListClusters / DescribeCluster for the EKS paths;
POST /__proxy/reset clears the counts; POST /__proxy/delay/MS sets the
delay.

Record and replay, so the upstream's own time stays out of a measurement
of round trips: after POST /__proxy/record every answer is also stored,
keyed by method, path and query, body and the access key, region and
service the request was signed with; after POST /__proxy/replay a request
with a stored answer gets that answer (after the delay) without reaching
the upstream, others are forwarded and counted as replay misses;
POST /__proxy/live forwards everything again. A client replaying the
recorded run sees the same answers, hence the same credentials and the
same later requests.
Standard library only. Used by tests/bench/run.
"""
import asyncio
import http.client
import json
import os
import re
import sys
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te",
              "trailer", "transfer-encoding", "upgrade", "content-length"}

# Access key, then (after the date) signing region and service: one
# endpoint URL serves every region, told apart by the signature's scope.
CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/[0-9]+/([^/]+)/([^/]+)/")


class Proxy:
    def __init__(self, upstream, delay):
        self.upstream = upstream  # (host, port)
        self.delay = delay
        self.mode = "live"  # or "record", "replay"
        self.recorded = {}
        self.clear()

    def clear(self):
        self.requests = 0
        self.connections = 0
        self.by_kind = {}
        self.inflight = 0
        self.max_concurrent = 0
        self.replay_misses = 0

    def stats(self):
        return {"requests": self.requests, "connections": self.connections,
                "by_kind": dict(self.by_kind),
                "max_concurrent": self.max_concurrent,
                "replay_misses": self.replay_misses}

    # ------------------------------------------------------------ control
    def control(self, method, path):
        """The answer to a /__proxy/ request, or None for other paths."""
        if path == "/__proxy/stats":
            return json.dumps(self.stats()).encode()
        if method != "POST":
            return None
        if path.startswith("/__proxy/delay/"):
            self.delay = float(path.rsplit("/", 1)[1]) / 1000.0
        elif path == "/__proxy/reset":
            self.clear()
        elif path in ("/__proxy/live", "/__proxy/record", "/__proxy/replay"):
            self.mode = path.rsplit("/", 1)[1]
        else:
            return None
        return b"{}"

    # ------------------------------------------------------------ proxying
    def forward(self, method, path, headers, body):
        """One request to the upstream (in a worker thread)."""
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.request(method, path, body=body or None,
                         headers={k: v for k, v in headers.items()
                                  if k.lower() not in HOP_BY_HOP})
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        except (http.client.HTTPException, OSError):
            return 502, [], b"proxy: upstream failed"
        finally:
            conn.close()

    async def answer(self, method, path, headers, body):
        kind = kind_of(method, path, body)
        m = CREDENTIAL.search(headers.get("authorization", ""))
        key = (method, path, body, m.groups() if m else None)
        self.requests += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        self.inflight += 1
        self.max_concurrent = max(self.max_concurrent, self.inflight)
        try:
            await asyncio.sleep(self.delay)
            found = self.recorded.get(key) if self.mode == "replay" else None
            if found is None:
                found = await asyncio.get_running_loop().run_in_executor(
                    None, self.forward, method, path, headers, body)
                if self.mode == "record":
                    self.recorded[key] = found
                elif self.mode == "replay":
                    self.replay_misses += 1
            return found
        finally:
            self.inflight -= 1

    async def serve(self, reader, writer):
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length") or 0)
                body = await reader.readexactly(n) if n else b""
                ctl = self.control(method, path) \
                    if path.startswith("/__proxy/") else None
                if ctl is not None:
                    status, rh, data = 200, [("Content-Type",
                                              "application/json")], ctl
                else:
                    status, rh, data = await self.answer(method, path,
                                                         headers, body)
                out = ["HTTP/1.1 %d %s" % (status, http.client.responses.get(
                    status, "Status"))]
                out += ["%s: %s" % (k, v) for k, v in rh
                        if k.lower() not in HOP_BY_HOP]
                out.append("Content-Length: %d" % len(data))
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode(
                    "latin-1") + data)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError, ValueError):
            pass
        finally:
            writer.close()


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


async def run(argv):
    up = urllib.parse.urlsplit(argv[1])
    proxy = Proxy((up.hostname, up.port or 80), float(argv[2]) / 1000.0)
    # A wave of parallel connects must not overflow the backlog.
    srv = await asyncio.start_server(proxy.serve, "127.0.0.1", 0,
                                     backlog=256)
    port = str(srv.sockets[0].getsockname()[1])
    if len(argv) == 4:
        with open(argv[3] + ".tmp", "w") as f:
            f.write(port + "\n")
        os.rename(argv[3] + ".tmp", argv[3])
    else:
        print(port, flush=True)
    async with srv:
        await srv.serve_forever()


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    asyncio.run(run(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
