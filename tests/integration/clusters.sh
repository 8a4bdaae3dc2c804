#!/bin/sh
# rolehop clusters: cross-account discovery against moto, compared with
# `aws eks list-clusters` / `describe-cluster` on the same profiles; more
# than 100 clusters in one region (every page followed); --all; then, with
# the fault-injecting fake: a failing region and a failing target reported
# without hiding the others, and the shared web-identity hop assumed once.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
moto_start
scenario_write

seed() {
    python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" "$@" ||
        t_error "cannot seed clusters $*"
}
seed 222222222222 us-east-1 dev-main:1.31 dev-batch:1.30
seed 222222222222 eu-west-1 dev-eu:1.29
# 105 clusters: two ListClusters pages of at most 100.
many=$(python3 -c 'print(" ".join("c%03d" % i for i in range(105)))')
# shellcheck disable=SC2086
seed 333333333333 us-east-1 $many

# --- One target, two regions, against the AWS CLI.
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 \
    --region eu-west-1 --json
t_assert_eq 0 "$T_RC" "clusters target-env: exit status"
cp "$T_OUT" "$T_DIR/dev.json"
t_assert_eq 222222222222 "$(t_json 'd["targets"][0]["account"]' "$T_DIR/dev.json")" \
    "target-env: account"
t_assert_eq '[]' "$(t_json 'd["targets"][0]["errors"]' "$T_DIR/dev.json")" \
    "target-env: no errors"
t_assert_eq '["eu-west-1/dev-eu", "us-east-1/dev-batch", "us-east-1/dev-main"]' \
    "$(t_json '[c["region"] + "/" + c["name"] for c in d["targets"][0]["clusters"]]' \
        "$T_DIR/dev.json")" "target-env: sorted by region, then name"
for r in us-east-1 eu-west-1; do
    t_run aws eks list-clusters --profile target-env --region "$r" --output json
    t_assert_eq 0 "$T_RC" "aws eks list-clusters $r"
    t_assert_eq "$(t_json 'sorted(d["clusters"])' "$T_OUT")" \
        "$(t_json "sorted(c['name'] for c in d['targets'][0]['clusters'] if c['region'] == '$r')" \
            "$T_DIR/dev.json")" "$r: the same names as the AWS CLI"
done
t_run aws eks describe-cluster --profile target-env --region us-east-1 \
    --name dev-main --output json
t_assert_eq 0 "$T_RC" "aws eks describe-cluster"
cp "$T_OUT" "$T_DIR/aws-describe.json"
for f in arn status version endpoint; do
    t_assert_eq "$(t_json "d['cluster']['$f']" "$T_DIR/aws-describe.json")" \
        "$(t_json "[c for c in d['targets'][0]['clusters'] if c['name'] == 'dev-main'][0]['$f']" \
            "$T_DIR/dev.json")" "dev-main: $f as the AWS CLI sees it"
done
t_assert_eq "1.31" "$(t_json "[c for c in d['targets'][0]['clusters'] if c['name'] == 'dev-main'][0]['version']" \
    "$T_DIR/dev.json")" "dev-main: version"
created=$(t_json "[c for c in d['targets'][0]['clusters'] if c['name'] == 'dev-main'][0]['created_at']" \
    "$T_DIR/dev.json")
case $created in
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z) ;;
*) t_fail "created_at is RFC 3339 UTC: $created" ;;
esac

# --- Text output.
t_run "$ROLEHOP" clusters target-env --region us-east-1
t_assert_eq 0 "$T_RC" "text: exit status"
t_assert_eq "TARGET      ACCOUNT       REGION     CLUSTER    VERSION  STATUS  ENDPOINT" \
    "$(head -n 1 "$T_OUT")" "text: header"
t_assert_contains "$(sed -n 3p "$T_OUT")" \
    "target-env  222222222222  us-east-1  dev-main   1.31     ACTIVE  https://" \
    "text: a row"

# --- The cluster cache for shell completion: --no-cache runs leave it
# alone; a listing writes the names of the regions it asked.
cc=$XDG_CACHE_HOME/rolehop/clusters
t_assert_eq "$(printf 'target-env\tus-east-1\tdev-batch\ntarget-env\tus-east-1\tdev-main')" \
    "$(cat "$cc")" "cluster cache: us-east-1 only (the first run had --no-cache)"
t_assert_eq 600 "$(stat -c %a "$cc")" "cluster cache: mode 0600"

# --- Pagination: all 105 of stg's clusters, as the AWS CLI lists them.
t_run "$ROLEHOP" clusters stg --region us-east-1 --json
t_assert_eq 0 "$T_RC" "stg: exit status"
t_assert_eq 105 "$(t_json 'len(d["targets"][0]["clusters"])' "$T_OUT")" "stg: 105 clusters"
t_assert_eq c104 "$(t_json 'd["targets"][0]["clusters"][-1]["name"]' "$T_OUT")" \
    "stg: the last page too"
cp "$T_OUT" "$T_DIR/stg.json"
t_run aws eks list-clusters --profile stg --region us-east-1 --output json
t_assert_eq "$(t_json 'sorted(d["clusters"])' "$T_OUT")" \
    "$(t_json '[c["name"] for c in d["targets"][0]["clusters"]]' "$T_DIR/stg.json")" \
    "stg: the same 105 names as the AWS CLI"

# --- --all: every target; each in its own regions (us-east-1 here).
t_run "$ROLEHOP" clusters --all --json
t_assert_eq 0 "$T_RC" "--all: exit status"
t_assert_eq '["ci-env", "target-env", "stg", "deep", "static", "static-role"]' \
    "$(t_json '[t["target"] for t in d["targets"]]' "$T_OUT")" "--all: every target in order"
t_assert_eq 2 "$(t_json '[len(t["clusters"]) for t in d["targets"]][1]' "$T_OUT")" \
    "--all: target-env in us-east-1"
t_assert_eq 105 "$(t_json '[len(t["clusters"]) for t in d["targets"]][2]' "$T_OUT")" \
    "--all: stg"

t_assert_eq 107 "$(wc -l <"$cc" | tr -d ' ')" "cluster cache: --all adds stg's 105"
t_assert_contains "$(cat "$cc")" "$(printf 'stg\tus-east-1\tc104')" "cluster cache: stg"
t_run "$ROLEHOP" clusters --all target-env
t_assert_eq 2 "$T_RC" "--all with a target: usage error"
t_run "$ROLEHOP" clusters
t_assert_eq 2 "$T_RC" "no target: usage error"

# --- Faults: one region denied, one target's chain denied.
fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole", "form": {"RoleSessionName": "rolehop-stg"}},
   "reply": "error:AccessDenied:403:not authorized to perform sts:AssumeRole"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"method": "GET", "path": "/clusters",
             "header": {"authorization": "/eu-west-1/eks/"}},
   "status": 403, "headers": {"x-amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/"},
   "body": {"message": "User is not authorized to perform eks:ListClusters"}},
  {"match": {"method": "GET", "path": "/clusters"},
   "body": {"clusters": ["web"], "nextToken": null}},
  {"match": {"method": "GET", "path": "/clusters/web"},
   "body": {"cluster": {"name": "web", "arn": "arn:aws:eks:us-east-1:222222222222:cluster/web",
            "status": "ACTIVE", "version": "1.30", "endpoint": "https://web.example",
            "createdAt": 1767323045.5}}}
]'
AWS_ENDPOINT_URL=$FAKE_URL
export AWS_ENDPOINT_URL
t_run "$ROLEHOP" --no-cache clusters target-env stg --region us-east-1 \
    --region eu-west-1 --json
t_assert_eq 1 "$T_RC" "faults: exit status 1"
t_assert_eq '["web"]' "$(t_json '[c["name"] for c in d["targets"][0]["clusters"]]' "$T_OUT")" \
    "faults: the good region still listed"
t_assert_eq "2026-01-02T03:04:05Z" "$(t_json 'd["targets"][0]["clusters"][0]["created_at"]' "$T_OUT")" \
    "faults: createdAt as RFC 3339"
t_assert_eq "eu-west-1 AccessDeniedException" \
    "$(t_json '" ".join([d["targets"][0]["errors"][0]["region"], d["targets"][0]["errors"][0]["code"]])' "$T_OUT")" \
    "faults: the denied region reported"
t_assert_eq "User is not authorized to perform eks:ListClusters" \
    "$(t_json 'd["targets"][0]["errors"][0]["message"]' "$T_OUT")" "faults: its message"
t_assert_eq "AccessDenied" "$(t_json 'd["targets"][1]["errors"][0]["code"]' "$T_OUT")" \
    "faults: the failing target reported"
t_assert_eq "None" "$(t_json 'str(d["targets"][1]["errors"][0]["region"])' "$T_OUT")" \
    "faults: a target error has no region"
t_assert_eq "[]" "$(t_json 'd["targets"][1]["clusters"]' "$T_OUT")" "faults: no clusters for it"
t_assert_eq 1 "$(fake_count AssumeRoleWithWebIdentity)" \
    "the shared web-identity hop assumed once"
t_assert_file_contains "$T_ERR" \
    "rolehop: target-env: eu-west-1: AccessDeniedException: User is not authorized" \
    "faults: the region error on stderr"
t_assert_file_contains "$T_ERR" "rolehop: stg: hop 2" "faults: the hop error on stderr"

# The cache keeps what a failing region or target knew, and replaces what
# a listed region has now.
printf 'target-env\teu-west-1\told-eu\ntarget-env\tus-east-1\tstale\nstg\tus-east-1\tc000\n' >"$cc"
t_run "$ROLEHOP" clusters target-env stg --region us-east-1 --region eu-west-1
t_assert_eq 1 "$T_RC" "faults, cached: exit status 1"
t_assert_eq "$(printf 'stg\tus-east-1\tc000\ntarget-env\teu-west-1\told-eu\ntarget-env\tus-east-1\tweb')" \
    "$(cat "$cc")" "cluster cache: failures keep old names, successes replace them"

# --- A server whose nextToken never advances: reported, not looped on.
fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"method": "GET", "path": "/clusters"},
   "body": {"clusters": [], "nextToken": "same"}}
]'
AWS_ENDPOINT_URL=$FAKE_URL
t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
t_assert_eq 1 "$T_RC" "nextToken loop: exit status"
t_assert_eq MalformedResponse "$(t_json 'd["targets"][0]["errors"][0]["code"]' "$T_OUT")" \
    "nextToken loop: reported as a malformed answer"
t_assert_eq 2 "$(fake_log 'len([r for r in d if r["path"] == "/clusters"])')" \
    "nextToken loop: stopped at the repeated token"

# --- No region at all: a configuration error (2), before any request.
printf '[profile noregion]\naws_access_key_id = AKIAFAKEFAKEFAKE0009\naws_secret_access_key = fakefakefakefakefakefakefakefakefakefake\n' \
    >"$T_DIR/noregion.cfg"
n=$(fake_count)
t_run env AWS_CONFIG_FILE="$T_DIR/noregion.cfg" AWS_REGION= AWS_DEFAULT_REGION= \
    "$ROLEHOP" clusters noregion
t_assert_eq 2 "$T_RC" "no region: exit status 2"
t_assert_file_contains "$T_ERR" "noregion: no region to look for clusters in" \
    "no region: message"
t_assert_eq "$n" "$(fake_count)" "no region: no request"
t_run "$ROLEHOP" clusters target-env --region ""
t_assert_eq 2 "$T_RC" "empty --region: usage error"
exit 0
