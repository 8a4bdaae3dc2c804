#!/bin/sh
# The transport under STS calls: an endpoint nobody listens on, a server
# that never answers (--timeout, retried, bounded in time), an oversized
# answer, AWS_CA_BUNDLE naming a missing file, a plain-HTTP proxy from
# http_proxy (and NO_PROXY), and TLS verification against a self-signed
# HTTPS front of the fake: refused without the CA (and with every usual
# off switch: --no-verify-ssl, an empty ca_bundle or AWS_CA_BUNDLE,
# CURL_CA_BUNDLE / SSL_CERT_FILE=/dev/null...), accepted with
# AWS_CA_BUNDLE, refused again when the certificate names another host.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v openssl >/dev/null 2>&1 || t_skip "openssl is not installed"

OK_WI='{"match": {"action": "AssumeRoleWithWebIdentity"},
        "reply": "assume_role_web_identity"}'
OK_AR='{"match": {"action": "AssumeRole"}, "reply": "assume_role"}'
OK_GCI='{"match": {"action": "GetCallerIdentity"},
         "reply": "get_caller_identity"}'

fake_start "[$OK_WI, $OK_AR, $OK_GCI]"
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION

WI_ROLE=arn:aws:iam::111111111111:role/ci-account-iam-role
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 0 "$T_RC" "baseline whoami"

# --- Nothing listening: "cannot reach", exit 1, and it finishes (t_run's
# timeout would report 124 on a hang).
port=$(t_free_port) || t_error "no free port"
t_run env AWS_ENDPOINT_URL="http://127.0.0.1:$port" "$ROLEHOP" --no-cache \
    whoami target-env
t_assert_eq 1 "$T_RC" "unreachable: exit status"
t_assert_contains "$(sed -n 1p "$T_ERR")" \
    "rolehop: target-env: hop 1 (web-identity $WI_ROLE): " \
    "unreachable: error line names the hop"
t_assert_file_contains "$T_ERR" "cannot reach http://127.0.0.1:$port/" \
    "unreachable: message"
t_assert_eq "" "$(cat "$T_OUT")" "unreachable: no stdout"

# --- A server that reads the request and never answers: each attempt ends
# after --timeout 1, three attempts, then "in time".
fake_start "[{\"match\": {\"action\": \"AssumeRoleWithWebIdentity\"},
              \"fault\": \"hang\"}, $OK_AR, $OK_GCI]"
start=$(date +%s)
t_run env AWS_ENDPOINT_URL="$FAKE_URL" "$ROLEHOP" --timeout 1 --no-cache \
    whoami target-env
end=$(date +%s)
t_assert_eq 1 "$T_RC" "hang: exit status"
t_assert_file_contains "$T_ERR" "no answer from $FAKE_URL/ in time" \
    "hang: message"
t_assert_contains "$(sed -n 1p "$T_ERR")" "rolehop: target-env: hop 1 (" \
    "hang: error line names the hop"
t_assert_eq 3 "$(fake_count AssumeRoleWithWebIdentity)" "hang: attempts"
[ $((end - start)) -lt 15 ] ||
    t_fail "hang: took $((end - start)) s with --timeout 1 (want < 15 s)"
# Every attempt gave up after about a second, not the default 10 s.
t_assert_eq true \
    "$(fake_log '(lambda t: t[2] - t[0] < 8)([r["time"] for r in d])')" \
    "hang: attempts spaced by --timeout, not the default"

# --- An answer larger than 1 MiB: refused, not retried.
python3 -c '
import json, sys
body = ("<AssumeRoleWithWebIdentityResponse>" + "x" * (1100 * 1024) +
        "</AssumeRoleWithWebIdentityResponse>")
json.dump([{"match": {"action": "AssumeRoleWithWebIdentity"}, "body": body},
           {"reply": "get_caller_identity"}], sys.stdout)
' >"$T_DIR/big.json" || t_error "cannot write big.json"
fake_start "$T_DIR/big.json"
t_run env AWS_ENDPOINT_URL="$FAKE_URL" "$ROLEHOP" --no-cache whoami ci-env
t_assert_eq 1 "$T_RC" "oversized answer: exit status"
t_assert_file_contains "$T_ERR" "answer from $FAKE_URL/ is too large" \
    "oversized answer: message"
t_assert_eq 1 "$(fake_count AssumeRoleWithWebIdentity)" \
    "oversized answer: not retried"

# --- AWS_CA_BUNDLE naming a missing file: a configuration error, before
# any request.
fake_start "[$OK_WI, $OK_AR, $OK_GCI]"
t_run env AWS_ENDPOINT_URL="$FAKE_URL" AWS_CA_BUNDLE="$T_DIR/no-such-ca.pem" \
    "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 2 "$T_RC" "missing AWS_CA_BUNDLE: exit status"
t_assert_file_contains "$T_ERR" "AWS_CA_BUNDLE" \
    "missing AWS_CA_BUNDLE: named"
t_assert_file_contains "$T_ERR" "$T_DIR/no-such-ca.pem" \
    "missing AWS_CA_BUNDLE: the file named"
t_assert_eq 0 "$(fake_count)" "missing AWS_CA_BUNDLE: no request"

# --- A plain-HTTP proxy from http_proxy: the endpoint's name never
# resolves (.invalid), so only the proxy (the fake) can have answered.
fake_start "[$OK_WI, $OK_AR, $OK_GCI]"
t_run env http_proxy="$FAKE_URL" \
    AWS_ENDPOINT_URL=http://sts.rolehop-test.invalid:8080 \
    "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "through http_proxy: exit status"
t_assert_eq 222222222222 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "through http_proxy: identity"
t_assert_eq 3 "$(fake_count)" "through http_proxy: requests at the proxy"
t_assert_eq '["sts.rolehop-test.invalid:8080"]' \
    "$(fake_log 'sorted(set(r["headers"]["host"] for r in d))')" \
    "through http_proxy: Host is the endpoint's"
# The fake logs the path of the absolute-form request line; both forms
# name the endpoint's root.
t_assert_eq '["/"]' "$(fake_log 'sorted(set(r["path"] for r in d))')" \
    "through http_proxy: path"
# Without the proxy the same endpoint cannot be reached.
t_run env AWS_ENDPOINT_URL=http://sts.rolehop-test.invalid:8080 \
    "$ROLEHOP" --timeout 5 --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "no proxy: exit status"
t_assert_file_contains "$T_ERR" \
    "cannot reach http://sts.rolehop-test.invalid:8080/" \
    "no proxy: message"
t_assert_eq 3 "$(fake_count)" "no proxy: nothing reached the fake"
# NO_PROXY: a dead proxy is bypassed for 127.0.0.1.
dead=$(t_free_port) || t_error "no free port"
t_run env AWS_ENDPOINT_URL="$FAKE_URL" http_proxy="http://127.0.0.1:$dead" \
    NO_PROXY=127.0.0.1 "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 0 "$T_RC" "NO_PROXY: exit status"
t_assert_eq 6 "$(fake_count)" "NO_PROXY: requests straight to the fake"
# And the proxy really is used when NO_PROXY does not cover the endpoint.
t_run env AWS_ENDPOINT_URL="$FAKE_URL" http_proxy="http://127.0.0.1:$dead" \
    "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "dead proxy: exit status"
t_assert_file_contains "$T_ERR" "cannot reach" "dead proxy: message"
t_assert_eq 6 "$(fake_count)" "dead proxy: nothing reached the fake"

# --- TLS. A small HTTPS server on 127.0.0.1 relays every request to the
# fake (FRONT_TARGET) and its answer back.
cat >"$T_DIR/tls_front.py" <<'PY'
import http.client, http.server, os, ssl, sys, threading, time

cert, key, target, watch = sys.argv[1:4] + [int(sys.argv[4])]
host, port = target.split("//", 1)[1].split(":")

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, fmt, *args):
        sys.stderr.write("tls_front: " + fmt % args + "\n")
    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        c = http.client.HTTPConnection(host, int(port), timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("connection", "content-length")}
        c.request(self.command, self.path, body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        self.send_response_only(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "content-length",
                                 "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        c.close()
    do_GET = do_POST = relay

def watchdog():
    end = time.monotonic() + 300
    while time.monotonic() < end:
        try:
            os.kill(watch, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    os._exit(0)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
threading.Thread(target=watchdog, daemon=True).start()
sys.stdout.write("%d\n" % srv.server_address[1])
sys.stdout.flush()
srv.serve_forever(poll_interval=0.2)
PY

# tls_start NAME SAN: a certificate for SAN (and CN 127.0.0.1) in
# $T_DIR/NAME.pem and a front using it; sets TLS_URL and TLS_PID.
tls_start() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
        -addext "subjectAltName=$2" -keyout "$T_DIR/$1.key" \
        -out "$T_DIR/$1.pem" >"$T_DIR/$1.openssl.log" 2>&1 ||
        t_error "openssl req failed for $1"
    python3 "$T_DIR/tls_front.py" "$T_DIR/$1.pem" "$T_DIR/$1.key" \
        "$TLS_BACKEND" "$$" >"$T_DIR/$1.port" 2>"$T_DIR/$1.stderr" \
        </dev/null &
    TLS_PID=$!
    t_cleanup_add "t_stop_pid $TLS_PID"
    t_wait_for "grep -q '^[0-9][0-9]*\$' '$T_DIR/$1.port' ||
        ! t_pid_alive $TLS_PID" 10 ||
        t_error "the TLS front printed no port within 10 s"
    tls_port=$(sed -n '1{/^[0-9][0-9]*$/p;}' "$T_DIR/$1.port")
    [ -n "$tls_port" ] ||
        t_error "the TLS front did not start: $(cat "$T_DIR/$1.stderr")"
    TLS_URL=https://127.0.0.1:$tls_port
}

fake_start "[$OK_WI, $OK_AR, $OK_GCI]"
TLS_BACKEND=$FAKE_URL
tls_start good "IP:127.0.0.1"

# Unknown issuer: refused, nothing reaches the fake, not retried.
t_run env AWS_ENDPOINT_URL="$TLS_URL" "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "self-signed without CA: exit status"
t_assert_contains "$(sed -n 1p "$T_ERR")" "rolehop: target-env: hop 1 (" \
    "self-signed without CA: error line names the hop"
t_assert_file_contains "$T_ERR" "certificate" \
    "self-signed without CA: a certificate error"
t_assert_file_contains "$T_ERR" "AWS_CA_BUNDLE" \
    "self-signed without CA: hint"
t_assert_eq 0 "$(fake_count)" "self-signed without CA: no request relayed"

# --- Verification cannot be turned off (#6 item 4). No command-line
# switch exists: the AWS CLI's --no-verify-ssl and curl's --insecure / -k
# are usage errors, before any request.
for opt in --no-verify-ssl --insecure -k --no-verify --verify-ssl=false; do
    t_run env AWS_ENDPOINT_URL="$TLS_URL" "$ROLEHOP" --no-cache "$opt" \
        whoami target-env
    t_assert_eq 2 "$T_RC" "$opt: a usage error"
    t_run env AWS_ENDPOINT_URL="$TLS_URL" "$ROLEHOP" --no-cache \
        whoami target-env "$opt"
    t_assert_eq 2 "$T_RC" "$opt after the command: a usage error"
    t_assert_eq 0 "$(fake_count)" "$opt: no request relayed"
done
# The usual off switches of other tools, in the environment and the AWS
# config, each with the self-signed front: still refused, nothing relayed.
sed 's/^\(\[profile .*\]\)$/\1\nca_bundle =/' "$AWS_CONFIG_FILE" \
    >"$T_DIR/config-ca-empty"
sed 's|^\(\[profile .*\]\)$|\1\nca_bundle = /dev/null|' "$AWS_CONFIG_FILE" \
    >"$T_DIR/config-ca-null"
grep -q '^ca_bundle =$' "$T_DIR/config-ca-empty" ||
    t_error "cannot write config-ca-empty"
for sw in "AWS_CONFIG_FILE=$T_DIR/config-ca-empty" \
    "AWS_CONFIG_FILE=$T_DIR/config-ca-null" \
    AWS_CA_BUNDLE= AWS_CA_BUNDLE=/dev/null CURL_CA_BUNDLE=/dev/null \
    SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/dev/null CURL_SSL_NO_VERIFY=1 \
    CURLOPT_SSL_VERIFYPEER=0 PYTHONHTTPSVERIFY=0 GIT_SSL_NO_VERIFY=1 \
    NODE_TLS_REJECT_UNAUTHORIZED=0 AWS_VERIFY_SSL=false AWS_NO_VERIFY_SSL=1; do
    t_run env AWS_ENDPOINT_URL="$TLS_URL" "$sw" "$ROLEHOP" --no-cache \
        whoami target-env
    t_assert_eq 1 "$T_RC" "$sw: still refused"
    t_assert_file_contains "$T_ERR" "certificate" "$sw: a certificate error"
    t_assert_eq 0 "$(fake_count)" "$sw: no request relayed"
done

# With the certificate as the CA bundle: the whole chain works over TLS.
t_run env AWS_ENDPOINT_URL="$TLS_URL" AWS_CA_BUNDLE="$T_DIR/good.pem" \
    "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "AWS_CA_BUNDLE: exit status"
t_assert_eq 222222222222 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "AWS_CA_BUNDLE: identity"
t_assert_eq 3 "$(fake_count)" "AWS_CA_BUNDLE: requests relayed"

# A trusted certificate for another name: refused (host verification).
tls_start wrongname "DNS:wrong.rolehop-test.invalid"
t_run env AWS_ENDPOINT_URL="$TLS_URL" AWS_CA_BUNDLE="$T_DIR/wrongname.pem" \
    "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "certificate for another name: exit status"
t_assert_file_contains "$T_ERR" "127.0.0.1" \
    "certificate for another name: message names the host"
t_assert_eq 3 "$(fake_count)" "certificate for another name: no request"
exit 0
