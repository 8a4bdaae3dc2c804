#!/bin/sh
# rolehop kubeconfig against moto: a new file (0600, no secret, an exec
# plugin that is rolehop itself), a merge into a file the AWS CLI wrote
# (its entries kept, kubectl reads the result), two roles on one cluster
# in separate entries, --alias and the rolehop config's per-cluster
# settings, the file choice ($KUBECONFIG), concurrent writers; then the bad
# inputs, each leaving the file byte-identical: unknown cluster, a cluster
# that is not ACTIVE, a region without EKS access (fake EKS), a malformed
# kubeconfig, an unwritable directory and a lock held by another writer.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
command -v kubectl >/dev/null 2>&1 || t_skip "kubectl is not installed"
moto_start
scenario_write
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile target-ro]
role_arn = arn:aws:iam::222222222222:role/read-only
source_profile = ci-env
region = us-east-1
EOF
python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" \
    222222222222 us-east-1 dev-main dev-batch || t_error "cannot seed"
python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" \
    222222222222 eu-west-1 dev-eu || t_error "cannot seed"
KC=$T_DIR/kube/config

# --- A new file.
t_run "$ROLEHOP" kubeconfig target-env --cluster dev-main --kubeconfig "$KC"
t_assert_eq 0 "$T_RC" "new: exit status"
CTX=rolehop:target-env:us-east-1:dev-main
t_assert_eq "$CTX" "$(cat "$T_OUT")" "new: the context name on stdout"
t_assert_file_contains "$T_ERR" "added context $CTX to $KC" "new: said so"
t_assert_eq 600 "$(stat -c %a "$KC")" "new: mode 0600"
t_assert_eq 700 "$(stat -c %a "$T_DIR/kube")" "new: directory 0700"
kv() { kubectl config view --raw --kubeconfig "$KC" -o json; }
kv >"$T_DIR/view.json" || t_fail "kubectl cannot read the new kubeconfig"
t_assert_eq "$CTX" "$(t_json 'd["current-context"]' "$T_DIR/view.json")" \
    "new: current-context"
t_assert_eq "[\"token\", \"target-env\", \"--cluster\", \"dev-main\", \"--region\", \"us-east-1\"]" \
    "$(t_json 'd["users"][0]["user"]["exec"]["args"]' "$T_DIR/view.json")" \
    "new: the exec plugin is rolehop token"
t_assert_eq "$ROLEHOP_BIN" \
    "$(t_json 'd["users"][0]["user"]["exec"]["command"]' "$T_DIR/view.json")" \
    "new: the plugin is this rolehop"
t_assert_eq "Never" \
    "$(t_json 'd["users"][0]["user"]["exec"]["interactiveMode"]' "$T_DIR/view.json")" \
    "new: interactiveMode Never"
t_assert_eq "$AWS_CONFIG_FILE" \
    "$(t_json '{e["name"]: e["value"] for e in d["users"][0]["user"]["exec"]["env"]}["AWS_CONFIG_FILE"]' "$T_DIR/view.json")" \
    "new: the plugin reads the same AWS config"
# The cluster as the AWS CLI describes it.
t_run aws eks describe-cluster --profile target-env --name dev-main --output json
t_assert_eq 0 "$T_RC" "aws eks describe-cluster"
t_assert_eq "$(t_json 'd["cluster"]["endpoint"]' "$T_OUT")" \
    "$(t_json 'd["clusters"][0]["cluster"]["server"]' "$T_DIR/view.json")" "new: server"
t_assert_eq "$(t_json 'd["cluster"]["certificateAuthority"]["data"]' "$T_OUT")" \
    "$(t_json 'd["clusters"][0]["cluster"]["certificate-authority-data"]' "$T_DIR/view.json")" \
    "new: CA data"
t_assert_file_not_contains "$KC" "k8s-aws-v1." "new: no token in the file"
t_assert_file_not_contains "$KC" "aws_secret" "new: no secret in the file"
t_assert_file_not_contains "$KC" "ASIA" "new: no access key in the file"

# Again: updated in place, nothing duplicated, the previous file kept.
cp "$KC" "$T_DIR/before"
t_run "$ROLEHOP" kubeconfig target-env --cluster dev-main --kubeconfig "$KC"
t_assert_eq 0 "$T_RC" "again: exit status"
t_assert_file_contains "$T_ERR" "updated context $CTX in $KC" "again: said so"
t_assert_eq 1 "$(kv | t_json 'len(d["users"])')" "again: one user entry"

# --- Into a file the AWS CLI wrote: its entries are kept.
KC2=$T_DIR/aws-written
t_run aws eks update-kubeconfig --profile target-env --name dev-batch \
    --kubeconfig "$KC2"
t_assert_eq 0 "$T_RC" "aws eks update-kubeconfig"
ARN=arn:aws:eks:us-east-1:222222222222:cluster/dev-batch
t_run "$ROLEHOP" kubeconfig target-env --cluster dev-main --kubeconfig "$KC2"
t_assert_eq 0 "$T_RC" "merge: exit status"
t_assert_eq "$(printf '%s\n%s' "$ARN" "$CTX")" \
    "$(kubectl config get-contexts --kubeconfig "$KC2" -o name)" \
    "merge: the AWS CLI's context is kept"
t_assert_eq "$CTX" "$(kubectl config current-context --kubeconfig "$KC2")" \
    "merge: current-context moved to ours"
t_assert_file_contains "$T_DIR/aws-written.rolehop.bak" "$ARN" \
    "merge: the previous file kept as a backup"

# --- Two roles on one cluster: separate entries; --alias names the context.
t_run "$ROLEHOP" kubeconfig target-ro --cluster dev-main --kubeconfig "$KC" \
    --alias dev-ro
t_assert_eq 0 "$T_RC" "second role: exit status"
t_assert_eq dev-ro "$(cat "$T_OUT")" "--alias: the context name"
kv >"$T_DIR/view.json"
t_assert_eq '["rolehop:target-env:us-east-1:dev-main", "rolehop:target-ro:us-east-1:dev-main"]' \
    "$(t_json 'sorted(u["name"] for u in d["users"])' "$T_DIR/view.json")" \
    "two roles: two user entries"
t_assert_eq "rolehop:target-ro:us-east-1:dev-main" \
    "$(t_json '[c for c in d["contexts"] if c["name"] == "dev-ro"][0]["context"]["user"]' "$T_DIR/view.json")" \
    "--alias: the context uses the second role"

# --- The region is found among the configured ones when not given;
# $KUBECONFIG's first file.
printf 'regions: [us-east-1, eu-west-1]\n' >"$T_DIR/regions.yaml"
KUBECONFIG=$T_DIR/first:$T_DIR/second
export KUBECONFIG
t_run "$ROLEHOP" --config "$T_DIR/regions.yaml" kubeconfig target-env \
    --cluster dev-eu
unset KUBECONFIG
t_assert_eq 0 "$T_RC" "KUBECONFIG: exit status"
t_assert_eq rolehop:target-env:eu-west-1:dev-eu "$(cat "$T_OUT")" \
    "the cluster's region found among the target's regions"
[ -f "$T_DIR/first" ] && [ ! -e "$T_DIR/second" ] ||
    t_fail "KUBECONFIG: the first path is written, the second not created"
[ ! -e "$HOME/.kube/config" ] || t_fail "KUBECONFIG: ~/.kube/config untouched"

# --- The rolehop config's per-cluster settings.
cat >"$T_DIR/ca.pem" <<'EOF'
-----BEGIN CERTIFICATE-----
MIIBfake
-----END CERTIFICATE-----
EOF
cat >"$T_DIR/rolehop.yaml" <<EOF
targets:
  - name: dev
    profile: target-env
    clusters:
      - name: dev-main
        region: us-east-1
        alias: dev
        namespace: payments
        server: https://127.0.0.1:8443
        certificate_authority: $T_DIR/ca.pem
        tls_server_name: ABC.gr7.us-east-1.eks.amazonaws.com
        proxy_url: socks5://127.0.0.1:1080
EOF
KC3=$T_DIR/pinned
t_run "$ROLEHOP" --config "$T_DIR/rolehop.yaml" kubeconfig dev --cluster dev-main \
    --kubeconfig "$KC3"
t_assert_eq 0 "$T_RC" "pinned: exit status"
t_assert_eq dev "$(cat "$T_OUT")" "pinned: alias from the config"
kubectl config view --raw --kubeconfig "$KC3" -o json >"$T_DIR/view.json" ||
    t_fail "pinned: kubectl cannot read it"
t_assert_eq "https://127.0.0.1:8443 $T_DIR/ca.pem ABC.gr7.us-east-1.eks.amazonaws.com socks5://127.0.0.1:1080" \
    "$(t_json '" ".join(d["clusters"][0]["cluster"][k] for k in ("server", "certificate-authority", "tls-server-name", "proxy-url"))' "$T_DIR/view.json")" \
    "pinned: server, CA file, TLS name and proxy"
t_assert_eq payments "$(t_json 'd["contexts"][0]["context"]["namespace"]' "$T_DIR/view.json")" \
    "pinned: namespace"
t_assert_eq "$T_DIR/rolehop.yaml" \
    "$(t_json '{e["name"]: e["value"] for e in d["users"][0]["user"]["exec"]["env"]}["ROLEHOP_CONFIG"]' "$T_DIR/view.json")" \
    "pinned: the plugin reads the same rolehop config"
t_assert_file_not_contains "$KC3" "certificate-authority-data" "pinned: no CA data"

# --- Concurrent writers: 8 at once, no entry lost.
KC4=$T_DIR/concurrent
"$ROLEHOP" whoami target-env >/dev/null 2>&1 # warm the cache
i=0
pids=
while [ $i -lt 8 ]; do
    "$ROLEHOP" kubeconfig target-env --cluster dev-main --kubeconfig "$KC4" \
        --alias "ctx-$i" >"$T_DIR/w$i.out" 2>"$T_DIR/w$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
# Only the writers: moto runs in the background too.
# shellcheck disable=SC2086
wait $pids
t_assert_eq "ctx-0 ctx-1 ctx-2 ctx-3 ctx-4 ctx-5 ctx-6 ctx-7" \
    "$(kubectl config get-contexts --kubeconfig "$KC4" -o name | sort | tr '\n' ' ' | sed 's/ $//')" \
    "concurrent writers: every context is there"
[ ! -e "$KC4.lock" ] || t_fail "concurrent writers: the lock is gone"

# --- Bad input: nothing changes.
sum=$(t_sha "$KC")
t_run "$ROLEHOP" kubeconfig target-env --cluster nope --kubeconfig "$KC"
t_assert_eq 1 "$T_RC" "unknown cluster: exit status"
t_assert_contains "$(head -n 1 "$T_ERR")" \
    "rolehop: target-env: no cluster named nope in us-east-1" "unknown cluster: message"
t_assert_eq "$sum" "$(t_sha "$KC")" "unknown cluster: file unchanged"

printf 'apiVersion: v1\nclusters: {a: b}\n' >"$T_DIR/bad"
sum=$(t_sha "$T_DIR/bad")
t_run "$ROLEHOP" kubeconfig target-env --cluster dev-main --kubeconfig "$T_DIR/bad"
t_assert_eq 2 "$T_RC" "malformed kubeconfig: exit status"
t_assert_contains "$(head -n 1 "$T_ERR")" "$T_DIR/bad:2:" "malformed: names file and line"
t_assert_eq "$sum" "$(t_sha "$T_DIR/bad")" "malformed: file unchanged"

printf 'x' >"$T_DIR/afile"
t_run "$ROLEHOP" kubeconfig target-env --cluster dev-main \
    --kubeconfig "$T_DIR/afile/sub/config"
t_assert_eq 1 "$T_RC" "unwritable directory: exit status"
t_assert_file_contains "$T_ERR" "$T_DIR/afile" "unwritable directory: named"
t_assert_eq x "$(cat "$T_DIR/afile")" "unwritable directory: nothing changed"

: >"$KC.lock"
sum=$(t_sha "$KC")
t_run "$ROLEHOP" --timeout 1 kubeconfig target-env --cluster dev-main --kubeconfig "$KC"
t_assert_eq 1 "$T_RC" "lock held: exit status"
t_assert_file_contains "$T_ERR" "$KC.lock" "lock held: names the lock"
t_assert_file_contains "$T_ERR" "another writer" "lock held: says why"
t_assert_eq "$sum" "$(t_sha "$KC")" "lock held: file unchanged"
[ -e "$KC.lock" ] || t_fail "lock held: the other writer's lock is left alone"
DISABLE_KUBECONFIG_LOCK=true t_run "$ROLEHOP" kubeconfig target-env \
    --cluster dev-main --kubeconfig "$KC"
t_assert_eq 0 "$T_RC" "DISABLE_KUBECONFIG_LOCK: written despite the lock"
rm -f "$KC.lock"

# A cluster that is not ACTIVE, a region without EKS access (fake EKS).
fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"method": "GET", "path": "/clusters/*",
             "header": {"authorization": "/eu-west-1/eks/"}},
   "status": 403, "headers": {"x-amzn-ErrorType": "AccessDeniedException"},
   "body": {"message": "User is not authorized to perform eks:DescribeCluster"}},
  {"match": {"method": "GET", "path": "/clusters/new"},
   "body": {"cluster": {"name": "new", "status": "CREATING",
            "arn": "arn:aws:eks:us-east-1:222222222222:cluster/new",
            "endpoint": "https://new.example"}}}
]'
AWS_ENDPOINT_URL=$FAKE_URL
export AWS_ENDPOINT_URL
sum=$(t_sha "$KC")
t_run "$ROLEHOP" --no-cache kubeconfig target-env --cluster new --region us-east-1 \
    --kubeconfig "$KC"
t_assert_eq 1 "$T_RC" "not ACTIVE: exit status"
t_assert_eq "rolehop: target-env: cluster new in us-east-1 is CREATING, not ACTIVE" \
    "$(head -n 1 "$T_ERR")" "not ACTIVE: message"
t_assert_eq "$sum" "$(t_sha "$KC")" "not ACTIVE: file unchanged"
t_run "$ROLEHOP" --no-cache kubeconfig target-env --cluster web --region eu-west-1 \
    --kubeconfig "$KC"
t_assert_eq 1 "$T_RC" "no EKS access: exit status"
t_assert_contains "$(head -n 1 "$T_ERR")" \
    "rolehop: target-env: eu-west-1: DescribeCluster web: AccessDeniedException: User is not authorized" \
    "no EKS access: message"
t_assert_file_contains "$T_ERR" "eks:DescribeCluster" "no EKS access: hint"
t_assert_eq "$sum" "$(t_sha "$KC")" "no EKS access: file unchanged"

t_run "$ROLEHOP" kubeconfig target-env
t_assert_eq 2 "$T_RC" "no --cluster: usage error"
t_run "$ROLEHOP" kubeconfig target-env --cluster ""
t_assert_eq 2 "$T_RC" "empty --cluster: usage error"
t_assert_file_contains "$T_ERR" "--cluster needs a value" "empty --cluster: message"

# --- confirm: true asks first; without a terminal only --yes goes on.
cat >"$T_DIR/confirm.yaml" <<EOF
targets:
  - name: prod
    profile: target-env
    confirm: true
EOF
sum=$(t_sha "$KC")
t_run "$ROLEHOP" --config "$T_DIR/confirm.yaml" kubeconfig prod --cluster x \
    --region us-east-1 --kubeconfig "$KC"
t_assert_eq 2 "$T_RC" "confirm without a terminal: refused"
t_assert_file_contains "$T_ERR" "prod is marked confirm: true" "confirm: says why"
t_assert_file_contains "$T_ERR" "--yes" "confirm: says how"
t_assert_eq "$sum" "$(t_sha "$KC")" "confirm: file unchanged"
t_run "$ROLEHOP" --config "$T_DIR/confirm.yaml" exec prod -- true
t_assert_eq 2 "$T_RC" "confirm: exec refused too"
t_run "$ROLEHOP" --config "$T_DIR/confirm.yaml" --yes --no-cache kubeconfig prod \
    --cluster new --region us-east-1 --kubeconfig "$KC"
t_assert_eq 1 "$T_RC" "confirm with --yes: goes on (to the CREATING cluster)"
t_assert_file_contains "$T_ERR" "is CREATING" "confirm with --yes: it asked EKS"
exit 0
