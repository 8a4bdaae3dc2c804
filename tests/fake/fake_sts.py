#!/usr/bin/env python3
"""fake_sts.py: a fault-injecting fake AWS endpoint for rolehop's tests.

Usage:  python3 fake_sts.py SCRIPT.json REQUESTS.jsonl [LIFETIME_SECONDS]

Listens on 127.0.0.1 (never anything else), on a port the kernel picks,
and prints that port as the first line of stdout (flushed). Diagnostics go
to stderr. It exits by itself after LIFETIME_SECONDS (default 300), and,
when the environment variable FAKE_STS_WATCH_PID is set, as soon as that
process is gone (tests/integration/lib.sh passes the test shell's PID, so a
killed test leaves nothing behind). Python 3 standard library only.

SCRIPT is a JSON list of rules (or {"rules": [...]}). For each request the
first rule that matches and is not used up answers it. A request no rule
answers gets HTTP 500, text/plain "fake_sts: no rule matched ...".

Rule fields (all optional):

  "match":   {"action": "AssumeRole"}       STS Action (form body or query)
             {"method": "GET", "path": "/clusters"}
             "path" is a shell-style pattern (fnmatch) on the path without
             the query; also "query": {NAME: VALUE}, "form": {NAME: VALUE}
             (exact values), "header": {lower-case-name: substring},
             "body_contains": "text". Absent = matches every request.
  "times":   N: the rule answers the first N matching requests, then is
             skipped.
  "reply":   a canned STS answer (XML like real STS):
             "assume_role", "assume_role_web_identity": credentials with a
               fresh ASIA... key (ASIAFAKE000000000001, ...), the account
               and role taken from the RoleArn form field, the session name
               from RoleSessionName; expires after "expires_in" seconds
               (default 3600);
             "get_caller_identity": for a key this server issued, the
               assumed role's ARN and account; otherwise an IAM user in
               "account" (default 123456789012);
             "error:CODE:HTTPSTATUS:MESSAGE": an STS ErrorResponse (Type
               Sender below 500, Receiver from 500; "error_type" overrides).
             "format": "json" gives the JSON shapes of aws-protocols.md §2.7
             instead (Expiration as epoch seconds, e.g. 1.785000000E9).
             "account" overrides the account of any canned reply.
  "status":  HTTP status (default 200, or the canned reply's).
  "headers": {NAME: VALUE}, added to (or replacing) the defaults. A "Date"
             here replaces the server's own Date header.
  "body":    a string, or a JSON object/list (sent as JSON). Replaces the
             canned reply's body. Content-Type defaults to text/xml for
             "<...", application/json for JSON, else text/plain.
  "fault":   null (answer normally), or
             "hang"         read the request, never answer; hold the
                            connection until the client closes it;
             "slow:SECONDS" sleep, then answer;
             "close"        close the connection without answering;
             "reset"        the same, with a TCP reset (RST);
             "truncate:N"   send the headers with the full Content-Length
                            but only the first N bytes of the body, then
                            close the connection.
  "comment": ignored.

Placeholders, replaced in bodies and header values when answering:
  {{expiration}}               now + 3600 s, ISO 8601 UTC with Z
  {{expiration_short:SECONDS}} now + SECONDS, the same format
  {{date}}, {{date:OFFSET}}    an HTTP Date value, now (+ OFFSET seconds,
                               may be negative: a skewed server clock)
  {{epoch}}, {{epoch:OFFSET}}  whole epoch seconds, now (+ OFFSET)

Every request is appended to REQUESTS.jsonl as one JSON object per line,
before it is answered: method, path (without the query), query (dict; the
last value of a repeated name), raw_query, headers (lower-case names),
body (text), form (dict, for form-encoded bodies), action (STS Action or
null), rule (index of the rule that answered, or null), time (epoch).

Example script: Throttling twice, then success.

  [{"match": {"action": "AssumeRole"}, "times": 2,
    "reply": "error:Throttling:400:Rate exceeded"},
   {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
   {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}]
"""

import base64
import email.utils
import fnmatch
import hashlib
import http.server
import json
import os
import re
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

import fakelife

LISTEN_HOST = "127.0.0.1"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
DEFAULT_ACCOUNT = "123456789012"
MAX_BODY = 16 * 1024 * 1024

RULE_KEYS = {
    "match", "times", "reply", "format", "account", "expires_in",
    "error_type", "status", "headers", "body", "fault", "comment",
}
MATCH_KEYS = {
    "action", "method", "path", "query", "form", "header", "body_contains",
}
PLACEHOLDER = re.compile(r"\{\{([a-z_]+)(?::([^}]*))?\}\}")


def die(msg):
    sys.stderr.write("fake_sts: %s\n" % msg)
    sys.stderr.flush()
    os._exit(2)


def xml_escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def iso8601(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def sci_epoch(epoch):
    """Epoch seconds in the scientific notation seen in STS JSON."""
    return "%.9fE9" % (int(epoch) / 1e9)


def substitute(text, now):
    """Replace the {{...}} placeholders in text."""

    def repl(m):
        name, arg = m.group(1), m.group(2)
        off = float(arg) if arg not in (None, "") else 0.0
        if name == "expiration":
            return iso8601(now + 3600)
        if name == "expiration_short":
            return iso8601(now + off)
        if name == "date":
            return email.utils.formatdate(now + off, usegmt=True)
        if name == "epoch":
            return str(int(now + off))
        return m.group(0)

    return PLACEHOLDER.sub(repl, text)


def check_placeholders(text, where):
    for m in PLACEHOLDER.finditer(text):
        name, arg = m.group(1), m.group(2)
        if name not in ("expiration", "expiration_short", "date", "epoch"):
            die("%s: unknown placeholder %s" % (where, m.group(0)))
        if name == "expiration_short" and arg is None:
            die("%s: {{expiration_short:SECONDS}} needs SECONDS" % where)
        if arg not in (None, ""):
            try:
                float(arg)
            except ValueError:
                die("%s: bad number in %s" % (where, m.group(0)))


def parse_fault(value, where):
    """Return (kind, argument) for a rule's "fault" field."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        die("%s: fault must be a string or null" % where)
    kind, _, arg = value.partition(":")
    try:
        if kind in ("hang", "close", "reset") and not arg:
            return kind, None
        if kind == "slow":
            return kind, float(arg)
        if kind == "truncate":
            n = int(arg)
            if n >= 0:
                return kind, n
    except ValueError:
        pass
    die("%s: bad fault %r" % (where, value))
    return None, None


def load_script(path):
    """Read and validate the rules; return a list of dicts."""
    try:
        with open(path, encoding="utf-8") as f:
            rules = json.load(f)
    except (OSError, ValueError) as e:
        die("script %s: %s" % (path, e))
    if isinstance(rules, dict):
        rules = rules.get("rules")
    if not isinstance(rules, list):
        die("script %s: expected a list of rules" % path)
    for i, rule in enumerate(rules):
        where = "rule %d" % i
        if not isinstance(rule, dict):
            die("%s: not an object" % where)
        unknown = set(rule) - RULE_KEYS
        if unknown:
            die("%s: unknown field(s) %s" % (where, sorted(unknown)))
        match = rule.get("match") or {}
        if not isinstance(match, dict) or set(match) - MATCH_KEYS:
            die("%s: bad match %r" % (where, match))
        rule["_fault"] = parse_fault(rule.get("fault"), where)
        for key in ("times", "status"):
            v = rule.get(key)
            if v is not None and (type(v) is not int or v < 0):
                die("%s: %s must be a whole number" % (where, key))
        v = rule.get("expires_in", 0)
        if type(v) not in (int, float):
            die("%s: expires_in must be a number" % where)
        if not isinstance(rule.get("headers") or {}, dict):
            die("%s: headers must be an object" % where)
        reply = rule.get("reply")
        if reply is not None:
            if reply.startswith("error:"):
                parts = reply.split(":", 3)
                if len(parts) != 4 or not parts[2].isdigit():
                    die("%s: reply must be error:CODE:STATUS:MESSAGE" % where)
            elif reply not in ("assume_role", "assume_role_web_identity",
                               "get_caller_identity"):
                die("%s: unknown reply %r" % (where, reply))
        if rule.get("format", "xml") not in ("xml", "json"):
            die("%s: format must be xml or json" % where)
        body = rule.get("body")
        if body is not None and not isinstance(body, str):
            body = json.dumps(body)
            rule["body"] = body
            rule.setdefault("headers", {})
            if not any(k.lower() == "content-type" for k in rule["headers"]):
                rule["headers"]["Content-Type"] = "application/json"
        check_placeholders(body or "", where)
        for k, v in (rule.get("headers") or {}).items():
            check_placeholders(str(v), "%s header %s" % (where, k))
        rule["_used"] = 0
    return rules


class State:
    """The rules, their use counts and the credentials handed out."""

    def __init__(self, rules, log_path):
        self.rules = rules
        self.log_path = log_path
        self.lock = threading.Lock()
        self.key_serial = 0
        self.request_serial = 0
        self.issued = {}

    def pick(self, req):
        """Return (index, rule) of the first matching rule, counting it."""
        with self.lock:
            self.request_serial += 1
            req["serial"] = self.request_serial
            for i, rule in enumerate(self.rules):
                if not rule_matches(rule.get("match") or {}, req):
                    continue
                times = rule.get("times")
                if times is not None and rule["_used"] >= times:
                    continue
                rule["_used"] += 1
                return i, rule
        return None, None

    def issue(self, account, role, session):
        """Make up a new set of temporary credentials."""
        with self.lock:
            self.key_serial += 1
            n = self.key_serial
            akid = "ASIAFAKE%012d" % n
            self.issued[akid] = (account, role, session)
        secret = ("fakeSecretKey%027d" % n)[:40]
        token = base64.b64encode(
            ("fake-session-token-%d-%s-%s" % (n, account, session)).encode()
        ).decode()
        return akid, secret, token

    def log(self, entry):
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)


def rule_matches(m, req):
    if "action" in m and m["action"] != req["action"]:
        return False
    if "method" in m and m["method"].upper() != req["method"]:
        return False
    if "path" in m and not fnmatch.fnmatchcase(req["path"], m["path"]):
        return False
    for k, v in (m.get("query") or {}).items():
        if req["query"].get(k) != str(v):
            return False
    for k, v in (m.get("form") or {}).items():
        if req["form"].get(k) != str(v):
            return False
    for k, v in (m.get("header") or {}).items():
        if v not in req["headers"].get(k.lower(), "\0"):
            return False
    if "body_contains" in m and m["body_contains"] not in req["body"]:
        return False
    return True


def role_parts(role_arn):
    """(account, role name) from arn:aws:iam::ACCOUNT:role/[path/]NAME."""
    m = re.match(r"^arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$",
                 role_arn or "")
    if m:
        return m.group(1), m.group(2)
    return DEFAULT_ACCOUNT, "fake-role"


def jwt_claims(token):
    """The payload of a JWT, or {} when it is not one."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError):
        return {}


def request_id(serial):
    return "00000000-0000-4000-8000-%012d" % serial


def canned(state, rule, req, now):
    """Return (status, content type, body) for a rule's "reply"."""
    reply = rule["reply"]
    fmt = rule.get("format", "xml")
    rid = request_id(req["serial"])
    if reply.startswith("error:"):
        _, code, status, message = reply.split(":", 3)
        status = int(status)
        etype = rule.get("error_type",
                         "Sender" if status < 500 else "Receiver")
        if fmt == "json":
            body = json.dumps({"Error": {"Code": code, "Message": message,
                                         "Type": etype},
                               "RequestId": rid})
            return status, "application/json", body
        body = ('<ErrorResponse xmlns="%s">\n'
                "  <Error>\n"
                "    <Type>%s</Type>\n"
                "    <Code>%s</Code>\n"
                "    <Message>%s</Message>\n"
                "  </Error>\n"
                "  <RequestId>%s</RequestId>\n"
                "</ErrorResponse>\n"
                % (STS_NS, xml_escape(etype), xml_escape(code),
                   xml_escape(message), rid))
        return status, "text/xml", body

    if reply == "get_caller_identity":
        m = re.search(r"Credential=([A-Z0-9]{16,128})/",
                      req["headers"].get("authorization", ""))
        akid = m.group(1) if m else None
        with state.lock:
            known = state.issued.get(akid)
        if known:
            account, role, session = known
            account = rule.get("account", account)
            arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (
                account, role, session)
            user_id = "AROAFAKE%s:%s" % (
                hashlib.sha1(role.encode()).hexdigest()[:13].upper(), session)
        else:
            account = rule.get("account", DEFAULT_ACCOUNT)
            arn = "arn:aws:iam::%s:user/fake" % account
            user_id = "AIDAFAKEFAKEFAKEFAKE1"
        result = {"UserId": user_id, "Account": account, "Arn": arn}
        if fmt == "json":
            body = json.dumps({"GetCallerIdentityResponse": {
                "GetCallerIdentityResult": result,
                "ResponseMetadata": {"RequestId": rid}}})
            return 200, "application/json", body
        body = ('<GetCallerIdentityResponse xmlns="%s">\n'
                "  <GetCallerIdentityResult>\n"
                "    <Arn>%s</Arn>\n"
                "    <UserId>%s</UserId>\n"
                "    <Account>%s</Account>\n"
                "  </GetCallerIdentityResult>\n"
                "  <ResponseMetadata><RequestId>%s</RequestId>"
                "</ResponseMetadata>\n"
                "</GetCallerIdentityResponse>\n"
                % (STS_NS, xml_escape(arn), xml_escape(user_id),
                   xml_escape(account), rid))
        return 200, "text/xml", body

    # assume_role and assume_role_web_identity
    form = req["form"]
    account, role = role_parts(form.get("RoleArn"))
    account = rule.get("account", account)
    session = form.get("RoleSessionName") or "fake-session"
    akid, secret, token = state.issue(account, role, session)
    expires = now + float(rule.get("expires_in", 3600))
    role_id = "AROAFAKE%s:%s" % (
        hashlib.sha1(role.encode()).hexdigest()[:13].upper(), session)
    arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (account, role, session)
    op = "AssumeRole" if reply == "assume_role" else "AssumeRoleWithWebIdentity"
    extra = {}
    if reply == "assume_role_web_identity":
        claims = jwt_claims(form.get("WebIdentityToken", ""))
        aud = claims.get("aud", "sts.amazonaws.com")
        extra = {
            "SubjectFromWebIdentityToken": str(claims.get("sub", "fake")),
            "Audience": str(aud[0] if isinstance(aud, list) and aud else aud),
            "Provider": str(claims.get("iss", "fake-provider")),
        }
    else:
        extra = {"PackedPolicySize": 6}
    if fmt == "json":
        result = {
            "Credentials": {"AccessKeyId": akid, "SecretAccessKey": secret,
                            "SessionToken": token, "Expiration": "@EXP@"},
            "AssumedRoleUser": {"AssumedRoleId": role_id, "Arn": arn},
        }
        result.update(extra)
        body = json.dumps({op + "Response": {
            op + "Result": result, "ResponseMetadata": {"RequestId": rid}}})
        # A bare number in scientific notation, as envoy's tests show.
        body = body.replace('"@EXP@"', sci_epoch(expires))
        return 200, "application/json", body
    extra_xml = "".join("    <%s>%s</%s>\n" % (k, xml_escape(v), k)
                        for k, v in extra.items())
    body = ('<%sResponse xmlns="%s">\n'
            "  <%sResult>\n"
            "    <Credentials>\n"
            "      <AccessKeyId>%s</AccessKeyId>\n"
            "      <SecretAccessKey>%s</SecretAccessKey>\n"
            "      <SessionToken>%s</SessionToken>\n"
            "      <Expiration>%s</Expiration>\n"
            "    </Credentials>\n"
            "    <AssumedRoleUser>\n"
            "      <AssumedRoleId>%s</AssumedRoleId>\n"
            "      <Arn>%s</Arn>\n"
            "    </AssumedRoleUser>\n"
            "%s"
            "  </%sResult>\n"
            "  <ResponseMetadata><RequestId>%s</RequestId>"
            "</ResponseMetadata>\n"
            "</%sResponse>\n"
            % (op, STS_NS, op, akid, secret, token, iso8601(expires),
               xml_escape(role_id), xml_escape(arn), extra_xml, op, rid, op))
    return 200, "text/xml", body


def guess_type(body):
    s = body.lstrip()
    if s.startswith("<"):
        return "text/xml"
    if s.startswith("{") or s.startswith("["):
        return "application/json"
    return "text/plain"


def single_values(pairs):
    out = {}
    for k, v in pairs:
        out[k] = v
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_sts"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("fake_sts: %s %s\n" % (self.address_string(),
                                                fmt % args))

    def read_body(self):
        """The request body: Content-Length or chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
                if len(data) > MAX_BODY:
                    raise ValueError("body too large")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        state = self.server.state
        try:
            raw = self.read_body()
        except ValueError as e:
            self.send_error(400, str(e))
            return
        body = raw.decode("utf-8", errors="replace")
        url = urllib.parse.urlsplit(self.path)
        qpairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        form = {}
        if headers.get("content-type", "").lower().startswith(
                "application/x-www-form-urlencoded"):
            form = single_values(
                urllib.parse.parse_qsl(body, keep_blank_values=True))
        query = single_values(qpairs)
        req = {
            "method": self.command,
            "path": url.path,
            "query": query,
            "raw_query": url.query,
            "headers": headers,
            "body": body,
            "form": form,
            "action": form.get("Action") or query.get("Action"),
        }
        index, rule = state.pick(req)
        sys.stderr.write("fake_sts: %s %s action=%s rule=%s fault=%s\n" % (
            self.command, self.path, req["action"], index,
            rule.get("fault") if rule else None))
        sys.stderr.flush()
        entry = dict(req)
        entry["rule"] = index
        entry["time"] = time.time()
        del entry["serial"]
        state.log(entry)

        now = time.time()
        if rule is None:
            self.respond(500, {"Content-Type": "text/plain"},
                         ("fake_sts: no rule matched %s %s action=%s\n"
                          % (self.command, url.path, req["action"])).encode(),
                         (None, None))
            return
        status, ctype, text = 200, None, ""
        if rule.get("reply"):
            status, ctype, text = canned(state, rule, req, now)
        status = int(rule.get("status", status))
        if rule.get("body") is not None:
            text = rule["body"]
            ctype = None
        text = substitute(text, now)
        out = {"Content-Type": ctype or guess_type(text),
               "x-amzn-RequestId": request_id(req["serial"])}
        for k, v in (rule.get("headers") or {}).items():
            for old in [o for o in out if o.lower() == k.lower()]:
                del out[old]
            out[k] = substitute(str(v), now)
        self.respond(status, out, text.encode("utf-8"), rule["_fault"])

    def respond(self, status, headers, body, fault):
        kind, arg = fault
        conn = self.connection
        if kind == "hang":
            self.close_connection = True
            self.hang()
            return
        if kind == "slow":
            time.sleep(arg)
        if kind == "close":
            self.close_connection = True
            return
        if kind == "reset":
            # Linger 0 turns the close into an RST; Server.shutdown_request
            # skips its usual shutdown(SHUT_WR), which would send a FIN.
            self.close_connection = True
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            self.server.reset_requests.add(conn)
            return
        lower = {k.lower() for k in headers}
        self.send_response_only(status)
        if "date" not in lower:
            self.send_header("Date", self.date_time_string())
        if "content-length" not in lower:
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        if kind == "truncate":
            self.close_connection = True
            body = body[:arg]
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def hang(self):
        """Say nothing until the client closes the connection."""
        conn = self.connection
        while True:
            try:
                ready, _, _ = select.select([conn], [], [], 0.5)
                if ready and not conn.recv(65536):
                    return
            except OSError:
                return

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reset_requests = set()

    def shutdown_request(self, request):
        if request in self.reset_requests:
            self.reset_requests.discard(request)
            request.close()
            return
        super().shutdown_request(request)


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(
            "usage: fake_sts.py SCRIPT.json REQUESTS.jsonl [LIFETIME_S]\n")
        return 2
    rules = load_script(argv[1])
    lifetime = float(argv[3]) if len(argv) == 4 else 300.0
    watch_pid = int(os.environ.get("FAKE_STS_WATCH_PID") or 0)
    server = Server((LISTEN_HOST, 0), Handler)
    server.state = State(rules, argv[2])
    threading.Thread(target=fakelife.watchdog,
                     args=("fake_sts", lifetime, watch_pid),
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
