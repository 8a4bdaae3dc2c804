#!/bin/sh
# rolehop demo: a CI pod's view of four AWS accounts, on this machine only.
#
# Starts moto (the AWS stand-in) on a free loopback port, seeds a CI
# account (111111111111) whose role is assumed with a web identity token,
# and dev, stg and prod accounts (222..., 333..., 444...) reached by role
# chaining, with EKS clusters in two regions; writes a private AWS config,
# rolehop config and token file; runs rolehop against them; and removes
# everything on exit.
#
# usage: demo.sh [ROLEHOP ARGS...]
#   default, on a terminal: the interactive interface (rolehop ui);
#   without one: list, whoami dev and prod, and clusters --all.
set -eu

ROLEHOP=${ROLEHOP:-rolehop}
here=$(cd "$(dirname "$0")" && pwd)

if ! python3 -c 'import moto.server' 2>/dev/null; then
    echo "demo: needs moto (python3 -m moto.server); run .ci/deps" >&2
    exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/rolehop-demo.XXXXXX")
moto_pid=
cleanup() {
    [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
moto_pid=$!
url="http://127.0.0.1:$port"
i=0
until curl -fsS -o /dev/null "$url/moto-api/" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 300 ] || ! kill -0 "$moto_pid" 2>/dev/null; then
        echo "demo: moto did not start; see its log:" >&2
        cat "$dir/moto.log" >&2
        exit 1
    fi
    sleep 0.1
done
python3 "$here/seed.py" "$url"

# An IRSA-style token: a JWT as the kubelet would project it (unsigned
# here; moto does not check it).
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
exp=$(($(date +%s) + 86400))
hdr=$(printf '{"alg":"RS256","kid":"demo"}' | b64url)
claims=$(printf '{"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/DEMO","sub":"system:serviceaccount:ci:rolehop","aud":["sts.amazonaws.com"],"exp":%s}' "$exp" | b64url)
printf '%s.%s.c2lnbmF0dXJl\n' "$hdr" "$claims" >"$dir/token"

mkdir -p "$dir/aws" "$dir/rolehop"
cat >"$dir/aws/config" <<CFG
[profile ci-env]
role_arn = arn:aws:iam::111111111111:role/ci-account-iam-role
web_identity_token_file = $dir/token
role_session_name = rolehop-demo
region = us-east-1
CFG
cat >"$dir/rolehop/config.yaml" <<CFG
regions: [us-east-1, eu-west-1]
targets:
  - name: dev
    role_arn: arn:aws:iam::222222222222:role/dev-admin
    source: ci-env
    session_name: xactarget
    color: green
  - name: stg
    role_arn: arn:aws:iam::333333333333:role/stg-admin
    source: ci-env
    session_name: xactarget
    color: yellow
  - name: prod
    role_arn: arn:aws:iam::444444444444:role/prod-read
    source: ci-env
    session_name: xactarget
    confirm: true
    color: red
CFG

export AWS_CONFIG_FILE="$dir/aws/config"
export AWS_SHARED_CREDENTIALS_FILE="$dir/aws/credentials"
export ROLEHOP_CONFIG="$dir/rolehop/config.yaml"
export XDG_CACHE_HOME="$dir/cache"
export AWS_ENDPOINT_URL="$url"
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
    AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE

if [ $# -gt 0 ]; then
    "$ROLEHOP" "$@"
    exit $?
fi
if [ -t 0 ] && [ -t 1 ]; then
    "$ROLEHOP" ui
    exit $?
fi
echo "\$ rolehop list"
"$ROLEHOP" list
for t in dev prod; do
    echo
    echo "\$ rolehop whoami $t"
    "$ROLEHOP" whoami "$t"
done
echo
echo "\$ rolehop clusters --all"
"$ROLEHOP" clusters --all
