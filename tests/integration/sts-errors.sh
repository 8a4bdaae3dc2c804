#!/bin/sh
# STS failures against the fault-injecting fake (tests/fake/fake_sts.py):
# the one-line error format and its hints, which errors are retried (and
# how often), malformed, truncated and non-XML answers, the 1-hour clamp of
# chained AssumeRole durations, the web identity token file read afresh on
# every call, and the token never reaching rolehop's output.
#
# Every scenario gets a fake of its own. Failing rules are followed by a
# rule that would succeed, so a retry that should not happen (or one too
# many) turns into a visible success and fails the test.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init

OK_WI='{"match": {"action": "AssumeRoleWithWebIdentity"},
        "reply": "assume_role_web_identity"}'
OK_AR='{"match": {"action": "AssumeRole"}, "reply": "assume_role"}'
OK_GCI='{"match": {"action": "GetCallerIdentity"},
         "reply": "get_caller_identity"}'

# sent ACTION FIELD INDEX: form field FIELD of the INDEXth request (Python
# index: 0, 1, -1) for ACTION, as the fake logged it.
sent() {
    fake_log "[r['form'].get('$2') for r in d if r['action'] == '$1'][$3]"
}

# The first line of rolehop's stderr, and the hint line.
err_line() {
    sed -n 1p "$T_ERR"
}
hint_line() {
    sed -n '/^hint: /{p;q;}' "$T_ERR"
}

fake_start "[$OK_WI, $OK_AR, $OK_GCI]"
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION

# Two more profiles: a role chained from the web identity role asking for
# two hours, and one assumed from static keys asking the same (not a
# chain, so not clamped).
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile long]
role_arn = arn:aws:iam::333333333333:role/long-session
source_profile = ci-env
role_session_name = rolehop-long
duration_seconds = 7200
region = us-east-1

[profile static-long]
role_arn = arn:aws:iam::555555555555:role/long-from-static
source_profile = static
role_session_name = rolehop-static-long
duration_seconds = 7200
region = us-east-1
EOF

WI_ROLE=arn:aws:iam::111111111111:role/ci-account-iam-role
AR_ROLE=arn:aws:iam::222222222222:role/target-account-iam-role
TOKEN=$(cat "$T_TOKEN_FILE")

# The baseline works, so every failure below is the injected one.
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "baseline whoami target-env"
t_assert_eq 222222222222 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "baseline account"

# --- AccessDenied on AssumeRole: final, one line naming everything, a hint.
msg="User: arn:aws:sts::111111111111:assumed-role/ci-account-iam-role"
msg="$msg/rolehop-ci"
msg="$msg is not authorized to perform: sts:AssumeRole on resource: $AR_ROLE"
HOP2="rolehop: target-env: hop 2 (assume-role $AR_ROLE)"
HOP1="rolehop: target-env: hop 1 (web-identity $WI_ROLE)"
use_fake "$OK_WI" \
    "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1,
      \"reply\": \"error:AccessDenied:403:$msg\"}" \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "AccessDenied on AssumeRole: exit status"
t_assert_eq "$HOP2: AccessDenied: $msg" \
    "$(err_line)" "AccessDenied on AssumeRole: error line"
hint=$(hint_line)
t_assert_contains "$hint" "sts:AssumeRole" "AccessDenied on AssumeRole: hint"
t_assert_contains "$hint" "$AR_ROLE" "AccessDenied on AssumeRole: hint role"
t_assert_contains "$hint" "trust" "AccessDenied on AssumeRole: hint trust"
t_assert_eq 2 "$(wc -l <"$T_ERR" | tr -d ' ')" \
    "AccessDenied on AssumeRole: error and hint only"
t_assert_eq "" "$(cat "$T_OUT")" "AccessDenied on AssumeRole: no stdout"
t_assert_eq 1 "$(fake_count AssumeRole)" "AccessDenied is not retried"
t_assert_eq 0 "$(fake_count GetCallerIdentity)" \
    "no GetCallerIdentity after a failed chain"

# --- AccessDenied and InvalidIdentityToken on AssumeRoleWithWebIdentity: the
# hint shows the token's claims (never the token).
msg="Not authorized to perform sts:AssumeRoleWithWebIdentity"
for code in AccessDenied InvalidIdentityToken; do
    use_fake "{\"match\": {\"action\": \"AssumeRoleWithWebIdentity\"},
               \"times\": 1, \"reply\": \"error:$code:400:$msg\"}" \
        "$OK_WI" "$OK_AR" "$OK_GCI"
    t_run "$ROLEHOP" --no-cache whoami target-env
    t_assert_eq 1 "$T_RC" "$code on web identity: exit status"
    t_assert_eq "$HOP1: $code: $msg" \
        "$(err_line)" "$code on web identity: error line"
    hint=$(hint_line)
    t_assert_contains "$hint" "sub system:serviceaccount:ci:rolehop" \
        "$code on web identity: hint sub"
    t_assert_contains "$hint" "aud sts.amazonaws.com" \
        "$code on web identity: hint aud"
    t_assert_contains "$hint" "exp 20" "$code on web identity: hint exp"
    t_assert_file_not_contains "$T_ERR" "$TOKEN" \
        "$code on web identity: token on stderr"
    t_assert_eq 1 "$(fake_count AssumeRoleWithWebIdentity)" \
        "$code on web identity is not retried"
    t_assert_eq 0 "$(fake_count AssumeRole)" \
        "$code on web identity: hop 2 not tried"
done

# --- ExpiredToken: final, and the hint suggests --no-cache.
msg="The security token included in the request is expired"
use_fake "$OK_WI" \
    "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1,
      \"reply\": \"error:ExpiredToken:400:$msg\"}" \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "ExpiredToken: exit status"
t_assert_eq "$HOP2: ExpiredToken: $msg" \
    "$(err_line)" "ExpiredToken: error line"
t_assert_contains "$(hint_line)" "--no-cache" "ExpiredToken: hint"
t_assert_eq 1 "$(fake_count AssumeRole)" "ExpiredToken is not retried"

# --- ValidationError about DurationSeconds: the hint names the 1-hour limit.
msg="The requested DurationSeconds exceeds the 1 hour session limit for"
msg="$msg roles assumed by role chaining."
use_fake "$OK_WI" \
    "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1,
      \"reply\": \"error:ValidationError:400:$msg\"}" \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "ValidationError: exit status"
t_assert_eq "$HOP2: ValidationError: $msg" "$(err_line)" \
    "ValidationError: error line"
t_assert_contains "$(hint_line)" "1 hour" "ValidationError: hint"
t_assert_eq 1 "$(fake_count AssumeRole)" "ValidationError is not retried"

# --- Throttling twice, then success: retried, three requests in all.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 2,
      "reply": "error:Throttling:400:Rate exceeded"}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "Throttling twice: exit status"
t_assert_eq 3 "$(fake_count AssumeRole)" "Throttling twice: AssumeRole requests"
t_assert_eq 222222222222 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "Throttling twice: identity"
t_assert_eq '[1, 1, 2]' \
    "$(fake_log '[r["rule"] for r in d if r["action"] == "AssumeRole"]')" \
    "Throttling twice: the rules that answered"
# Jittered backoff: the first wait is below 1 s, the second below 2 s.
gaps=$(fake_log '(lambda t: [round(t[1] - t[0], 1), round(t[2] - t[1], 1)])(
    [r["time"] for r in d if r["action"] == "AssumeRole"])')
t_assert_eq true \
    "$(echo "$gaps" | t_json 'd[0] < 1.5 and d[1] < 2.5')" \
    "Throttling twice: backoff bounded (gaps $gaps s)"

# --- HTTP 503 three times: three attempts, then the error (a fourth
# request would have succeeded).
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 3,
      "reply": "error:ServiceUnavailable:503:Service is unavailable"}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "503 three times: exit status"
t_assert_eq 3 "$(fake_count AssumeRole)" "503 three times: AssumeRole requests"
t_assert_eq "$HOP2: ServiceUnavailable: Service is unavailable" \
    "$(err_line)" "503 three times: error line"

# --- IDPCommunicationError once on the web identity hop: retried.
use_fake '{"match": {"action": "AssumeRoleWithWebIdentity"}, "times": 1,
           "reply": "error:IDPCommunicationError:400:IdP unreachable"}' \
    "$OK_WI" "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "IDPCommunicationError once: exit status"
t_assert_eq 2 "$(fake_count AssumeRoleWithWebIdentity)" \
    "IDPCommunicationError once: web identity requests"
t_assert_eq 111111111111 "$(t_json 'd["hops"][0]["account"]' "$T_OUT")" \
    "IDPCommunicationError once: hop 1 identity"

# --- A 200 whose XML is malformed.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "body": "<AssumeRoleResponse><oops"}' \
    "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "malformed XML: exit status"
t_assert_contains "$(err_line)" "$HOP2: malformed" \
    "malformed XML: error line"
t_assert_eq 0 "$(fake_count GetCallerIdentity)" "malformed XML: chain stopped"

# --- A 200 cut short (Content-Length promises more than arrives): a
# transport failure, retried, then reported; never taken as credentials.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "reply": "assume_role",
      "fault": "truncate:120"}' \
    "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "truncated answer: exit status"
t_assert_contains "$(err_line)" "$HOP2: " "truncated answer: error line"
t_assert_eq 3 "$(fake_count AssumeRole)" "truncated answer: retried"
t_assert_eq 0 "$(fake_count GetCallerIdentity)" \
    "truncated answer: chain stopped"

# --- HTTP 500 with an HTML body (no AWS error in it): retried three times,
# then an error naming HTTP 500.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 3, "status": 500,
      "headers": {"Content-Type": "text/html"},
      "body": "<html><body><h1>500 Internal Server Error</h1></body></html>"}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "HTML 500: exit status"
t_assert_eq 3 "$(fake_count AssumeRole)" "HTML 500: AssumeRole requests"
t_assert_contains "$(err_line)" "$HOP2: " "HTML 500: error line"
t_assert_contains "$(err_line)" "HTTP 500" "HTML 500: names the status"

# --- GetCallerIdentity failing after the chain worked.
use_fake "$OK_WI" "$OK_AR" \
    '{"match": {"action": "GetCallerIdentity"},
      "reply": "error:AccessDenied:403:Not allowed"}'
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "GetCallerIdentity AccessDenied: exit status"
t_assert_eq \
    "rolehop: target-env: GetCallerIdentity: AccessDenied: Not allowed" \
    "$(err_line)" "GetCallerIdentity AccessDenied: error line"
t_assert_eq 1 "$(fake_count GetCallerIdentity)" \
    "GetCallerIdentity AccessDenied is not retried"

# --- duration_seconds 7200 on a chained hop: 3600 asked for, and said so.
use_fake "$OK_WI" "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami long
t_assert_eq 0 "$T_RC" "clamp: exit status"
t_assert_eq 3600 "$(sent AssumeRole DurationSeconds 0)" \
    "clamp: DurationSeconds sent"
t_assert_file_contains "$T_OUT" "duration_seconds 7200 clamped to 3600" \
    "clamp: whoami text"
t_run "$ROLEHOP" --no-cache whoami long --json
t_assert_eq 0 "$T_RC" "clamp: --json exit status"
t_assert_eq 7200 "$(t_json 'd["hops"][1]["duration_clamped_from"]' "$T_OUT")" \
    "clamp: duration_clamped_from"
t_assert_eq false \
    "$(t_json '"duration_clamped_from" in d["hops"][0]' "$T_OUT")" \
    "clamp: the web identity hop is not clamped"
# Not a chain (the source is static keys): 7200 goes out as asked.
t_run "$ROLEHOP" --no-cache whoami static-long --json
t_assert_eq 0 "$T_RC" "no clamp from static keys: exit status"
t_assert_eq 7200 "$(sent AssumeRole DurationSeconds -1)" \
    "no clamp from static keys: DurationSeconds sent"
t_assert_eq false \
    "$(t_json '"duration_clamped_from" in d["hops"][1]' "$T_OUT")" \
    "no clamp from static keys: not reported"

# --- The token file is read on every call, trailing whitespace stripped.
use_fake "$OK_WI" "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami ci-env
t_assert_eq 0 "$T_RC" "token re-read: first run"
TOKEN2=$(python3 -c '
import base64, json, sys
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
print(b(b"{\"alg\":\"RS256\"}") + "." +
      b(json.dumps({"sub": "system:serviceaccount:ci:rotated",
                    "aud": "sts.amazonaws.com"}).encode()) + "." +
      b(b"second-fake-signature" * 4))')
printf '%s \t\n\n' "$TOKEN2" >"$T_TOKEN_FILE"
t_run "$ROLEHOP" --no-cache whoami ci-env
t_assert_eq 0 "$T_RC" "token re-read: second run"
t_assert_eq 2 "$(fake_count AssumeRoleWithWebIdentity)" \
    "token re-read: two web identity calls"
t_assert_eq "$TOKEN" \
    "$(sent AssumeRoleWithWebIdentity WebIdentityToken 0)" \
    "token re-read: first token sent without the newline"
t_assert_eq "$TOKEN2" \
    "$(sent AssumeRoleWithWebIdentity WebIdentityToken 1)" \
    "token re-read: second token sent without trailing whitespace"

# --- The token never reaches rolehop's output, even at -v -v, on success or
# on failure (the request body carrying it is logged at that level).
use_fake "$OK_WI" "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" -v -v --no-cache whoami target-env
t_assert_eq 0 "$T_RC" "-v -v whoami"
t_assert_file_contains "$T_ERR" "WebIdentityToken" "-v -v logs the request"
for f in "$T_OUT" "$T_ERR"; do
    t_assert_file_not_contains "$f" "$TOKEN2" "-v -v: token in output"
    # Not even the signature part alone.
    t_assert_file_not_contains "$f" "${TOKEN2##*.}" "-v -v: token signature"
done
t_assert_eq "$TOKEN2" \
    "$(sent AssumeRoleWithWebIdentity WebIdentityToken 0)" \
    "-v -v: the token was really sent"
use_fake '{"match": {"action": "AssumeRoleWithWebIdentity"},
           "reply": "error:InvalidIdentityToken:400:Incorrect token audience"}'
t_run "$ROLEHOP" -v -v --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "-v -v failing whoami"
t_assert_contains "$(hint_line)" "sub system:serviceaccount:ci:rotated" \
    "-v -v failing whoami: hint from the new token"
for f in "$T_OUT" "$T_ERR"; do
    t_assert_file_not_contains "$f" "$TOKEN2" "-v -v failure: token in output"
    t_assert_file_not_contains "$f" "${TOKEN2##*.}" \
        "-v -v failure: token signature"
done
# A hop shared by two targets fails once (one request); each target
# reports it under its own name.
use_fake '{"match": {"action": "AssumeRoleWithWebIdentity"},
           "reply": "error:AccessDenied:403:Not authorized to perform sts:AssumeRoleWithWebIdentity"}'
t_run "$ROLEHOP" --no-cache clusters target-env stg --json
t_assert_eq 1 "$T_RC" "shared failing hop: exit status"
t_assert_eq 1 "$(fake_count AssumeRoleWithWebIdentity)" \
    "shared failing hop: asked once"
t_assert_file_contains "$T_ERR" "rolehop: target-env: hop 1 (web-identity" \
    "shared failing hop: target-env named"
t_assert_file_contains "$T_ERR" "rolehop: stg: hop 1 (web-identity" \
    "shared failing hop: stg named"
exit 0
