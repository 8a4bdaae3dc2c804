#!/bin/sh
# Actions on a cluster describe it afresh: the interface keeps no CA
# bundles (1-2 KB a cluster), so K and s first send a DescribeCluster and
# act on its answer. Against the fake STS/EKS: the endpoint and CA written
# are the ones of that second answer, not of the discovery; keys keep
# working while it is slow (for a shell, keys typed meanwhile are not the
# interface's, and Escape cancels it); a cluster gone meanwhile is said,
# and nothing is written; the shell's private kubeconfig gets the fresh CA
# too.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init
command -v kubectl >/dev/null 2>&1 || t_skip "kubectl is not installed"

# base64 of "CA-AT-DISCOVERY" and "CA-AT-ACTION": kubeconfig files carry
# certificate-authority-data as given.
OLD_CA=Q0EtQVQtRElTQ09WRVJZ
NEW_CA=Q0EtQVQtQUNUSU9O
cluster_json() { # NAME ENDPOINT CA
    printf '{"cluster": {"name": "%s", "arn": "arn:aws:eks:us-east-1:222222222222:cluster/%s", "status": "ACTIVE", "version": "1.31", "endpoint": "%s", "certificateAuthority": {"data": "%s"}}}' \
        "$1" "$1" "$2" "$3"
}

fake_start "[
  {\"match\": {\"action\": \"AssumeRoleWithWebIdentity\"},
   \"reply\": \"assume_role_web_identity\"},
  {\"match\": {\"action\": \"AssumeRole\",
             \"form\": {\"RoleArn\": \"arn:aws:iam::666666666666:role/lost\"}},
   \"times\": 1, \"reply\": \"assume_role\"},
  {\"match\": {\"action\": \"AssumeRole\",
             \"form\": {\"RoleArn\": \"arn:aws:iam::666666666666:role/lost\"}},
   \"reply\": \"error:AccessDenied:403:User is not authorized any more\"},
  {\"match\": {\"action\": \"AssumeRole\"}, \"reply\": \"assume_role\"},
  {\"match\": {\"action\": \"GetCallerIdentity\"},
   \"reply\": \"get_caller_identity\"},
  {\"match\": {\"method\": \"GET\", \"path\": \"/clusters\"},
   \"body\": {\"clusters\": [\"c1\", \"gone\"]}},
  {\"match\": {\"method\": \"GET\", \"path\": \"/clusters/c1\"}, \"times\": 1,
   \"body\": $(cluster_json c1 https://c1-old.example "$OLD_CA")},
  {\"match\": {\"method\": \"GET\", \"path\": \"/clusters/c1\"},
   \"fault\": \"slow:2\",
   \"body\": $(cluster_json c1 https://c1-new.example "$NEW_CA")},
  {\"match\": {\"method\": \"GET\", \"path\": \"/clusters/gone\"}, \"times\": 1,
   \"body\": $(cluster_json gone https://gone.example "$OLD_CA")},
  {\"match\": {\"method\": \"GET\", \"path\": \"/clusters/gone\"},
   \"status\": 404, \"headers\": {\"x-amzn-ErrorType\": \"ResourceNotFoundException\"},
   \"body\": {\"message\": \"No cluster found for name: gone.\"}}
]"
scenario_write
ROLEHOP_CONFIG=$T_DIR/rolehop.yaml
cat >"$ROLEHOP_CONFIG" <<'EOF'
regions: [us-east-1]
targets:
  - name: dev
    role_arn: arn:aws:iam::222222222222:role/dev-admin
    source: ci-env
    session_name: xactarget
  - name: lost
    role_arn: arn:aws:iam::666666666666:role/lost
    source: ci-env
    session_name: xactarget
EOF
cat >"$T_DIR/fake-shell" <<EOF
#!/bin/sh
cp "\$KUBECONFIG" "$T_DIR/shell.kubeconfig"
exit 0
EOF
chmod +x "$T_DIR/fake-shell"
HOME=$T_DIR/home
mkdir -p "$HOME"
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
SHELL=$T_DIR/fake-shell
export ROLEHOP_CONFIG HOME AWS_ENDPOINT_URL AWS_REGION SHELL
KCFG=$HOME/.kube/config

describes() {
    fake_log "len([r for r in d if r['path'] == '/clusters/$1'])"
}
kube() {
    kubectl config view --raw --kubeconfig "$1" \
        -o "jsonpath={.clusters[?(@.name==\"rolehop:dev:us-east-1:$2\")].cluster.$3}"
}

ui_start 100 30 "$ROLEHOP"
ui_wait_for "gone"
t_assert_eq 1 "$(describes c1)" "discovery described c1 once"

# --- K on c1: described again (slowly); keys work meanwhile.
ui_keys Tab K
ui_wait_for "describing c1 in us-east-1 for its endpoint and CA"
ui_keys '?'
ui_wait_for "this help"
ui_keys Escape
ui_wait_for "wrote context rolehop:dev:us-east-1:c1" 20
t_assert_eq 2 "$(describes c1)" "K described c1 again"
t_assert_eq https://c1-new.example "$(kube "$KCFG" c1 server)" \
    "K: the endpoint of the fresh answer"
t_assert_eq "$NEW_CA" "$(kube "$KCFG" c1 certificate-authority-data)" \
    "K: the CA of the fresh answer"

# --- K on a cluster deleted since the discovery: said, nothing written.
cp "$KCFG" "$T_DIR/before"
ui_keys j K
ui_wait_for "gone in us-east-1: ResourceNotFoundException" 20
ui_wait_for "nothing done"
cmp -s "$KCFG" "$T_DIR/before" || t_fail "the kubeconfig changed for gone"

# --- s on c1, then keys while it is described: they were typed for the
# shell, so q and j do nothing; Escape cancels the shell.
ui_keys k s
ui_wait_for "(Escape cancels the shell)"
ui_keys q j
ui_keys Escape
ui_wait_for "cancelled: nothing done" 20
[ -e "$T_DIR/shell.kubeconfig" ] && t_fail "a cancelled shell ran"
ui_wait_for "dev" # still running: q was not taken for the interface

# --- s on c1: the shell's private kubeconfig has the fresh CA as well
# (the discovery after the shell describes c1 once more).
ui_keys s
ui_wait_for "back from the shell as dev (exit 0)" 20
t_assert_eq "$NEW_CA" \
    "$(kube "$T_DIR/shell.kubeconfig" c1 certificate-authority-data)" \
    "s: the private kubeconfig has the fresh CA"

# --- lost's credentials go while its K waits (a refresh is denied): the
# answer comes, nothing is written.
ui_keys Tab j
ui_wait_for "assumed-role/lost/xactarget"
ui_wait_for "gone"
ui_keys Tab K
ui_wait_for "describing c1 in us-east-1"
ui_keys r
ui_wait_for "lost is no longer assumed: nothing done" 20
# r assumed every hop again, though the discovery it started took lost's
# role from the disk cache meanwhile.
t_assert_eq 2 "$(fake_log "len([r for r in d if r['form'].get('RoleArn') == 'arn:aws:iam::666666666666:role/lost'])")" \
    "r: lost's role assumed again"
kubectl config get-contexts -o name --kubeconfig "$KCFG" >"$T_DIR/contexts"
t_assert_file_not_contains "$T_DIR/contexts" "rolehop:lost:" \
    "no context for a target that lost its credentials"

ui_keys q
ui_wait_exit 5
t_assert_eq 0 "$UI_STATUS" "q: exit status"
exit 0
