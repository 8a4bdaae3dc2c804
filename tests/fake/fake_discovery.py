#!/usr/bin/env python3
"""fake_discovery: the smallest Kubernetes API server kubectl apply
--dry-run=client needs, on 127.0.0.1 only.

kubectl maps each object's kind to a resource through the server's
discovery documents, then GETs the live object to choose between create
and patch. This serves legacy discovery for v1 (Namespace, ServiceAccount,
ConfigMap) and apps/v1 (Deployment), and 404 NotFound for everything
else, so every object is "created" client-side. No authentication, no
state. Prints its port on stdout; exits after --lifetime seconds.

Usage: fake_discovery.py [--lifetime SECONDS]
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def res(name, kind, namespaced=True):
    return {"name": name, "singularName": kind.lower(), "kind": kind,
            "namespaced": namespaced, "verbs": VERBS}


DOCS = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [
                 {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps",
         "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1",
                "resources": [res("namespaces", "Namespace", False),
                              res("serviceaccounts", "ServiceAccount"),
                              res("configmaps", "ConfigMap")]},
    "/apis/apps/v1": {"kind": "APIResourceList", "groupVersion": "apps/v1",
                      "resources": [res("deployments", "Deployment")]},
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        doc = DOCS.get(path)
        code = 200
        if doc is None:
            code = 404
            doc = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                   "status": "Failure", "reason": "NotFound",
                   "message": "not found", "code": 404}
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def main():
    lifetime = 120.0
    if len(sys.argv) == 3 and sys.argv[1] == "--lifetime":
        lifetime = float(sys.argv[2])
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    threading.Timer(lifetime, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
