#!/bin/sh
# rolehop token: the ExecCredential for kubectl's exec plugin.
#
# The token is byte-identical to `aws eks get-token` for the same static
# credentials (with a session token), endpoint and signing second: both run
# under faketime with the clock frozen, in a regional and a legacy STS
# setup and in another region. Then, against the fault-injecting fake STS:
# the expiry is capped by the credentials' own, a warm call makes no
# request at all, KUBERNETES_EXEC_INFO picks the apiVersion, the token
# never reaches stderr at -v -v, and a target that needs an MFA code fails
# at once without prompting.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v faketime >/dev/null 2>&1 || t_skip "faketime is not installed"
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"

# rolehop may be built with ASan, whose runtime must come first: let
# libfaketime's preload go in front of it.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
FROZEN='2026-11-28 12:00:00'

mkdir -p "$T_DIR/aws"
AWS_CONFIG_FILE=$T_DIR/aws/config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/aws/credentials
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
cat >"$AWS_CONFIG_FILE" <<'EOF'
[profile keys]
region = us-east-1
[profile keys-eu]
region = eu-west-1
EOF
# Fake keys; the session token has the characters that need encoding.
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'EOF'
[keys]
aws_access_key_id = ASIAFAKEFAKEFAKE0042
aws_secret_access_key = fakesecretfakesecretfakesecretfakesecret
aws_session_token = FwoGZXIvYXdzEFAKE//token+with/slashes==
[keys-eu]
aws_access_key_id = ASIAFAKEFAKEFAKE0043
aws_secret_access_key = fakesecretfakesecretfakesecretfakesecreu
aws_session_token = FwoGZXIvYXdzEFAKEeu==
EOF

# compare PROFILE CLUSTER REGION WHAT: both tools, same frozen second.
compare() {
    t_run faketime -f "$FROZEN" "$ROLEHOP" --no-cache token "$1" \
        --cluster "$2" --region "$3"
    t_assert_eq 0 "$T_RC" "$4: rolehop token exit status"
    cp "$T_OUT" "$T_DIR/rolehop.json"
    t_run faketime -f "$FROZEN" aws eks get-token --profile "$1" \
        --cluster-name "$2" --region "$3" --output json
    t_assert_eq 0 "$T_RC" "$4: aws eks get-token exit status"
    cp "$T_OUT" "$T_DIR/aws.json"
    want=$(t_json 'd["status"]["token"]' "$T_DIR/aws.json")
    got=$(t_json 'd["status"]["token"]' "$T_DIR/rolehop.json")
    t_assert_contains "$want" "k8s-aws-v1." "$4: the AWS CLI made a token"
    t_assert_eq "$want" "$got" "$4: token byte-identical to aws eks get-token"
    t_assert_eq "$(t_json 'd["status"]["expirationTimestamp"]' "$T_DIR/aws.json")" \
        "$(t_json 'd["status"]["expirationTimestamp"]' "$T_DIR/rolehop.json")" \
        "$4: expiry as the AWS CLI's (signing time + 14 min)"
    t_assert_eq "2026-11-28T12:14:00Z" \
        "$(t_json 'd["status"]["expirationTimestamp"]' "$T_DIR/rolehop.json")" \
        "$4: expiry value"
    t_assert_eq "client.authentication.k8s.io/v1beta1" \
        "$(t_json 'd["apiVersion"]' "$T_DIR/rolehop.json")" \
        "$4: default apiVersion"
    t_assert_eq "ExecCredential" "$(t_json 'd["kind"]' "$T_DIR/rolehop.json")" \
        "$4: kind"
}

compare keys prod-main us-east-1 "regional us-east-1"
compare keys-eu web eu-west-1 "regional eu-west-1"
compare keys "name.with_odd-chars" us-west-2 "another region"
AWS_STS_REGIONAL_ENDPOINTS=legacy
export AWS_STS_REGIONAL_ENDPOINTS
compare keys prod-main us-east-1 "legacy us-east-1"
compare keys-eu web eu-west-1 "legacy eu-west-1"
url=$(t_json 'd["status"]["token"]' "$T_DIR/rolehop.json" |
    python3 -c 'import base64, sys
t = sys.stdin.read().strip()[len("k8s-aws-v1."):]
print(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)).decode())')
t_assert_contains "$url" "https://sts.amazonaws.com/?Action=GetCallerIdentity" \
    "legacy: the global endpoint"
unset AWS_STS_REGIONAL_ENDPOINTS

# --- KUBERNETES_EXEC_INFO chooses the apiVersion (kubectl 1.32's shape).
KUBERNETES_EXEC_INFO='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}'
export KUBERNETES_EXEC_INFO
t_run "$ROLEHOP" token keys --cluster c --region us-east-1
t_assert_eq 0 "$T_RC" "v1 exec info: exit status"
t_assert_eq "client.authentication.k8s.io/v1" "$(t_json 'd["apiVersion"]' "$T_OUT")" \
    "v1 exec info: apiVersion echoed"
t_assert_eq "" "$(cat "$T_ERR")" "v1 exec info: nothing on stderr"
KUBERNETES_EXEC_INFO='{not json'
t_run "$ROLEHOP" token keys --cluster c --region us-east-1
t_assert_eq 0 "$T_RC" "bad exec info: exit status"
t_assert_eq "client.authentication.k8s.io/v1beta1" "$(t_json 'd["apiVersion"]' "$T_OUT")" \
    "bad exec info: v1beta1"
t_assert_file_contains "$T_ERR" "KUBERNETES_EXEC_INFO" "bad exec info: warned"
unset KUBERNETES_EXEC_INFO

# --- Usage errors.
t_run "$ROLEHOP" token keys
t_assert_eq 2 "$T_RC" "no --cluster: exit status"
t_assert_file_contains "$T_ERR" "token needs --cluster NAME" "no --cluster"
t_run "$ROLEHOP" token keys --cluster a --region us-east-1 --region eu-west-1
t_assert_eq 2 "$T_RC" "two regions: exit status"
t_run "$ROLEHOP" token nope --cluster a
t_assert_eq 2 "$T_RC" "unknown target: exit status"
t_assert_file_contains "$T_ERR" "nope" "unknown target named"

# --- A chain through the fake STS: short credentials, the cache.
fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role",
   "expires_in": 600},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
scenario_write
cat >>"$AWS_CONFIG_FILE" <<EOF

[profile mfa-role]
role_arn = arn:aws:iam::666666666666:role/needs-mfa
source_profile = static
mfa_serial = arn:aws:iam::123456789012:mfa/operator
region = us-east-1
EOF
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION

t_run "$ROLEHOP" -v -v token target-env --cluster dev-main --region us-east-1
t_assert_eq 0 "$T_RC" "chained token: exit status"
cold=$(fake_count)
t_assert_eq 2 "$cold" "cold token: two AssumeRole calls, no GetCallerIdentity"
tok=$(t_json 'd["status"]["token"]' "$T_OUT")
exp=$(t_json 'd["status"]["expirationTimestamp"]' "$T_OUT")
t_assert_file_not_contains "$T_ERR" "$tok" "token not on stderr at -v -v"
t_assert_file_not_contains "$T_ERR" "${tok#k8s-aws-v1.}" "token body not on stderr"
# The target hop lives 600 s: the token may not outlive it.
left=$(python3 -c 'import sys, datetime
e = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")
e = e.replace(tzinfo=datetime.timezone.utc)
print(int((e - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))' "$exp")
[ "$left" -le 600 ] && [ "$left" -gt 500 ] ||
    t_fail "expiry follows the 600 s credentials, not +14 min ($left s left)"

# Warm: the cached chain, no request at all (the fake logs every one).
t_run "$ROLEHOP" token target-env --cluster dev-main --region us-east-1
t_assert_eq 0 "$T_RC" "warm token: exit status"
t_assert_eq "$cold" "$(fake_count)" "warm token: no network request"
t_assert_contains "$(t_json 'd["status"]["token"]' "$T_OUT")" "k8s-aws-v1." "warm token"
# ... and libcurl is not even loaded (src/curlload.c: on the first request).
t_run env LD_DEBUG=files "$ROLEHOP" token target-env --cluster dev-main \
    --region us-east-1
t_assert_eq 0 "$T_RC" "warm token under LD_DEBUG"
if grep -q 'file=' "$T_ERR"; then
    t_assert_file_not_contains "$T_ERR" "libcurl" "warm token: libcurl not loaded"
fi

# MFA: never prompts (stdin is no terminal anyway); says what to do.
t_run "$ROLEHOP" token mfa-role --cluster c --region us-east-1
t_assert_eq 2 "$T_RC" "MFA: exit status"
t_assert_file_contains "$T_ERR" "an MFA code is needed" "MFA: message"
t_assert_file_contains "$T_ERR" "rolehop whoami mfa-role" "MFA: what to run"
t_assert_eq "" "$(cat "$T_OUT")" "MFA: nothing on stdout"
t_assert_eq "$cold" "$(fake_count)" "MFA: no request"
exit 0
