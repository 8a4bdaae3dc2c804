#!/bin/sh
# Wire faults beyond sts-errors.sh and http.sh, against the fault-injecting
# fake (tests/fake/fake_sts.py): transient codes and slow answers on STS,
# answers of the wrong content type, EKS answers that fail, are malformed,
# cut short, huge or never come, and clock skew (recognised, corrected from
# the Date header, retried once, said on stderr).
#
# Every run must end by itself (t_run's timeout would say 124) and never
# crash: an exit status above 2 is a signal or a sanitizer report.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init

OK_WI='{"match": {"action": "AssumeRoleWithWebIdentity"},
        "reply": "assume_role_web_identity"}'
OK_AR='{"match": {"action": "AssumeRole"}, "reply": "assume_role"}'
OK_GCI='{"match": {"action": "GetCallerIdentity"},
         "reply": "get_caller_identity"}'
OK_LIST='{"match": {"method": "GET", "path": "/clusters"},
          "body": {"clusters": ["web"]}}'
OK_DESCRIBE='{"match": {"method": "GET", "path": "/clusters/web"},
   "body": {"cluster": {"name": "web", "status": "ACTIVE", "version": "1.30",
            "arn": "arn:aws:eks:us-east-1:222222222222:cluster/web",
            "endpoint": "https://web.example",
            "certificateAuthority": {"data": "Zm9v"},
            "createdAt": 1767323045}}}'

# no_crash WHAT: the last run ended on its own with a status rolehop gives.
no_crash() {
    [ "$T_RC" -le 2 ] || t_fail "$1: exit status $T_RC (crash, hang or sanitizer)"
    t_assert_file_not_contains "$T_ERR" "Sanitizer" "$1: no sanitizer report"
}

# count_path PATH: requests the fake saw for an EKS path.
count_path() {
    fake_log "len([r for r in d if r['path'] == '$1'])"
}

scenario_write
AWS_REGION=us-east-1
export AWS_REGION

# --- STS: RequestTimeout (a transient code) once: retried, then success.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 1,
      "reply": "error:RequestTimeout:400:Your socket connection timed out"}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "RequestTimeout once: success"
t_assert_eq 2 "$(fake_count AssumeRole)" "RequestTimeout once: retried once"

# --- STS: a slow answer inside the timeout is waited for, not retried.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 1, "reply": "assume_role",
      "fault": "slow:2"}' "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache --timeout 6 whoami target-env --json
t_assert_eq 0 "$T_RC" "slow answer: success"
t_assert_eq 1 "$(fake_count AssumeRole)" "slow answer: one request"

# --- STS: a 200 that is an HTML page (a captive portal or a proxy's
# login page), and one that is JSON: malformed, not retried, nothing after.
for body in '<html><body>Please log in</body></html>' '{"ok": true}'; do
    use_fake "$OK_WI" \
        "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1,
          \"headers\": {\"Content-Type\": \"text/html\"},
          \"body\": $(printf '%s' "$body" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}" \
        "$OK_AR" "$OK_GCI"
    t_run "$ROLEHOP" --no-cache whoami target-env
    no_crash "STS wrong content type ($body)"
    t_assert_eq 1 "$T_RC" "STS wrong content type: exit status"
    t_assert_contains "$(sed -n 1p "$T_ERR")" "target-env: hop 2" \
        "STS wrong content type: names the hop"
    t_assert_contains "$(sed -n 1p "$T_ERR")" "malformed" \
        "STS wrong content type: says malformed"
    t_assert_eq 0 "$(fake_count GetCallerIdentity)" \
        "STS wrong content type: chain stopped"
done

# --- EKS: 503 twice and ThrottlingException once: retried, then listed.
use_fake "$OK_WI" "$OK_AR" \
    '{"match": {"method": "GET", "path": "/clusters"}, "times": 2,
      "status": 503, "body": "Service Unavailable"}' \
    '{"match": {"method": "GET", "path": "/clusters/web"}, "times": 1,
      "status": 400, "headers": {"x-amzn-ErrorType": "ThrottlingException"},
      "body": {"message": "Rate exceeded"}}' \
    "$OK_LIST" "$OK_DESCRIBE"
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
t_assert_eq 0 "$T_RC" "EKS transient errors: success"
t_assert_eq '["web"]' \
    "$(t_json '[c["name"] for c in d["targets"][0]["clusters"]]' "$T_OUT")" \
    "EKS transient errors: the cluster listed"
t_assert_eq 3 "$(count_path /clusters)" "EKS 503 twice: three ListClusters"
t_assert_eq 2 "$(count_path /clusters/web)" "EKS throttled once: two DescribeCluster"

# --- EKS: answers that are not what they claim. Each is reported for the
# region, as JSON and on stderr, and never crashes.
for fault in \
    '"body": "{\"clusters\": [\"web\""' \
    '"headers": {"Content-Type": "text/html"}, "body": "<html>proxy login</html>"' \
    '"body": {"clusters": "web"}' \
    '"body": {"clusters": [1, null, {"a": 2}]}' \
    '"body": []'; do
    use_fake "$OK_WI" "$OK_AR" \
        "{\"match\": {\"method\": \"GET\", \"path\": \"/clusters\"}, $fault}" \
        "$OK_DESCRIBE"
    t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
    no_crash "EKS bad answer ($fault)"
    t_assert_eq 1 "$T_RC" "EKS bad answer ($fault): exit status"
    t_assert_eq MalformedResponse \
        "$(t_json 'd["targets"][0]["errors"][0]["code"]' "$T_OUT")" \
        "EKS bad answer ($fault): reported as malformed"
    t_assert_eq us-east-1 \
        "$(t_json 'd["targets"][0]["errors"][0]["region"]' "$T_OUT")" \
        "EKS bad answer ($fault): names the region"
    t_assert_file_contains "$T_ERR" "target-env: us-east-1" \
        "EKS bad answer ($fault): said on stderr"
done

# --- EKS: a DescribeCluster cut short: retried, then reported.
use_fake "$OK_WI" "$OK_AR" "$OK_LIST" \
    "$(printf '%s' "$OK_DESCRIBE" | sed 's/^{/{"fault": "truncate:20", /')"
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
no_crash "EKS truncated"
t_assert_eq 1 "$T_RC" "EKS truncated: exit status"
t_assert_eq 3 "$(count_path /clusters/web)" "EKS truncated: three attempts"

# --- EKS: an answer of 2 MiB: refused as too large, not retried.
big=$(python3 -c 'import json; print(json.dumps({"clusters": ["c%07d" % i for i in range(200000)]}))')
printf '[%s, %s, {"match": {"method": "GET", "path": "/clusters"}, "body": %s}]\n' \
    "$OK_WI" "$OK_AR" "$big" >"$T_DIR/big.json"
fake_start "$T_DIR/big.json"
AWS_ENDPOINT_URL=$FAKE_URL
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
no_crash "EKS huge answer"
t_assert_eq 1 "$T_RC" "EKS huge answer: exit status"
t_assert_file_contains "$T_ERR" "too large" "EKS huge answer: says too large"
t_assert_eq 1 "$(count_path /clusters)" "EKS huge answer: not retried"

# --- EKS: a ListClusters that never answers ends at the timeout (three
# attempts of 1 s and the backoff between them, well inside t_run's limit).
use_fake "$OK_WI" "$OK_AR" \
    '{"match": {"method": "GET", "path": "/clusters"}, "fault": "hang"}'
t_run "$ROLEHOP" --no-cache --timeout 1 clusters target-env --region us-east-1 --json
no_crash "EKS hang"
t_assert_eq 1 "$T_RC" "EKS hang: exit status"
t_assert_eq 3 "$(count_path /clusters)" "EKS hang: three attempts"
t_assert_file_contains "$T_ERR" "in time" "EKS hang: says it timed out"

# --- Clock skew. The server's clock is 10 minutes ahead of ours: the
# first AssumeRole is refused as expired with that Date; rolehop signs
# again with the server's time, says so, and every later request of the
# run (GetCallerIdentity) is signed with the corrected time too.
amz_epoch() {
    fake_log "(lambda v: __import__('calendar').timegm(__import__('time').strptime(v, '%Y%m%dT%H%M%SZ')))([r['headers'].get('x-amz-date') for r in d if r['action'] == '$1'][$2])"
}
SKEW_AR='{"match": {"action": "AssumeRole"}, "times": 1, "status": 403,
  "headers": {"Date": "{{date:600}}"},
  "reply": "error:SignatureDoesNotMatch:403:Signature expired: 20261202T000000Z is now earlier than 20261202T000500Z (20261202T001000Z - 5 min.)"}'
use_fake "$OK_WI" "$SKEW_AR" "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "skew: corrected and succeeded"
t_assert_eq 2 "$(fake_count AssumeRole)" "skew: retried once"
first=$(amz_epoch AssumeRole 0)
second=$(amz_epoch AssumeRole 1)
gci=$(amz_epoch GetCallerIdentity 0)
t_assert_eq True "$(python3 -c "print(595 <= $second - $first <= 605)")" \
    "skew: the retry signed 600 s later (first $first, second $second)"
t_assert_eq True "$(python3 -c "print(595 <= $gci - $first <= 610)")" \
    "skew: later requests keep the correction (first $first, gci $gci)"
# The Date header has whole seconds, so the measured skew is 600 +- 1.
t_assert_file_matches "$T_ERR" \
    "clock is (599|600|601) s behind the server's; signing with the server's time and retrying once" \
    "skew: said on stderr"

# The same with a server 10 minutes behind us and RequestExpired.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 1, "status": 400,
      "headers": {"Date": "{{date:-600}}"},
      "reply": "error:RequestExpired:400:Request has expired"}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "skew behind: corrected and succeeded"
t_assert_file_matches "$T_ERR" "(599|600|601) s ahead of the server's" "skew behind: said"

# Retried once only: a second skew error is final, with its message.
use_fake "$OK_WI" \
    "$(printf '%s' "$SKEW_AR" | sed 's/"times": 1/"times": 2/')" \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "skew twice: fails"
t_assert_eq 2 "$(fake_count AssumeRole)" "skew twice: only one retry"
t_assert_file_contains "$T_ERR" "SignatureDoesNotMatch: Signature expired" \
    "skew twice: the server's error"

# A signature mismatch that is not about time (a wrong secret): final at
# once, no correction, nothing said about clocks.
use_fake "$OK_WI" \
    '{"match": {"action": "AssumeRole"}, "times": 1, "status": 403,
      "headers": {"Date": "{{date:600}}"},
      "reply": "error:SignatureDoesNotMatch:403:The request signature we calculated does not match the signature you provided."}' \
    "$OK_AR" "$OK_GCI"
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 1 "$T_RC" "wrong signature: fails"
t_assert_eq 1 "$(fake_count AssumeRole)" "wrong signature: not retried"
t_assert_file_not_contains "$T_ERR" "clock" "wrong signature: no clock talk"

# skew_fixed WHAT STATUS OFFSET CODE MESSAGE: the first AssumeRole is
# refused with CODE and a Date OFFSET seconds from ours; rolehop corrects
# its clock, retries once, succeeds and says so.
skew_fixed() {
    use_fake "$OK_WI" \
        "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1, \"status\": $2,
          \"headers\": {\"Date\": \"{{date:$3}}\"},
          \"reply\": \"error:$4:$2:$5\"}" \
        "$OK_AR" "$OK_GCI"
    t_run "$ROLEHOP" --no-cache whoami target-env --json
    no_crash "$1"
    t_assert_eq 0 "$T_RC" "$1: corrected and succeeded"
    t_assert_eq 2 "$(fake_count AssumeRole)" "$1: retried once"
    if [ "$3" -gt 0 ]; then side="behind"; else side="ahead of"; fi
    t_assert_file_matches "$T_ERR" \
        "$4: the local clock is (599|600|601) s $side the server's" \
        "$1: said on stderr"
}

# RequestTimeTooSkewed (the S3-style code) and RequestInTheFuture are skew
# errors whatever their message says; AuthFailure (the EC2-style code) is
# when the message says the signature expired.
skew_fixed TooSkewed 403 600 RequestTimeTooSkewed \
    "The difference between the request time and the current time is too large."
skew_fixed InTheFuture 400 -600 RequestInTheFuture "Request is not yet valid"
skew_fixed "AuthFailure skew" 401 600 AuthFailure \
    "Signature expired: 20261202T000000Z is now earlier than 20261202T000500Z"

# A skew error without a usable Date header cannot be corrected: no
# retry (a second request signed with the same clock would fail the same
# way), and the server's own error is what the user sees.
for date in garbage "" "Thu, 99 Foo 2026 99:99:99 GMT"; do
    use_fake "$OK_WI" \
        "{\"match\": {\"action\": \"AssumeRole\"}, \"times\": 1, \"status\": 403,
          \"headers\": {\"Date\": \"$date\"},
          \"reply\": \"error:RequestTimeTooSkewed:403:The difference between the request time and the current time is too large.\"}" \
        "$OK_AR" "$OK_GCI"
    t_run "$ROLEHOP" --no-cache whoami target-env
    no_crash "skew, Date '$date'"
    t_assert_eq 1 "$T_RC" "skew, Date '$date': fails"
    t_assert_eq 1 "$(fake_count AssumeRole)" "skew, Date '$date': not retried"
    t_assert_file_contains "$T_ERR" \
        "RequestTimeTooSkewed: The difference between the request time and the current time is too large." \
        "skew, Date '$date': the server's error"
    t_assert_file_not_contains "$T_ERR" "retrying once" \
        "skew, Date '$date': no correction claimed"
done

# EKS says it with InvalidSignatureException; the correction is the same.
use_fake "$OK_WI" "$OK_AR" \
    '{"match": {"method": "GET", "path": "/clusters"}, "times": 1,
      "status": 403, "headers": {"Date": "{{date:900}}",
                                 "x-amzn-ErrorType": "InvalidSignatureException"},
      "body": {"message": "Signature expired: 20261202T000000Z is now earlier than 20261202T001000Z (20261202T001500Z - 5 min.)"}}' \
    "$OK_LIST" "$OK_DESCRIBE"
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
t_assert_eq 0 "$T_RC" "EKS skew: corrected and succeeded"
t_assert_eq 2 "$(count_path /clusters)" "EKS skew: retried once"
t_assert_file_matches "$T_ERR" "(899|900|901) s behind the server's" "EKS skew: said"

exit 0
