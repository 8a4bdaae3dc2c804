#!/bin/sh
# rolehop doctor: a healthy chain on moto, then one broken thing at a
# time (static cycle, missing source_profile, chained duration; missing,
# expired and unreadable token, and on the fault-injecting fake:
# AccessDenied on each hop, InvalidIdentityToken, a skewed server clock,
# an unreachable endpoint), each with its verdict, fix and exit status;
# --json checked as JSON every time; the token never printed.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
moto_start
scenario_write

WI_ROLE=arn:aws:iam::111111111111:role/ci-account-iam-role
AR_ROLE=arn:aws:iam::222222222222:role/target-account-iam-role
SUB=system:serviceaccount:ci:rolehop
SIG=$(cut -d. -f3 "$T_TOKEN_FILE")

# check NAME HOP FIELD: FIELD (status, detail, fix) of the check NAME (with
# hop HOP, or None) in the --json output in $T_OUT.
check() {
    t_json "[c['$3'] for c in d['targets'][0]['checks']
             if c['name'] == '$1' and c['hop'] == $2][0]" "$T_OUT"
}

# doctor_json ARGS: run doctor --json; the output must be JSON whose
# healthy agrees with the exit status, and must not hold the token.
doctor_json() {
    t_run "$ROLEHOP" doctor --json "$@"
    t_assert_eq "$([ "$T_RC" = 0 ] && echo true || echo false)" \
        "$(t_json 'd["healthy"]' "$T_OUT")" "doctor $*: healthy vs status"
    t_assert_file_not_contains "$T_OUT" "$SIG" "doctor $*: no token (stdout)"
    t_assert_file_not_contains "$T_ERR" "$SIG" "doctor $*: no token (stderr)"
}

# --- Healthy: every check ok, exit 0, in JSON and as text.
doctor_json target-env
t_assert_eq 0 "$T_RC" "healthy: exit status"
t_assert_eq '["ok"]' \
    "$(t_json 'sorted(set(c["status"] for c in d["targets"][0]["checks"]))' \
        "$T_OUT")" "healthy: every check ok"
t_assert_eq '["token", "chain", "endpoint", "clock", "hop", "hop"]' \
    "$(t_json '[c["name"] for c in d["targets"][0]["checks"]]' "$T_OUT")" \
    "healthy: checks in order"
t_assert_contains "$(check token 1 detail)" "sub $SUB, aud sts.amazonaws.com" \
    "healthy: token claims"
t_assert_contains "$(check token 1 detail)" \
    "$T_TOKEN_FILE: iss https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE, sub" \
    "healthy: the token's file and iss"
t_assert_contains "$(check token 1 detail)" "left)" "healthy: token time left"
t_assert_contains "$(check hop 2 detail)" \
    "arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget" \
    "healthy: hop 2 caller identity"
t_assert_eq null "$(check hop 1 fix)" "healthy: no fix"
t_run "$ROLEHOP" doctor target-env
t_assert_eq 0 "$T_RC" "healthy text: exit status"
t_assert_file_contains "$T_OUT" "  ok    hop 2     assume-role $AR_ROLE" \
    "healthy text: hop line"
t_assert_file_contains "$T_OUT" "=> target-env: healthy" "healthy text: verdict"
# No TARGET: every target.
doctor_json
t_assert_eq 0 "$T_RC" "all targets: exit status"
t_assert_eq '["ci-env", "target-env", "stg", "deep", "static", "static-role"]' \
    "$(t_json '[t["target"] for t in d["targets"]]' "$T_OUT")" "all targets"

# --- Static problems: a cycle (fail, exit 1, no hop tried) and a chained
# duration past the 1-hour limit (a warning: exit 0).
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile loop-a]
role_arn = arn:aws:iam::666666666666:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::666666666666:role/b
source_profile = loop-a

[profile mfa-role]
role_arn = arn:aws:iam::555555555555:role/needs-mfa
source_profile = static
mfa_serial = arn:aws:iam::123456789012:mfa/op
region = us-east-1

[profile long]
role_arn = arn:aws:iam::333333333333:role/long-session
source_profile = ci-env
duration_seconds = 7200
region = us-east-1
EOF
doctor_json loop-a
t_assert_eq 1 "$T_RC" "cycle: exit status"
t_assert_eq fail "$(check chain None status)" "cycle: chain fails"
t_assert_contains "$(check chain None detail)" "cycle: loop-a -> loop-b -> loop-a" \
    "cycle: detail"
t_assert_contains "$(check chain None fix)" "break the cycle" "cycle: fix"
t_assert_eq skip "$(check endpoint None status)" \
    "cycle: no endpoint check for an unresolved chain"
doctor_json long
t_assert_eq 0 "$T_RC" "clamp: a warning keeps exit 0"
t_assert_eq warn "$(check chain 2 status)" "clamp: warning on hop 2"
t_assert_contains "$(check chain 2 detail)" "duration_seconds 7200" \
    "clamp: detail"
t_assert_contains "$(check chain 2 fix)" "duration_seconds = 3600" "clamp: fix"
t_assert_eq ok "$(check hop 2 status)" "clamp: the hop works"
t_assert_contains "$(check hop 2 detail)" "clamped to 1 hour" \
    "clamp: the live hop says so"

# An MFA hop cannot be tried without a terminal: skipped, with a fix.
doctor_json mfa-role </dev/null
t_assert_eq 0 "$T_RC" "mfa: a skipped hop keeps exit 0"
t_assert_eq ok "$(check hop 1 status)" "mfa: the static hop works"
t_assert_eq skip "$(check hop 2 status)" "mfa: hop 2 skipped"
t_assert_contains "$(check hop 2 detail)" "needs an MFA code" "mfa: detail"
t_assert_contains "$(check hop 2 fix)" "on a terminal" "mfa: fix"

# --- The token: missing, then expired (a JWT whose exp has passed).
cat >>"$AWS_CONFIG_FILE" <<EOF

[profile ci-missing]
role_arn = $WI_ROLE
web_identity_token_file = $T_DIR/no-such-token
region = us-east-1

[profile ci-expired]
role_arn = $WI_ROLE
web_identity_token_file = $T_DIR/expired-token
region = us-east-1
EOF
python3 -c '
import base64, json, time
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
p = {"iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXPIRED",
     "sub": "system:serviceaccount:ci:rolehop", "aud": "sts.amazonaws.com",
     "exp": int(time.time()) - 7200}
print(b(b"{\"alg\":\"RS256\"}") + "." + b(json.dumps(p).encode()) + ".c2ln")
' >"$T_DIR/expired-token" || t_error "cannot write the expired token"
doctor_json ci-missing
t_assert_eq 1 "$T_RC" "missing token: exit status"
t_assert_eq fail "$(check token 1 status)" "missing token: fails"
t_assert_contains "$(check token 1 detail)" "$T_DIR/no-such-token" \
    "missing token: names the file"
t_assert_contains "$(check token 1 fix)" \
    "eks.amazonaws.com/role-arn: $WI_ROLE" "missing token: fix"
t_assert_eq skip "$(check hop 1 status)" "missing token: hop not tried"
doctor_json ci-expired
t_assert_eq 1 "$T_RC" "expired token: exit status"
t_assert_eq fail "$(check token 1 status)" "expired token: fails"
t_assert_contains "$(check token 1 detail)" "(expired 2h00m ago)" \
    "expired token: how long ago"
t_assert_contains "$(check token 1 fix)" "projected" "expired token: fix"
t_assert_contains "$(check token 1 detail)" \
    "iss https://oidc.eks.us-east-1.amazonaws.com/id/EXPIRED," \
    "expired token: its iss"

# --- A token file that exists but cannot be read: the fix is about its
# mode, for the uid doctor runs as, not about projecting one. Root reads
# any file whatever its mode, so this doctor runs as uid 65534, with
# everything it needs in a directory that uid can traverse. The binary
# itself (ROLEHOP_BIN): under check-valgrind the wrapper's log directory
# is not that uid's to write.
if command -v setpriv >/dev/null 2>&1; then
    U=$T_DIR/nobody
    mkdir -p "$U/home" || t_error "cannot create $U"
    chmod 711 "$T_DIR" && chmod 755 "$U" && chown 65534:65534 "$U/home" ||
        t_error "cannot open $U to uid 65534"
    cp "$T_TOKEN_FILE" "$U/token" && chmod 000 "$U/token" ||
        t_error "cannot write $U/token"
    cat >"$U/config" <<EOF
[profile ci-unreadable]
role_arn = $WI_ROLE
web_identity_token_file = $U/token
region = us-east-1
EOF
    chmod 644 "$U/config"
    t_run env HOME="$U/home" XDG_CACHE_HOME="$U/home/.cache" \
        XDG_CONFIG_HOME="$U/home/.config" AWS_CONFIG_FILE="$U/config" \
        AWS_SHARED_CREDENTIALS_FILE="$U/no-credentials" \
        setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$ROLEHOP_BIN" doctor --json ci-unreadable
    t_assert_eq 1 "$T_RC" "unreadable token: exit status"
    t_assert_file_not_contains "$T_OUT" "$SIG" "unreadable token: no token"
    t_assert_eq fail "$(check token 1 status)" "unreadable token: fails"
    t_assert_contains "$(check token 1 detail)" "$U/token" \
        "unreadable token: names the file"
    t_assert_contains "$(check token 1 detail)" "ermission denied" \
        "unreadable token: says why"
    fix=$(check token 1 fix)
    t_assert_contains "$fix" "make $U/token readable by uid 65534" \
        "unreadable token: fix names the file and the uid"
    t_assert_not_contains "$fix" "annotation" \
        "unreadable token: not the missing-token fix"
    t_assert_eq skip "$(check hop 1 status)" "unreadable token: hop not tried"
else
    echo "setpriv is missing: the unreadable-token check is not run" >&2
fi

# --- A source_profile that does not exist: the chain fails before any
# request, and the fix says to add that profile.
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile orphan]
role_arn = arn:aws:iam::222222222222:role/orphan
source_profile = no-such-source
region = us-east-1
EOF
doctor_json orphan
t_assert_eq 1 "$T_RC" "missing source_profile: exit status"
t_assert_eq fail "$(check chain None status)" "missing source_profile: chain fails"
t_assert_contains "$(check chain None detail)" \
    "source_profile 'no-such-source' does not exist" \
    "missing source_profile: detail names it"
t_assert_contains "$(check chain None fix)" \
    "add that profile to the AWS config" "missing source_profile: fix"
t_assert_eq skip "$(check endpoint None status)" \
    "missing source_profile: no endpoint check"
t_run "$ROLEHOP" doctor orphan
t_assert_eq 1 "$T_RC" "missing source_profile text: exit status"
t_assert_file_contains "$T_OUT" "fix: add that profile to the AWS config" \
    "missing source_profile text: the fix"

# --- The fake STS: one failure at a time.
OK_WI='{"match": {"action": "AssumeRoleWithWebIdentity"},
        "reply": "assume_role_web_identity"}'
OK_AR='{"match": {"action": "AssumeRole"}, "reply": "assume_role"}'
OK_GCI='{"match": {"action": "GetCallerIdentity"},
         "reply": "get_caller_identity"}'
PROBE='{"match": {"method": "GET"}, "status": 404, "body": "probe"}'

use_fake "$PROBE" "$OK_WI" "$OK_AR" "$OK_GCI"
doctor_json target-env
t_assert_eq 0 "$T_RC" "fake baseline: healthy"
t_assert_contains "$(check endpoint None detail)" "answers: HTTP 404" \
    "fake baseline: any answer means reachable"

msg="Not authorized to perform sts:AssumeRoleWithWebIdentity"
use_fake "$PROBE" "{\"match\": {\"action\": \"AssumeRoleWithWebIdentity\"},
                    \"reply\": \"error:AccessDenied:403:$msg\"}" \
    "$OK_AR" "$OK_GCI"
doctor_json target-env
t_assert_eq 1 "$T_RC" "AccessDenied hop 1: exit status"
t_assert_eq fail "$(check hop 1 status)" "AccessDenied hop 1: fails"
t_assert_contains "$(check hop 1 detail)" "AccessDenied: $msg" \
    "AccessDenied hop 1: detail"
fix=$(check hop 1 fix)
t_assert_contains "$fix" \
    "the trust policy of ci-account-iam-role must allow sub $SUB and aud sts.amazonaws.com" \
    "AccessDenied hop 1: fix names what the policy must allow"
t_assert_contains "$fix" "your token has sub $SUB aud sts.amazonaws.com" \
    "AccessDenied hop 1: fix names the token's claims"
t_assert_contains "$fix" \
    "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" \
    "AccessDenied hop 1: fix names the condition key"
t_assert_eq skip "$(check hop 2 status)" "AccessDenied hop 1: hop 2 not tried"
t_assert_eq 0 "$(fake_count AssumeRole)" "AccessDenied hop 1: no AssumeRole"
t_run "$ROLEHOP" doctor target-env
t_assert_file_contains "$T_OUT" "  FAIL  hop 1     web-identity $WI_ROLE" \
    "AccessDenied hop 1 text: FAIL line"
t_assert_file_contains "$T_OUT" "        fix: the trust policy of ci-account-iam-role" \
    "AccessDenied hop 1 text: fix indented"
t_assert_file_contains "$T_OUT" "=> target-env: unhealthy (1 failed" \
    "AccessDenied hop 1 text: verdict"

use_fake "$PROBE" "{\"match\": {\"action\": \"AssumeRoleWithWebIdentity\"},
    \"reply\": \"error:InvalidIdentityToken:400:No OpenIDConnect provider found\"}"
doctor_json target-env
t_assert_eq 1 "$T_RC" "InvalidIdentityToken: exit status"
fix=$(check hop 1 fix)
t_assert_contains "$fix" "IAM OIDC identity provider" "InvalidIdentityToken: fix"
t_assert_contains "$fix" "in account 111111111111" \
    "InvalidIdentityToken: the role's account"
t_assert_contains "$fix" \
    "create-open-id-connect-provider --url https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" \
    "InvalidIdentityToken: the command"

msg="User: arn:aws:sts::111111111111:assumed-role/ci-account-iam-role/rolehop-ci"
msg="$msg is not authorized to perform: sts:AssumeRole on resource: $AR_ROLE"
use_fake "$PROBE" "$OK_WI" "{\"match\": {\"action\": \"AssumeRole\"},
                             \"reply\": \"error:AccessDenied:403:$msg\"}" \
    "$OK_GCI"
doctor_json target-env
t_assert_eq 1 "$T_RC" "AccessDenied hop 2: exit status"
t_assert_eq ok "$(check hop 1 status)" "AccessDenied hop 2: hop 1 ok"
t_assert_eq fail "$(check hop 2 status)" "AccessDenied hop 2: hop 2 fails"
fix=$(check hop 2 fix)
t_assert_contains "$fix" "$WI_ROLE needs sts:AssumeRole on $AR_ROLE" \
    "AccessDenied hop 2: permission fix"
t_assert_contains "$fix" "the trust policy of $AR_ROLE must trust $WI_ROLE" \
    "AccessDenied hop 2: trust fix"

use_fake '{"match": {"method": "GET"}, "status": 404, "body": "probe",
           "headers": {"Date": "{{date:600}}"}}' "$OK_WI" "$OK_AR" "$OK_GCI"
doctor_json target-env
t_assert_eq 0 "$T_RC" "skew: a warning keeps exit 0"
t_assert_eq warn "$(check clock None status)" "skew: warns"
detail=$(check clock None detail)
case $detail in
*"the local clock is 59"[89]" s behind"* | *"is 600 s behind"* | \
    *"is 60"[12]" s behind"*) ;;
*) t_fail "skew: detail '$detail'" ;;
esac
t_assert_contains "$(check clock None fix)" "NTP" "skew: fix"

PORT=$(t_free_port) || t_error "no free port"
AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_ENDPOINT_URL
doctor_json target-env
t_assert_eq 1 "$T_RC" "unreachable: exit status"
t_assert_eq fail "$(check endpoint None status)" "unreachable: fails"
t_assert_contains "$(check endpoint None detail)" "http://127.0.0.1:$PORT" \
    "unreachable: names the URL"
fix=$(check endpoint None fix)
t_assert_contains "$fix" "HTTPS_PROXY" "unreachable: proxy hint"
t_assert_contains "$fix" "endpoint override" "unreachable: endpoint_url hint"
t_assert_eq skip "$(check clock None status)" "unreachable: no clock"
t_assert_eq skip "$(check hop 1 status)" "unreachable: hops not tried"

# Usage: an unknown target is a usage error.
t_run "$ROLEHOP" doctor no-such-target
t_assert_eq 2 "$T_RC" "unknown target: exit status"
t_run "$ROLEHOP" doctor target-env --format sh
t_assert_eq 2 "$T_RC" "doctor takes no --format"
exit 0
