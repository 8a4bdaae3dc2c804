# shellcheck shell=sh
#
# tests/integration/lib.sh: moto, the fault-injecting fake server and a
# multi-account AWS config scenario for rolehop's integration tests.
#
# Source it after tests/lib.sh and t_init:
#
#     #!/bin/sh
#     . "${top_srcdir:-.}/tests/lib.sh"
#     . "$top_srcdir/tests/integration/lib.sh"
#     t_init
#     moto_start                    # or fake_start, or both
#     scenario_write
#     t_run "$ROLEHOP" whoami --json --profile target-env
#
# What it provides:
#
#   moto_start       skip (77) unless `python3 -c 'import moto.server'` works;
#                    start moto's server on a free 127.0.0.1 port, output to
#                    $MOTO_LOG; a cleanup stops exactly that PID ($MOTO_PID);
#                    wait (30 s at most) until GET /moto-api/ answers 200;
#                    export MOTO_URL, AWS_ENDPOINT_URL=$MOTO_URL,
#                    AWS_REGION=us-east-1 and AWS_DEFAULT_REGION=us-east-1
#                    (the AWS CLI v1 reads only the latter). If moto dies
#                    before answering (the port was taken meanwhile) it is
#                    retried twice on another port; otherwise exit 99.
#                    moto runs as `python3 -m moto.server -H 127.0.0.1 -p
#                    PORT` would, inside a small wrapper that also makes it
#                    exit when this test shell is gone (even after SIGKILL)
#                    or after $MOTO_LIFETIME seconds (default 900).
#   moto_reset       POST /moto-api/reset (forget all STS/IAM/EKS state), and
#                    remove the AWS CLI's cache $HOME/.aws/cli/cache: its
#                    ASIA... keys are unknown to moto after a reset, and moto
#                    answers GetCallerIdentity for an unknown key with its
#                    default account 123456789012 instead of an error.
#                    rolehop's own cache is left alone.
#   moto_reset_auth N  POST /moto-api/reset-auth: enforce SigV4 checking after
#                    N more unauthenticated requests (N = inf switches it off;
#                    aws-protocols.md §7.4, §7.8).
#   scenario_write   write $T_DIR/aws/config, $T_DIR/aws/credentials and a
#                    web identity token $T_DIR/token (an unsigned JWT); export
#                    AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; set
#                    T_TOKEN_FILE. Profiles (all region = us-east-1):
#
#                      profile      resolves through          account
#                      ci-env       web identity (token file) 111111111111
#                      target-env   ci-env, AssumeRole        222222222222
#                      stg          ci-env, AssumeRole        333333333333
#                      deep         target-env (3 hops)       444444444444
#                      static       keys (credentials file)   123456789012 *
#                      static-role  static, AssumeRole        555555555555
#
#                    * moto's default account: the key is no IAM user's;
#                      Arn arn:aws:sts::123456789012:user/moto.
#
#                    Session names: ci-env rolehop-ci, target-env xactarget,
#                    stg rolehop-stg, deep and static-role none (the AWS CLI
#                    then uses botocore-session-<epoch seconds>). The token
#                    file ends in a newline, which the AWS CLI sends as part
#                    of WebIdentityToken (it does not strip the file).
#   fake_start SCRIPT  start tests/fake/fake_sts.py (see the top of that file
#                    for the script format). SCRIPT is a file name or the
#                    JSON text itself. A cleanup stops it. Exports FAKE_URL
#                    (http://127.0.0.1:PORT) and FAKE_LOG (its JSON-lines
#                    request log); sets FAKE_PID. It stops by itself after
#                    $FAKE_LIFETIME seconds (default 300) or when this test
#                    shell is gone. Several may run at once; the variables
#                    describe the last one started.
#   use_fake RULE... a fresh fake answering with these rules (JSON objects,
#                    joined into one script) and rolehop pointed at it
#                    (AWS_ENDPOINT_URL=$FAKE_URL, exported).
#   fake_log EXPR    t_jsonl EXPR "$FAKE_LOG": d is the list of requests seen,
#                    e.g. fake_log 'd[0]["form"]["DurationSeconds"]'.
#   fake_count [ACTION]  number of requests logged (with that STS Action).
#   kube_certs       skip (77) unless openssl is installed; once per test,
#                    generate with the openssl CLI a throw-away CA and a
#                    server certificate for IP 127.0.0.1 (P-256, 2 days) in
#                    $T_DIR/kube-tls; export KUBE_CA (the CA's PEM, for
#                    curl --cacert and kubeconfig certificate-authority),
#                    KUBE_CERT and KUBE_KEY (the server's).
#   kube_start OPTION...  start tests/fake/fake_kube.py (see the top of that
#                    file for what it checks and serves), a fake Kubernetes
#                    API server on https://127.0.0.1 that accepts only EKS
#                    bearer tokens valid for one cluster and one set of
#                    keys. OPTIONs go to it; the caller gives --cluster
#                    NAME, --access-key-id AKID, --secret-access-key SECRET
#                    and optionally --session-token TOKEN. kube_start runs
#                    kube_certs and adds --cert/--key (its files; a later
#                    --cert/--key in OPTIONs wins), --log, --lifetime
#                    ${KUBE_LIFETIME:-300} and --parent-pid (this shell), so
#                    it stops by itself. A cleanup stops it. Exports
#                    KUBE_URL (https://127.0.0.1:PORT), KUBE_LOG (its
#                    JSON-lines request log: method, path, query, accept,
#                    verdict ok/denied, reason, status, ...) and KUBE_CA;
#                    sets KUBE_PID and KUBE_PORT. Several may run at once;
#                    the variables describe the last one started.
#   kube_log EXPR    t_jsonl EXPR "$KUBE_LOG", e.g. kube_log 'd[-1]["reason"]'.
#
# Nothing here listens anywhere but 127.0.0.1.

: "${top_srcdir:=.}"

# Curl options for talking to our own local servers.
t__curl() {
    curl -sS --noproxy '*' --max-time 5 "$@"
}

# $T_DIR/moto_server.py: run moto's server module as `python3 -m
# moto.server` does, with a watchdog thread: exit when the PID in argv[1]
# is gone (or a zombie) or after argv[2] seconds. The rest of argv goes to
# moto.
t__moto_py='
import os, runpy, sys, threading, time

watch, lifetime = int(sys.argv[1]), float(sys.argv[2])
del sys.argv[1:3]

def gone(pid):
    try:
        os.kill(pid, 0)
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except ProcessLookupError:
        return True
    except (OSError, IndexError):
        return False

def watchdog():
    end = time.monotonic() + lifetime
    while time.monotonic() < end:
        if gone(watch):
            os._exit(0)
        time.sleep(0.5)
    sys.stderr.write("moto: lifetime over, exiting\n")
    os._exit(0)

threading.Thread(target=watchdog, daemon=True).start()
runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
'

# Ready: /moto-api/ answers 200. Also "ready" when the process died, so
# that the caller stops waiting at once and looks.
t__moto_probe() {
    t_pid_alive "$MOTO_PID" || return 0
    t__curl -f -o /dev/null "$MOTO_URL/moto-api/"
}

moto_start() {
    python3 -c 'import moto.server' >/dev/null 2>&1 ||
        t_skip "python3 cannot import moto.server"
    MOTO_LOG=$T_DIR/moto.log
    printf '%s\n' "$t__moto_py" >"$T_DIR/moto_server.py"
    t__try=1
    while :; do
        t__port=$(t_free_port) || t_error "no free port"
        echo "moto_start: attempt $t__try on port $t__port" >>"$MOTO_LOG"
        python3 "$T_DIR/moto_server.py" "$$" "${MOTO_LIFETIME:-900}" \
            -H 127.0.0.1 -p "$t__port" >>"$MOTO_LOG" 2>&1 </dev/null &
        MOTO_PID=$!
        t_cleanup_add "t_stop_pid $MOTO_PID"
        MOTO_URL=http://127.0.0.1:$t__port
        if ! t_wait_for t__moto_probe 30; then
            t__show moto.log "$MOTO_LOG"
            t_error "moto did not answer on $MOTO_URL within 30 s"
        fi
        if t_pid_alive "$MOTO_PID"; then
            break
        fi
        wait "$MOTO_PID" 2>/dev/null
        if [ "$t__try" -ge 3 ]; then
            t__show moto.log "$MOTO_LOG"
            t_error "moto exited before answering, 3 times"
        fi
        t__try=$((t__try + 1))
    done
    AWS_ENDPOINT_URL=$MOTO_URL
    AWS_REGION=us-east-1
    AWS_DEFAULT_REGION=us-east-1
    export MOTO_URL AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION
}

moto_reset() {
    t__curl -f -o /dev/null -X POST "$MOTO_URL/moto-api/reset" ||
        t_error "moto_reset failed"
    rm -rf "$HOME/.aws/cli/cache"
}

moto_reset_auth() {
    t__curl -f -o /dev/null -X POST -H 'Content-Type: text/plain' \
        --data-binary "$1" "$MOTO_URL/moto-api/reset-auth" ||
        t_error "moto_reset_auth $1 failed"
}

# An unsigned JWT with an EKS OIDC issuer and a service-account subject,
# expiring in a day, with a fake signature; base64url without padding.
t__jwt_py='
import base64, json, time

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def part(obj):
    return b64(json.dumps(obj, separators=(",", ":")).encode())

header = {"alg": "RS256", "kid": "x"}
payload = {
    "iss": "https://oidc.eks.us-east-1.amazonaws.com/id/"
           "EXAMPLED539D4633E53DE1B71EXAMPLE",
    "sub": "system:serviceaccount:ci:rolehop",
    "aud": ["sts.amazonaws.com"],
    "exp": int(time.time()) + 86400,
}
print(part(header) + "." + part(payload) + "." + b64(b"fake-signature" * 8))
'

scenario_write() {
    mkdir -p "$T_DIR/aws" || t_error "cannot create $T_DIR/aws"
    T_TOKEN_FILE=$T_DIR/token
    python3 -c "$t__jwt_py" >"$T_TOKEN_FILE" || t_error "cannot write token"
    AWS_CONFIG_FILE=$T_DIR/aws/config
    AWS_SHARED_CREDENTIALS_FILE=$T_DIR/aws/credentials
    export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
    cat >"$AWS_CONFIG_FILE" <<EOF
# rolehop integration scenario (tests/integration/lib.sh scenario_write)

[profile ci-env]
role_arn = arn:aws:iam::111111111111:role/ci-account-iam-role
web_identity_token_file = $T_TOKEN_FILE
role_session_name = rolehop-ci
region = us-east-1

[profile target-env]
role_arn = arn:aws:iam::222222222222:role/target-account-iam-role
source_profile = ci-env
role_session_name = xactarget
region = us-east-1

[profile stg]
role_arn = arn:aws:iam::333333333333:role/stg-admin
source_profile = ci-env
role_session_name = rolehop-stg
region = us-east-1

[profile deep]
role_arn = arn:aws:iam::444444444444:role/deep
source_profile = target-env
region = us-east-1

[profile static]
region = us-east-1

[profile static-role]
role_arn = arn:aws:iam::555555555555:role/from-static
source_profile = static
region = us-east-1
EOF
    cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'EOF'
[static]
aws_access_key_id = AKIAFAKEFAKEFAKE0001
aws_secret_access_key = fakefakefakefakefakefakefakefakefakefake
EOF
}

t__fake_n=0

# Ready: the port is on the first line of the output file, or the server
# died (the caller looks which).
t__fake_probe() {
    grep -q '^[0-9][0-9]*$' "$1" || ! t_pid_alive "$2"
}

fake_start() {
    t__fake_n=$((t__fake_n + 1))
    t__base=$T_DIR/fake$t__fake_n
    if [ -f "$1" ]; then
        t__script=$1
    else
        t__script=$t__base.json
        printf '%s\n' "$1" >"$t__script"
    fi
    FAKE_LOG=$t__base.requests.jsonl
    : >"$FAKE_LOG"
    FAKE_STS_WATCH_PID=$$ python3 "$top_srcdir/tests/fake/fake_sts.py" \
        "$t__script" "$FAKE_LOG" "${FAKE_LIFETIME:-300}" \
        >"$t__base.port" 2>"$t__base.stderr" </dev/null &
    FAKE_PID=$!
    t_cleanup_add "t_stop_pid $FAKE_PID"
    if ! t_wait_for "t__fake_probe '$t__base.port' $FAKE_PID" 10; then
        t__show fake_sts.stderr "$t__base.stderr"
        t_error "fake_sts printed no port within 10 s"
    fi
    t__port=$(sed -n '1{/^[0-9][0-9]*$/p;}' "$t__base.port")
    if [ -z "$t__port" ]; then
        t__show fake_sts.stderr "$t__base.stderr"
        t_error "fake_sts did not start (script $t__script)"
    fi
    FAKE_URL=http://127.0.0.1:$t__port
    export FAKE_URL FAKE_LOG
}

use_fake() {
    uf_rules=
    for uf_r in "$@"; do
        uf_rules=${uf_rules:+$uf_rules, }$uf_r
    done
    fake_start "[$uf_rules]"
    AWS_ENDPOINT_URL=$FAKE_URL
    export AWS_ENDPOINT_URL
}

fake_log() {
    t_jsonl "$1" "$FAKE_LOG"
}

fake_count() {
    if [ $# -eq 0 ]; then
        t_jsonl 'len(d)' "$FAKE_LOG"
    else
        t_jsonl "len([r for r in d if r.get('action') == '$1'])" "$FAKE_LOG"
    fi
}

# Server certificate for the fake Kubernetes API: a CA, and a leaf for the
# IP address 127.0.0.1 signed by it.
kube_certs() {
    t__tls=$T_DIR/kube-tls
    KUBE_CA=$t__tls/ca.pem
    KUBE_CERT=$t__tls/server.pem
    KUBE_KEY=$t__tls/server.key
    export KUBE_CA KUBE_CERT KUBE_KEY
    if [ -f "$KUBE_CERT" ]; then
        return 0
    fi
    command -v openssl >/dev/null 2>&1 || t_skip "openssl is not installed"
    mkdir -p "$t__tls" || t_error "cannot create $t__tls"
    printf '%s\n' 'subjectAltName = IP:127.0.0.1' \
        'basicConstraints = critical, CA:FALSE' \
        'keyUsage = critical, digitalSignature' \
        'extendedKeyUsage = serverAuth' >"$t__tls/leaf.ext"
    if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$t__tls/ca.key" -out "$t__tls/ca.pem" -days 2 \
        -subj /CN=rolehop-test-ca \
        -addext 'basicConstraints = critical, CA:TRUE' \
        -addext 'keyUsage = critical, keyCertSign, cRLSign' \
        >"$t__tls/openssl.log" 2>&1 ||
        ! openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout "$t__tls/server.key" -out "$t__tls/server.csr" \
            -subj /CN=127.0.0.1 >>"$t__tls/openssl.log" 2>&1 ||
        ! openssl x509 -req -in "$t__tls/server.csr" -CA "$t__tls/ca.pem" \
            -CAkey "$t__tls/ca.key" -set_serial 2 -days 2 \
            -extfile "$t__tls/leaf.ext" -out "$t__tls/server.pem" \
            >>"$t__tls/openssl.log" 2>&1; then
        t__show openssl.log "$t__tls/openssl.log"
        rm -f "$KUBE_CERT"
        t_error "openssl could not make the test certificates"
    fi
}

t__kube_n=0

kube_start() {
    kube_certs
    t__kube_n=$((t__kube_n + 1))
    t__base=$T_DIR/kube$t__kube_n
    KUBE_LOG=$t__base.requests.jsonl
    : >"$KUBE_LOG"
    python3 "$top_srcdir/tests/fake/fake_kube.py" \
        --cert "$KUBE_CERT" --key "$KUBE_KEY" --log "$KUBE_LOG" \
        --lifetime "${KUBE_LIFETIME:-300}" --parent-pid "$$" "$@" \
        >"$t__base.port" 2>"$t__base.stderr" </dev/null &
    KUBE_PID=$!
    t_cleanup_add "t_stop_pid $KUBE_PID"
    if ! t_wait_for "t__fake_probe '$t__base.port' $KUBE_PID" 10; then
        t__show fake_kube.stderr "$t__base.stderr"
        t_error "fake_kube printed no port within 10 s"
    fi
    KUBE_PORT=$(sed -n '1{/^[0-9][0-9]*$/p;}' "$t__base.port")
    if [ -z "$KUBE_PORT" ]; then
        t__show fake_kube.stderr "$t__base.stderr"
        t_error "fake_kube did not start ($*)"
    fi
    KUBE_URL=https://127.0.0.1:$KUBE_PORT
    export KUBE_URL KUBE_LOG KUBE_CA
}

kube_log() {
    t_jsonl "$1" "$KUBE_LOG"
}
