#!/bin/sh
# The fake Kubernetes API server (tests/fake/fake_kube.py) against the
# reference token generator, `aws eks get-token`: a good token is accepted
# by curl and by kubectl (static token in a kubeconfig), and each kind of
# bad token is refused with 401 for the reason the fake logs
# (aws-protocols.md 4.1-4.3). rolehop itself is not run here.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
for tool in openssl kubectl aws curl faketime; do
    command -v "$tool" >/dev/null 2>&1 || t_skip "$tool is not installed"
done

# Fake credentials, nothing like a real key. The session token contains
# characters that SigV4 must percent-encode (/ + =).
akid=AKIAFAKEFAKEFAKE0001
secret=fakefakefakefakefakefakefakefakefakefake
session=FAKEsessionTOKEN/for+tests==
AWS_ACCESS_KEY_ID=$akid
AWS_SECRET_ACCESS_KEY=$secret
AWS_SESSION_TOKEN=$session
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
# The AWS CLI sees no config files, only the environment.
AWS_CONFIG_FILE=$T_DIR/no-aws-config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/no-aws-credentials
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE

fake=$top_srcdir/tests/fake/fake_kube.py

# The fake's own SigV4 code reproduces the section 4.2 vectors.
t_run python3 "$fake" --self-test
t_assert_eq 0 "$T_RC" "fake_kube --self-test"

kube_certs
kube_start --cluster demo --access-key-id "$akid" \
    --secret-access-key "$secret" --session-token "$session"
url_demo=$KUBE_URL
log_demo=$KUBE_LOG

# mktok FILE CLUSTER [PREFIX-COMMAND...]: the AWS CLI's token for CLUSTER,
# into FILE; the optional command (env VAR=..., faketime ...) runs aws.
mktok() {
    mktok_file=$1
    mktok_cluster=$2
    shift 2
    t_run "$@" aws eks get-token --cluster-name "$mktok_cluster" \
        --region us-east-1 --output json
    t_assert_eq 0 "$T_RC" "aws eks get-token for $mktok_cluster ($*)"
    t_json 'd["status"]["token"]' "$T_OUT" >"$mktok_file" ||
        t_fail "no status.token in the AWS CLI's output"
}

# A token rewritten by hand: argv = VARIANT TOKEN; prints the new token
# (or, for "sig", the X-Amz-Signature). Fails if nothing changed.
variant_py='
import base64, sys

variant, tok = sys.argv[1], sys.argv[2]
P = "k8s-aws-v1."
b = tok[len(P):]
url = base64.urlsafe_b64decode(b + "=" * (-len(b) % 4)).decode()

def enc(u):
    return P + base64.urlsafe_b64encode(u.encode()).decode().rstrip("=")

def sub(old, new):
    if old not in url:
        sys.exit("variant %s: %r not in the URL" % (variant, old))
    return enc(url.replace(old, new, 1))

head, _, sig = url.partition("&X-Amz-Signature=")
if variant == "sig":
    out = sig
elif variant == "tampered":
    out = enc(head + "&X-Amz-Signature=" + ("0" if sig[0] != "0" else "1")
              + sig[1:])
elif variant == "padded":
    out = P + base64.urlsafe_b64encode(url.encode()).decode()
elif variant == "dup-action":
    out = enc(url + "&Action=GetCallerIdentity")
elif variant == "lower-action":
    out = enc(url + "&action=GetCallerIdentity")
elif variant == "foo":
    out = enc(url + "&X-Amz-Foo=bar")
elif variant == "host":
    out = sub("https://sts.us-east-1.amazonaws.com/",
              "https://sts.us-east-1.amazonaws.com.evil.example/")
elif variant == "expires":
    out = sub("&X-Amz-Expires=60&", "&X-Amz-Expires=901&")
elif variant == "unsigned-cluster":
    out = sub("&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&",
              "&X-Amz-SignedHeaders=host&")
elif variant == "noprefix":
    out = "k8s-aws-v2." + b
elif variant == "long":
    out = P + "A" * 4090
else:
    sys.exit("unknown variant " + variant)
if out == tok:
    sys.exit("variant %s: token unchanged" % variant)
print(out)
'

# variant NAME TOKEN > FILE, failing the test when the rewrite fails.
variant() {
    python3 -c "$variant_py" "$1" "$2" || t_error "cannot make variant $1"
}

# get TOKEN PATH: curl the current fake; status in $T_OUT, body in
# $T_DIR/body. An empty TOKEN sends no Authorization header; a TOKEN
# starting with "Basic " is sent as is.
get() {
    case $1 in
    '') set -- -H 'X-Nothing: 1' "$2" ;;
    'Basic '*) set -- -H "Authorization: $1" "$2" ;;
    *) set -- -H "Authorization: Bearer $1" "$2" ;;
    esac
    t_run curl -sS --noproxy '*' --max-time 10 --cacert "$KUBE_CA" \
        -o "$T_DIR/body" -w '%{http_code}' "$1" "$2" "$KUBE_URL$3"
    t_assert_eq 0 "$T_RC" "curl $3"
}

nlog() {
    kube_log 'len(d)'
}

# What denied() looks at, in one go: the Status body's fields, the number
# of requests logged, and the last one's verdict and status; then, on a
# line of its own, its reason.
last_py='
import json, sys

body = json.load(open(sys.argv[1], encoding="utf-8"))
log = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")
       if line.strip()]
keys = ("kind", "apiVersion", "status", "message", "reason", "code")
print(" ".join(str(body.get(k)) for k in keys), len(log),
      log[-1]["verdict"], log[-1]["status"])
print(log[-1]["reason"])
'

# denied WHAT TOKEN REASON: the token is refused with 401 and a Kubernetes
# Status, exactly one more request is logged (so $nreq counts them), and
# its logged reason contains REASON.
denied() {
    get "$2" /api/v1/namespaces
    t_assert_eq 401 "$(cat "$T_OUT")" "$1: HTTP status"
    nreq=$((nreq + 1))
    denied_out=$(python3 -c "$last_py" "$T_DIR/body" "$KUBE_LOG") ||
        t_fail "$1: cannot read the body or the log"
    t_assert_eq "Status v1 Failure Unauthorized Unauthorized 401 $nreq denied 401" \
        "$(printf '%s\n' "$denied_out" | sed -n 1p)" \
        "$1: Status body, log length, verdict, logged status"
    t_assert_contains "$(printf '%s\n' "$denied_out" | sed -n 2p)" "$3" \
        "$1: reason"
}

# --- The good token ---------------------------------------------------

mktok "$T_DIR/tok.good" demo
good=$(cat "$T_DIR/tok.good")
t_assert_contains "$good" k8s-aws-v1. "the AWS CLI's token"

get "$good" /api/v1/namespaces
t_assert_eq 200 "$(cat "$T_OUT")" "good token: HTTP status"
t_assert_eq '["default", "kube-system"]' \
    "$(t_json '[i["metadata"]["name"] for i in d["items"]]' "$T_DIR/body")" \
    "good token: namespaces"
t_assert_eq NamespaceList "$(t_json 'd["kind"]' "$T_DIR/body")" "list kind"
t_assert_eq '["ok", "token verified", 200]' \
    "$(kube_log '[d[-1][k] for k in ("verdict", "reason", "status")]')" \
    "good token: logged verdict"
t_assert_eq "[\"$akid\", \"us-east-1\", \"sts.us-east-1.amazonaws.com\"]" \
    "$(kube_log '[d[-1][k] for k in ("akid", "region", "sts_host")]')" \
    "good token: logged identity"
t_assert_eq 24 "$(kube_log 'len(d[-1]["token_prefix"])')" "token prefix"

get "$good" /version
t_assert_eq 200 "$(cat "$T_OUT")" "GET /version"
t_assert_eq v1.32.0-fake "$(t_json 'd["gitVersion"]' "$T_DIR/body")" \
    "gitVersion"

# kubectl with the token as a static user token.
write_kubeconfig() {
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: $KUBE_URL
    certificate-authority: $KUBE_CA
users:
- name: token
  user:
    token: $2
contexts:
- name: fake
  context:
    cluster: fake
    user: token
current-context: fake
EOF
}
kc=$T_DIR/kubeconfig
write_kubeconfig "$kc" "$good"
n0=$(nlog)
t_run kubectl --kubeconfig "$kc" --request-timeout=10s get namespaces
t_assert_eq 0 "$T_RC" "kubectl get namespaces"
t_assert_eq "NAME STATUS AGE|default Active 24h|kube-system Active 24h" \
    "$(tr -s ' ' <"$T_OUT" | paste -s -d '|' -)" "kubectl get namespaces output"
t_run kubectl --kubeconfig "$kc" --request-timeout=10s version -o json
t_assert_eq 0 "$T_RC" "kubectl version"
t_assert_eq v1.32.0-fake "$(t_json 'd["serverVersion"]["gitVersion"]' "$T_OUT")" \
    "kubectl version: server"
# All of kubectl's requests were authenticated, and get asked for a Table.
t_assert_eq '["ok"]' "$(kube_log "sorted({r['verdict'] for r in d[$n0:]})")" \
    "kubectl's requests all verified"
t_assert_eq true "$(kube_log "any(r['path'] == '/api/v1/namespaces' and 'as=Table' in r['accept'] for r in d[$n0:])")" \
    "kubectl asked for a Table"

# kubectl sees a refused token as Unauthorized.
variant tampered "$good" >"$T_DIR/tok.tampered"
tampered=$(cat "$T_DIR/tok.tampered")
write_kubeconfig "$kc" "$tampered"
t_run kubectl --kubeconfig "$kc" --request-timeout=10s get namespaces
t_assert_eq 1 "$T_RC" "kubectl with a tampered token"
t_assert_file_contains "$T_ERR" "Unauthorized" "kubectl with a tampered token"

# --- Bad tokens -------------------------------------------------------

nreq=$(nlog)

denied "no Authorization" "" "no Authorization header"
denied "Basic auth" "Basic ZmFrZTpmYWtl" "Authorization scheme is not Bearer"

good_sig=$(variant sig "$good")
bad_sig=$(variant sig "$tampered")
denied "tampered signature" "$tampered" "signature mismatch"
t_assert_eq "[\"$(printf %.16s "$bad_sig")\", \"$(printf %.16s "$good_sig")\"]" \
    "$(kube_log '[d[-1]["got_sig"], d[-1]["want_sig"]]')" \
    "tampered signature: logged signatures"

mktok "$T_DIR/tok.other" other-cluster
denied "token for another cluster" "$(cat "$T_DIR/tok.other")" \
    "signature mismatch"

mktok "$T_DIR/tok.secret" demo \
    env AWS_SECRET_ACCESS_KEY=fakefakefakefakefakefakefakefakefakeWRNG
denied "token made with another secret" "$(cat "$T_DIR/tok.secret")" \
    "signature mismatch"

mktok "$T_DIR/tok.akid" demo env AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKE0002
denied "token of another access key" "$(cat "$T_DIR/tok.akid")" \
    "credential access key AKIAFAKEFAKEFAKE0002 is not the known one"

mktok "$T_DIR/tok.session" demo env AWS_SESSION_TOKEN=FAKEotherSESSION
denied "token with another session token" "$(cat "$T_DIR/tok.session")" \
    "X-Amz-Security-Token does not match"

mktok "$T_DIR/tok.old" demo faketime -f -20m
denied "token signed 20 minutes ago" "$(cat "$T_DIR/tok.old")" \
    "s old (limit 900 s)"
t_assert_contains "$(kube_log 'd[-1]["reason"]')" " is 120" \
    "token signed 20 minutes ago: about 1200 s old"

mktok "$T_DIR/tok.future" demo faketime -f +10m
denied "token signed 10 minutes ahead" "$(cat "$T_DIR/tok.future")" \
    "s in the future (limit 300 s)"

# What the CLI makes against a local STS endpoint (moto): http://127.0.0.1.
mktok "$T_DIR/tok.local" demo env AWS_ENDPOINT_URL_STS=http://127.0.0.1:9
denied "token for a local STS endpoint" "$(cat "$T_DIR/tok.local")" \
    "token URL scheme is 'http', not https"

denied "padded token" "$(variant padded "$good")" \
    "token base64 is padded ('=' found)"
denied "duplicate Action" "$(variant dup-action "$good")" \
    "query parameter Action has several values"
denied "Action twice, other case" "$(variant lower-action "$good")" \
    "duplicate query parameter action (also as Action)"
denied "extra X-Amz-Foo" "$(variant foo "$good")" \
    "non-whitelisted query parameter X-Amz-Foo"
denied "non-STS host" "$(variant host "$good")" \
    "token URL host 'sts.us-east-1.amazonaws.com.evil.example' is not an STS host"
denied "X-Amz-Expires 901" "$(variant expires "$good")" \
    "X-Amz-Expires '901' is not in 0..900"
denied "x-k8s-aws-id not signed" "$(variant unsigned-cluster "$good")" \
    "X-Amz-SignedHeaders 'host' lacks x-k8s-aws-id"
denied "wrong prefix" "$(variant noprefix "$good")" \
    "token lacks the k8s-aws-v1. prefix"
denied "token over 4096 bytes" "$(variant long "$good")" \
    "token longer than 4096 bytes"

# The good token still works after all that (nothing is remembered).
get "$good" /api/v1/namespaces
t_assert_eq 200 "$(cat "$T_OUT")" "good token again"

# The log holds no whole token.
t_assert_file_not_contains "$log_demo" "$good" "log: the good token"
t_assert_file_not_contains "$log_demo" "$good_sig" "log: its signature"

# --- A second fake, for cluster other-cluster ---------------------------

# The other cluster's token, refused above, is fine for the cluster it was
# made for: the cluster name was the only thing wrong with it.
kube_start --cluster other-cluster --access-key-id "$akid" \
    --secret-access-key "$secret"
nreq=1
[ "$KUBE_URL" != "$url_demo" ] || t_fail "the second fake has the first one's URL"
get "$(cat "$T_DIR/tok.other")" /api/v1/namespaces
t_assert_eq 200 "$(cat "$T_OUT")" "other-cluster token on its own fake"
t_assert_eq ok "$(kube_log 'd[-1]["verdict"]')" "other-cluster: verdict"
denied "demo token on the other-cluster fake" "$good" "signature mismatch"

exit 0
