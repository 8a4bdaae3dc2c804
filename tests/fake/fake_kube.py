#!/usr/bin/env python3
"""fake_kube.py: a fake Kubernetes API server that checks EKS bearer tokens.

Usage:
  python3 fake_kube.py --cert PEM --key PEM --cluster NAME \\
      --access-key-id AKID --secret-access-key SECRET \\
      [--session-token TOKEN] [--log REQUESTS.jsonl] [--lifetime SECONDS] \\
      [--parent-pid PID] [--port PORT]
  python3 fake_kube.py --self-test

Serves HTTPS with the given certificate on 127.0.0.1 (never anything else),
port PORT (default 0: the kernel picks one), and prints the port as the
first line of stdout (flushed). Diagnostics go to stderr. It exits by itself
after --lifetime seconds (default 300) and as soon as --parent-pid (if
given) is gone or a zombie. Python 3 standard library only.

Every request must carry "Authorization: Bearer <token>" with an EKS token
(aws-protocols.md section 4) that aws-iam-authenticator's verifier would
accept (section 4.3) and that STS would then accept for the cluster
--cluster. STS is not called: the presigned GetCallerIdentity URL is
checked here, in this order, and the first failing check is the reason:

   1. an Authorization header, scheme Bearer, a non-empty token;
   2. token at most 4096 bytes; prefix "k8s-aws-v1.";
   3. the rest is unpadded base64url: no "=", only A-Z a-z 0-9 - _, a
      possible length; it decodes to a UTF-8 URL without spaces or
      control characters;
   4. scheme https; host exactly sts.amazonaws.com or
      sts.<region>.amazonaws.com (no port, no user info); path exactly
      "/"; no fragment; well-formed %-escapes in the query;
   5. query keys only from the whitelist (compared case-insensitively):
      Action, Version, X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
      X-Amz-Expires, X-Amz-Security-Token, X-Amz-Signature,
      X-Amz-SignedHeaders; each key once (case-insensitively) with one
      value (the CVE-2022-2385 duplicate-parameter bypass);
   6. Action=GetCallerIdentity; X-Amz-SignedHeaders lists x-k8s-aws-id;
      X-Amz-Expires a whole number in 0..900; X-Amz-Date is
      YYYYMMDDTHHMMSSZ, less than 900 s old and at most 300 s in the future
      by this server's clock (this is where aws-iam-authenticator stops
      and calls STS; what follows is what STS checks);
   7. Version=2011-06-15; X-Amz-Algorithm=AWS4-HMAC-SHA256;
      X-Amz-Credential is AKID/DATE/REGION/sts/aws4_request with the known
      AKID, DATE = the first 8 characters of X-Amz-Date and REGION the
      host's (us-east-1 for sts.amazonaws.com);
   8. with --session-token: X-Amz-Security-Token present and equal to it;
   9. X-Amz-SignedHeaders lower-case, sorted, without repeats, with host,
      and naming only headers the verifier sends (host, x-k8s-aws-id,
      accept);
  10. X-Amz-Signature is 64 lower-case hex digits and equals the SigV4
      presigned-URL signature recomputed here (section 1, written out
      below, not botocore's) for GET with host: <URL host>,
      x-k8s-aws-id: <--cluster>, accept: application/json, the
      canonical query of every parameter but X-Amz-Signature, the
      empty-body hash and the known secret.

A failure answers 401 with a Kubernetes Status body ("Unauthorized").
Authenticated requests get just enough of the API for `kubectl version`
and `kubectl get namespaces` (kubectl 1.32):

  GET /version                  version info (gitVersion v1.32.0-fake)
  GET /api, /apis               legacy discovery (APIVersions with v1, an
                                empty APIGroupList); aggregated discovery
                                is not offered, so kubectl falls back
  GET /api/v1                   APIResourceList: namespaces only
  GET /api/v1/namespaces[/NAME] NamespaceList (default, kube-system) or a
                                Namespace, as JSON or as a meta.k8s.io/v1
                                Table when the Accept header asks for one
  anything else                 404 NotFound or 405 MethodNotAllowed Status

With --log, every request is appended to the file as one JSON object per
line, before it is answered: time (epoch), method, path (without the
query), query (raw), accept (the Accept header), verdict ("ok" or
"denied"), reason (why it was denied, or "token verified"), token_prefix
(the first 24 characters at most, never the whole token), token_len, and
once the URL is decoded sts_host, akid, region, amz_date; for a signature
mismatch also got_sig and want_sig (first 16 hex digits each); status
(the HTTP status sent).

--self-test recomputes the known-answer EKS token signatures of
aws-protocols.md section 4.2 with this file's SigV4 code and exits 0 if
they match.
"""

import argparse
import base64
import binascii
import calendar
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time
import urllib.parse

import fakelife

LISTEN_HOST = "127.0.0.1"
TOKEN_PREFIX = "k8s-aws-v1."
MAX_TOKEN_BYTES = 4096
MAX_AGE_S = 15 * 60
MAX_FUTURE_S = 5 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
WHITELIST = {k.lower(): k for k in (
    "Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
    "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-Signature",
    "X-Amz-SignedHeaders")}
REGION_RE = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
STS_HOST_RE = re.compile(r"^sts(?:\.(" + REGION_RE + r"))?\.amazonaws\.com$")
AMZ_DATE_RE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")
BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
SIG_RE = re.compile(r"^[0-9a-f]{64}$")
GIT_VERSION = "v1.32.0-fake"
NAMESPACES = ("default", "kube-system")
MAX_BODY = 1024 * 1024


class Denied(Exception):
    """A token check failed; the argument is the reason."""


# ---------------------------------------------------------------------------
# SigV4, presigned (query) form, written from aws-protocols.md section 1.


def uri_encode(text):
    """Percent-encode every byte but A-Z a-z 0-9 - _ . ~ (upper-case hex)."""
    return urllib.parse.quote(text.encode("utf-8"), safe="-_.~")


def canonical_query(pairs):
    """Decoded (key, value) pairs -> the sorted, re-encoded query string."""
    enc = sorted((uri_encode(k), uri_encode(v)) for k, v in pairs)
    return "&".join("%s=%s" % kv for kv in enc)


def canonical_header_value(value):
    return " ".join(value.split())


def hmac_sha256(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def presigned_signature(secret, amz_date, region, service, method, path,
                        query_pairs, headers, signed_headers):
    """The hex signature of a presigned request.

    query_pairs: decoded pairs without X-Amz-Signature; headers: dict of
    lower-case name -> value; signed_headers: list of lower-case names
    (sorted). Returns (signature, canonical request)."""
    date = amz_date[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    creq = "\n".join([
        method,
        path,
        canonical_query(query_pairs),
        "".join("%s:%s\n" % (h, canonical_header_value(headers[h]))
                for h in signed_headers),
        ";".join(signed_headers),
        EMPTY_SHA256,
    ])
    sts = "\n".join([
        "AWS4-HMAC-SHA256",
        amz_date,
        scope,
        hashlib.sha256(creq.encode("utf-8")).hexdigest(),
    ])
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac_sha256(key, part)
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest(), creq


def self_test():
    """The section 4.2 vectors (1) and (2); 0 if both match."""
    akid, secret = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    base = [
        ("Action", "GetCallerIdentity"), ("Version", "2011-06-15"),
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential",
         akid + "/20150830/us-west-2/sts/aws4_request"),
        ("X-Amz-Date", "20150830T123600Z"), ("X-Amz-Expires", "60"),
        ("X-Amz-SignedHeaders", "host;x-k8s-aws-id"),
    ]
    headers = {"host": "sts.us-west-2.amazonaws.com", "x-k8s-aws-id": "demo"}
    cases = [
        (base, "2dd81f87de27eaf417233f64a2c9fc9255f96f83d01149799606ebf47bbbd365"),
        (base + [("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE/+token==")],
         "841e742eb5c48ce900f962ec6b6fa4e3f98ee4b51fba4e60a99f06aee2cea981"),
    ]
    bad = 0
    for i, (pairs, want) in enumerate(cases, 1):
        got, _ = presigned_signature(secret, "20150830T123600Z", "us-west-2",
                                     "sts", "GET", "/", pairs, headers,
                                     ["host", "x-k8s-aws-id"])
        ok = got == want
        bad += not ok
        print("vector (%d): %s %s" % (i, "ok" if ok else "MISMATCH", got))
    # Vector (1) again, through the whole verifier, at its own time.
    url = ("https://sts.us-west-2.amazonaws.com/?" + "&".join(
        "%s=%s" % (k, urllib.parse.quote(v, safe="")) for k, v in base)
        + "&X-Amz-Signature=" + cases[0][1])
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(
        url.encode()).decode().rstrip("=")
    cfg = argparse.Namespace(cluster="demo", access_key_id=akid,
                             secret_access_key=secret, session_token=None)
    info = {}
    try:
        verify_token(token, cfg,
                     calendar.timegm((2015, 8, 30, 12, 37, 0, 0, 0, 0)), info)
        print("verifier on vector (1): ok")
    except Denied as e:
        bad += 1
        print("verifier on vector (1): DENIED: %s" % e)
    return 1 if bad else 0


# ---------------------------------------------------------------------------
# The token verifier.


def decode_token(token):
    """Checks 2-3: the URL text inside an EKS token."""
    if len(token.encode("utf-8")) > MAX_TOKEN_BYTES:
        raise Denied("token longer than %d bytes" % MAX_TOKEN_BYTES)
    if not token.startswith(TOKEN_PREFIX):
        raise Denied("token lacks the %s prefix" % TOKEN_PREFIX)
    b64 = token[len(TOKEN_PREFIX):]
    if "=" in b64:
        raise Denied("token base64 is padded ('=' found)")
    if not B64URL_RE.match(b64):
        bad = next(c for c in b64 if not B64URL_RE.match(c))
        raise Denied("token is not unpadded base64url (character %r)" % bad)
    if len(b64) % 4 == 1:
        raise Denied("token base64 has an impossible length")
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    except (binascii.Error, ValueError) as e:
        raise Denied("token base64 does not decode: %s" % e)
    try:
        url = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Denied("token URL is not UTF-8")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in url):
        raise Denied("token URL contains spaces or control characters")
    return url


def parse_query(raw_query):
    """Check 5: whitelisted, unique, single-valued keys. Returns the pairs
    in URL order (decoded) and a dict lower-case key -> value."""
    if BAD_ESCAPE_RE.search(raw_query):
        raise Denied("token URL query has a malformed %-escape")
    pairs = urllib.parse.parse_qsl(raw_query, keep_blank_values=True)
    for k, _ in pairs:
        if k.lower() not in WHITELIST:
            raise Denied("non-whitelisted query parameter %s" % k)
    seen = {}  # lower-case key -> its first spelling
    for k, _ in pairs:
        first = seen.get(k.lower())
        if first == k:
            raise Denied("query parameter %s has several values" % k)
        if first is not None:
            raise Denied("duplicate query parameter %s (also as %s)"
                         % (k, first))
        seen[k.lower()] = k
    return pairs, {k.lower(): v for k, v in pairs}


def verify_token(token, cfg, now, info):
    """Raise Denied(reason) unless the token is good for cfg at time now.

    info collects what was decoded, for the log."""
    url = decode_token(token)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https":
        raise Denied("token URL scheme is %r, not https" % parts.scheme)
    host = parts.netloc
    info["sts_host"] = host
    m = STS_HOST_RE.match(host)
    if not m:
        raise Denied("token URL host %r is not an STS host" % host)
    host_region = m.group(1) or "us-east-1"
    if parts.path != "/":
        raise Denied("token URL path is %r, not /" % parts.path)
    if parts.fragment or "#" in url:
        raise Denied("token URL has a fragment")
    pairs, q = parse_query(parts.query)

    # aws-iam-authenticator's own checks.
    if q.get("action") != "GetCallerIdentity":
        raise Denied("Action is %r, not GetCallerIdentity" % q.get("action"))
    signed = q.get("x-amz-signedheaders", "")
    if "x-k8s-aws-id" not in [h.lower() for h in signed.split(";")]:
        raise Denied("X-Amz-SignedHeaders %r lacks x-k8s-aws-id" % signed)
    expires = q.get("x-amz-expires")
    if expires is None or not re.match(r"^[0-9]{1,6}$", expires) \
            or int(expires) > 900:
        raise Denied("X-Amz-Expires %r is not in 0..900" % expires)
    amz_date = q.get("x-amz-date", "")
    info["amz_date"] = amz_date
    try:
        if not AMZ_DATE_RE.match(amz_date):
            raise ValueError
        signed_at = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise Denied("X-Amz-Date %r is not YYYYMMDDTHHMMSSZ" % amz_date)
    age = now - signed_at
    if age >= MAX_AGE_S:
        raise Denied("X-Amz-Date %s is %d s old (limit %d s)"
                     % (amz_date, age, MAX_AGE_S))
    if -age > MAX_FUTURE_S:
        raise Denied("X-Amz-Date %s is %d s in the future (limit %d s)"
                     % (amz_date, -age, MAX_FUTURE_S))

    # What STS checks: exact parameter names from here on.
    exact = dict(pairs)
    if exact.get("Version") != "2011-06-15":
        raise Denied("Version is %r, not 2011-06-15" % exact.get("Version"))
    if exact.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        raise Denied("X-Amz-Algorithm is %r, not AWS4-HMAC-SHA256"
                     % exact.get("X-Amz-Algorithm"))
    cred = exact.get("X-Amz-Credential", "")
    scope = cred.split("/")
    if len(scope) != 5:
        raise Denied("X-Amz-Credential %r is not AKID/DATE/REGION/SERVICE/"
                     "aws4_request" % cred)
    akid, date, region, service, term = scope
    info["akid"], info["region"] = akid, region
    if akid != cfg.access_key_id:
        raise Denied("credential access key %s is not the known one" % akid)
    if date != amz_date[:8]:
        raise Denied("credential date %s does not match X-Amz-Date %s"
                     % (date, amz_date))
    if service != "sts":
        raise Denied("credential service is %r, not sts" % service)
    if term != "aws4_request":
        raise Denied("credential scope ends in %r, not aws4_request" % term)
    if region != host_region:
        raise Denied("credential region %s does not match host %s"
                     % (region, host))
    if cfg.session_token is not None:
        tok = exact.get("X-Amz-Security-Token")
        if tok is None:
            raise Denied("X-Amz-Security-Token missing")
        if not hmac.compare_digest(tok.encode(), cfg.session_token.encode()):
            raise Denied("X-Amz-Security-Token does not match")
    signed_list = exact.get("X-Amz-SignedHeaders", "").split(";")
    if signed_list != sorted(set(signed_list)) or \
            any(h != h.lower() for h in signed_list):
        raise Denied("X-Amz-SignedHeaders %r is not lower-case, sorted and "
                     "without repeats" % ";".join(signed_list))
    if "host" not in signed_list:
        raise Denied("X-Amz-SignedHeaders lacks host")
    sent = {"host": host, "x-k8s-aws-id": cfg.cluster,
            "accept": "application/json"}
    for h in signed_list:
        if h not in sent:
            raise Denied("signed header %s is not one the verifier sends" % h)
    got = exact.get("X-Amz-Signature", "")
    if not SIG_RE.match(got):
        raise Denied("X-Amz-Signature is not 64 lower-case hex digits")
    want, _ = presigned_signature(
        cfg.secret_access_key, amz_date, region, "sts", "GET", "/",
        [(k, v) for k, v in pairs if k != "X-Amz-Signature"], sent,
        signed_list)
    if not hmac.compare_digest(got, want):
        info["got_sig"], info["want_sig"] = got[:16], want[:16]
        raise Denied("signature mismatch")


# ---------------------------------------------------------------------------
# The Kubernetes API.


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def human_age(seconds):
    seconds = max(0, int(seconds))
    if seconds < 120:
        return "%ds" % seconds
    if seconds < 3 * 3600:
        return "%dm" % (seconds // 60)
    if seconds < 48 * 3600:
        return "%dh" % (seconds // 3600)
    return "%dd" % (seconds // 86400)


def status_body(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason,
            "code": code}


def accepts_table(accept):
    """True if the Accept header asks for a meta.k8s.io/v1 Table first
    (before plain JSON)."""
    for item in accept.split(","):
        fields = [f.strip() for f in item.split(";")]
        params = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
        if fields[0] not in ("application/json", "*/*"):
            continue
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io" \
                and params.get("v") == "v1":
            return True
        if "as" not in params:
            return False
    return False


class Api:
    def __init__(self, port):
        self.port = port
        self.created = int(time.time()) - 86400

    def namespace(self, name):
        return {
            "kind": "Namespace", "apiVersion": "v1",
            "metadata": {
                "name": name,
                "uid": "00000000-0000-4000-8000-%012d"
                       % (NAMESPACES.index(name) + 1),
                "resourceVersion": "1",
                "creationTimestamp": rfc3339(self.created),
                "labels": {"kubernetes.io/metadata.name": name},
            },
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }

    def table(self, objs, include):
        cols = [
            ("Name", "string", "name", "Name must be unique within a "
             "namespace."),
            ("Status", "string", "", "The status of the namespace"),
            ("Age", "string", "", "CreationTimestamp is a timestamp "
             "representing the server time when this object was created."),
        ]
        rows = []
        for o in objs:
            row = {"cells": [o["metadata"]["name"], o["status"]["phase"],
                             human_age(time.time() - self.created)]}
            if include == "Object":
                row["object"] = o
            elif include != "None":
                row["object"] = {"kind": "PartialObjectMetadata",
                                 "apiVersion": "meta.k8s.io/v1",
                                 "metadata": o["metadata"]}
            rows.append(row)
        return {
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "1"},
            "columnDefinitions": [
                {"name": n, "type": t, "format": f, "description": d,
                 "priority": 0} for n, t, f, d in cols],
            "rows": rows,
        }

    def get(self, path, query, accept):
        """(status, content type, body object) for an authenticated GET."""
        json_type = "application/json"
        table_type = "application/json;as=Table;v=v1;g=meta.k8s.io"
        if path == "/version":
            return 200, json_type, {
                "major": "1", "minor": "32", "gitVersion": GIT_VERSION,
                "gitCommit": "0" * 40, "gitTreeState": "clean",
                "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.0",
                "compiler": "gc", "platform": "linux/amd64"}
        if path == "/api":
            return 200, json_type, {
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{
                    "clientCIDR": "0.0.0.0/0",
                    "serverAddress": "127.0.0.1:%d" % self.port}]}
        if path == "/apis":
            return 200, json_type, {"kind": "APIGroupList",
                                    "apiVersion": "v1", "groups": []}
        if path == "/api/v1":
            return 200, json_type, {
                "kind": "APIResourceList", "groupVersion": "v1",
                "resources": [{
                    "name": "namespaces", "singularName": "namespace",
                    "namespaced": False, "kind": "Namespace",
                    "verbs": ["get", "list"], "shortNames": ["ns"],
                    "storageVersionHash": "Q3oi5N2YM8M="}]}
        include = query.get("includeObject", "Metadata")
        if path == "/api/v1/namespaces":
            items = [self.namespace(n) for n in NAMESPACES]
            if accepts_table(accept):
                return 200, table_type, self.table(items, include)
            return 200, json_type, {
                "kind": "NamespaceList", "apiVersion": "v1",
                "metadata": {"resourceVersion": "1"}, "items": items}
        m = re.match(r"^/api/v1/namespaces/([^/]+)$", path)
        if m and m.group(1) in NAMESPACES:
            obj = self.namespace(m.group(1))
            if accepts_table(accept):
                return 200, table_type, self.table([obj], include)
            return 200, json_type, obj
        if m:
            return 404, json_type, dict(
                status_body(404, "NotFound",
                            'namespaces "%s" not found' % m.group(1)),
                details={"name": m.group(1), "kind": "namespaces"})
        return 404, json_type, status_body(
            404, "NotFound", "the server could not find the requested "
            "resource")


# ---------------------------------------------------------------------------
# HTTP(S).


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_kube"
    sys_version = ""
    timeout = 30

    def setup(self):
        # The TLS handshake happens here, in the request's own thread, so a
        # silent client cannot block the accept loop.
        self.request.settimeout(self.timeout)
        self.request = self.server.tls.wrap_socket(self.request,
                                                   server_side=True)
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            try:
                self.request.close()
            except OSError:
                pass

    def log_message(self, fmt, *args):
        sys.stderr.write("fake_kube: %s\n" % (fmt % args))

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            length = 0
        if length:
            self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query,
                                            keep_blank_values=True))
        accept = self.headers.get("Accept", "")
        entry = {"time": time.time(), "method": self.command,
                 "path": url.path, "query": url.query, "accept": accept}
        info = {}
        verdict, reason = "ok", "token verified"
        auth = self.headers.get_all("Authorization") or []
        token = ""
        try:
            if not auth:
                raise Denied("no Authorization header")
            if len(auth) > 1:
                raise Denied("several Authorization headers")
            scheme, _, token = auth[0].strip().partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer":
                token = ""
                raise Denied("Authorization scheme is not Bearer")
            if not token:
                raise Denied("empty bearer token")
            verify_token(token, self.server.cfg, time.time(), info)
        except Denied as e:
            verdict, reason = "denied", str(e)
        entry.update(verdict=verdict, reason=reason,
                     token_prefix=token[:24], token_len=len(token))
        entry.update(info)
        if verdict != "ok":
            status, ctype = 401, "application/json"
            body = status_body(401, "Unauthorized", "Unauthorized")
        elif self.command != "GET":
            status, ctype = 405, "application/json"
            body = status_body(405, "MethodNotAllowed",
                               "the server does not allow this method on "
                               "the requested resource")
        else:
            status, ctype, body = self.server.api.get(url.path, query,
                                                      accept)
        entry["status"] = status
        self.server.log(entry)
        data = (json.dumps(body) + "\n").encode("utf-8")
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        sys.stderr.write("fake_kube: connection error: %r\n" % (e,))

    def log(self, entry):
        sys.stderr.write("fake_kube: %s %s -> %s %s\n" % (
            entry["method"], entry["path"], entry["status"], entry["reason"]))
        sys.stderr.flush()
        if not self.log_path:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.log_lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)


def main(argv):
    p = argparse.ArgumentParser(
        prog="fake_kube.py",
        description="A fake Kubernetes API server that checks EKS tokens.")
    p.add_argument("--self-test", action="store_true")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--cluster")
    p.add_argument("--access-key-id")
    p.add_argument("--secret-access-key")
    p.add_argument("--session-token")
    p.add_argument("--log")
    p.add_argument("--lifetime", type=float, default=300.0)
    p.add_argument("--parent-pid", type=int, default=0)
    p.add_argument("--port", type=int, default=0)
    cfg = p.parse_args(argv[1:])
    if cfg.self_test:
        return self_test()
    for name in ("cert", "key", "cluster", "access_key_id",
                 "secret_access_key"):
        if not getattr(cfg, name):
            p.error("--%s is required" % name.replace("_", "-"))

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.set_alpn_protocols(["http/1.1"])
    try:
        tls.load_cert_chain(cfg.cert, cfg.key)
    except (OSError, ssl.SSLError) as e:
        sys.stderr.write("fake_kube: cannot load %s / %s: %s\n"
                         % (cfg.cert, cfg.key, e))
        return 2
    if cfg.log:
        open(cfg.log, "a").close()
    server = Server((LISTEN_HOST, cfg.port), Handler)
    server.tls = tls
    server.cfg = cfg
    server.log_path = cfg.log
    server.log_lock = threading.Lock()
    server.api = Api(server.server_address[1])
    threading.Thread(target=fakelife.watchdog,
                     args=("fake_kube", cfg.lifetime, cfg.parent_pid),
                     daemon=True).start()
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
