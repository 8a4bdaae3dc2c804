#!/bin/sh
# Names built to break quoting (#6): an AWS profile and rolehop targets
# whose names hold quotes, spaces, $(), backticks, &, |, <>, #, a newline
# and YAML specials, and a kubeconfig alias of the same kind. Each one
# round-trips verbatim, and runs nothing, through:
#   - whoami --json (the target name comes back as given);
#   - env output sourced by sh (ROLEHOP_TARGET);
#   - kubeconfig: the context name, and the exec plugin's args as kubectl
#     reads them, then run the way kubectl runs them (no shell) to get a
#     token;
#   - the private AWS config of exec (credential_process line read by the
#     AWS CLI's own parser: it assumes the same role; a name with a newline
#     cannot go into INI and is refused with a hint to --static) and the
#     private kubeconfig of exec --cluster (kubectl reads it);
#   - the interface, in tmux: the newline name shows on one row, its shell
#     is refused as on the command line, K writes a kubeconfig whose
#     plugin args name it; Enter opens the shell as exactly the
#     quotes-and-$() target.
# A target whose role and session names use every character IAM allows
# besides letters and digits (+=,.@-_) goes through the same paths. Cluster
# names with the same specials (one listed by a fake EKS, one pinned in
# the rolehop config, with a newline) go through clusters --json, the
# DescribeCluster path, kubeconfig (context, plugin args, the plugin run
# as kubectl runs it), the private kubeconfig of exec --cluster, and the
# interface (K's kubeconfig, the shell's private one).
# The marker files that any executed $() or backtick would create never
# appear.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
command -v kubectl >/dev/null 2>&1 || t_skip "kubectl is not installed"
moto_start
scenario_write
python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" \
    222222222222 us-east-1 dev-main || t_error "cannot seed"
P=$T_DIR/pwned

# The names. The AWS profile: botocore takes a quoted section name with
# spaces; the rolehop targets come from YAML double-quoted scalars.
N_PROFILE="it's \$(touch $P.1) \`touch $P.2\` & | <z> #x"
N_SHELL="a \"dq\" 'sq' \$(touch $P.3); \`touch $P.4\` \\\\ end"
N_NEWLINE="line1
line2 \$(touch $P.5)"
N_YAML="key: v # c [a] {b} &x *y !t | > - ? % @ ,"
ALIAS="ctx 'q' \"dq\" \$(touch $P.6) #c: [x]"
# Every character IAM allows in a role name and a session name besides
# letters and digits (+=,.@-_), for a target named after them too.
ROLE="r+=,.@-_x"
SESSION="s+=,.@-_y"
N_ROLE="$ROLE as $SESSION"
cat >>"$AWS_CONFIG_FILE" <<EOF

[profile "$N_PROFILE"]
role_arn = arn:aws:iam::222222222222:role/from-profile
source_profile = ci-env
role_session_name = inj-profile
region = us-east-1
EOF
# YAML double-quoted: backslash and double quote escaped, newline as \n.
yq() {
    printf '%s' "$1" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'
}
RHCONFIG=$T_DIR/rolehop.yaml
cat >"$RHCONFIG" <<EOF
regions: [us-east-1]
targets:
  - name: $(yq "$N_SHELL")
    role_arn: arn:aws:iam::222222222222:role/shell-specials
    source: ci-env
    session_name: inj-shell
  - name: $(yq "$N_NEWLINE")
    role_arn: arn:aws:iam::222222222222:role/newline
    source: ci-env
    session_name: inj-newline
  - name: $(yq "$N_YAML")
    role_arn: arn:aws:iam::222222222222:role/yaml-specials
    source: ci-env
    session_name: inj-yaml
    clusters:
      - name: dev-main
        region: us-east-1
        alias: $(yq "$ALIAS")
  - name: $(yq "$N_ROLE")
    role_arn: arn:aws:iam::222222222222:role/p+=,.@-_/$ROLE
    source: ci-env
    session_name: $(yq "$SESSION")
EOF
ROLEHOP_CONFIG=$RHCONFIG
export ROLEHOP_CONFIG
no_marker() {
    for m in "$P".*; do
        [ -e "$m" ] && t_fail "$1: something ran a \$() or backtick ($m)"
    done
    return 0
}

# run_plugin VIEW.json: run the first user's exec plugin the way kubectl
# does (execve of command and args, no shell, with its env); print its
# output.
run_plugin() {
    python3 - "$1" <<'EOF'
import json, os, subprocess, sys
d = json.load(open(sys.argv[1]))
ex = d["users"][0]["user"]["exec"]
env = dict(os.environ)
env.update({e["name"]: e["value"] for e in ex.get("env") or []})
sys.stdout.write(subprocess.run([ex["command"]] + ex["args"], env=env,
                                stdout=subprocess.PIPE, check=True).stdout.decode())
EOF
}

# check NAME ROLE SESSION [noini [CONTEXT]]: every command-line path for one target.
check() {
    name=$1 role=$2 session=$3 ini=${4:-ini}
    arn=arn:aws:sts::222222222222:assumed-role/$role/$session
    what=$role

    t_run "$ROLEHOP" whoami "$name" --json
    t_assert_eq 0 "$T_RC" "$what: whoami"
    t_assert_eq "$name" "$(t_json 'd["target"]' "$T_OUT")" "$what: whoami target"
    t_assert_eq "$arn" "$(t_json 'd["identity"]["arn"]' "$T_OUT")" \
        "$what: whoami identity"

    t_run "$ROLEHOP" env "$name"
    t_assert_eq 0 "$T_RC" "$what: env"
    cp "$T_OUT" "$T_DIR/env.sh"
    sh -c '. "$1" && printf "%s" "$ROLEHOP_TARGET"' sh "$T_DIR/env.sh" \
        >"$T_DIR/env-target" || t_fail "$what: env output does not load"
    t_assert_eq "$name" "$(cat "$T_DIR/env-target")" "$what: env ROLEHOP_TARGET"

    kc=$T_DIR/kc-$session
    t_run "$ROLEHOP" kubeconfig "$name" --cluster dev-main --kubeconfig "$kc"
    t_assert_eq 0 "$T_RC" "$what: kubeconfig"
    ctx=$(cat "$T_OUT")
    kubectl config view --raw --kubeconfig "$kc" -o json >"$T_DIR/view.json" ||
        t_fail "$what: kubectl cannot read the kubeconfig"
    t_assert_eq "$ctx" "$(t_json 'd["current-context"]' "$T_DIR/view.json")" \
        "$what: the printed context is current"
    t_assert_eq "$name" "$(t_json 'd["users"][0]["user"]["exec"]["args"][1]' \
        "$T_DIR/view.json")" "$what: the exec plugin's TARGET argument"
    t_assert_eq '["--cluster", "dev-main", "--region", "us-east-1"]' \
        "$(t_json 'd["users"][0]["user"]["exec"]["args"][2:]' "$T_DIR/view.json")" \
        "$what: the exec plugin's other arguments"
    # Run the plugin as kubectl does: execve of command and args, its env.
    run_plugin "$T_DIR/view.json" >"$T_DIR/plugin.json" ||
        t_fail "$what: the exec plugin failed"
    t_assert_contains "$(t_json 'd["status"]["token"][:11]' "$T_DIR/plugin.json")" \
        "k8s-aws-v1." "$what: the plugin printed a token"

    # exec: the AWS CLI reads the private config (credential_process). A
    # newline cannot go into an INI value: refused up front, plain keys
    # (--static) offered instead.
    static=
    if [ "$ini" = noini ]; then
        t_run "$ROLEHOP" exec "$name" -- aws sts get-caller-identity
        t_assert_eq 2 "$T_RC" "$what: exec refuses a private AWS config"
        t_assert_file_contains "$T_ERR" "cannot go into a private AWS config" \
            "$what: exec says why"
        t_assert_file_contains "$T_ERR" "hint: use --static" "$what: exec hint"
        t_assert_eq "" "$(cat "$T_OUT")" "$what: exec ran nothing"
        static=--static
    fi
    t_run "$ROLEHOP" exec "$name" $static -- aws sts get-caller-identity --output json
    t_assert_eq 0 "$T_RC" "$what: exec aws"
    t_assert_eq "$arn" "$(t_json 'd["Arn"]' "$T_OUT")" \
        "$what: the AWS CLI in exec is the target"
    t_run "$ROLEHOP" exec "$name" $static --cluster dev-main -- \
        sh -c 'kubectl config view --raw -o json && printf "%s" "$ROLEHOP_TARGET" >"$1"' \
        sh "$T_DIR/exec-target"
    t_assert_eq 0 "$T_RC" "$what: exec --cluster kubectl"
    # (Under --static the plugin signs with the child's plain keys: ambient.)
    plugin_target=$name
    [ -n "$static" ] && plugin_target=ambient
    t_assert_eq "$plugin_target" \
        "$(t_json 'd["users"][0]["user"]["exec"]["args"][1]' "$T_OUT")" \
        "$what: the private kubeconfig's plugin argument"
    t_assert_eq "${5:-rolehop:$name:us-east-1:dev-main}" \
        "$(t_json 'd["contexts"][0]["name"]' "$T_OUT")" \
        "$what: the private kubeconfig's context"
    t_assert_eq "$name" "$(cat "$T_DIR/exec-target")" "$what: exec ROLEHOP_TARGET"
    no_marker "$what"
}

check "$N_PROFILE" from-profile inj-profile
check "$N_SHELL" shell-specials inj-shell
check "$N_NEWLINE" newline inj-newline noini
check "$N_YAML" yaml-specials inj-yaml ini "$ALIAS"
check "$N_ROLE" "$ROLE" "$SESSION"
# The per-cluster alias names the context, verbatim.
t_assert_eq "$ALIAS" "$(kubectl config current-context \
    --kubeconfig "$T_DIR/kc-inj-yaml")" "alias: the context name"
# --alias from the command line, into a file holding the others.
t_run "$ROLEHOP" kubeconfig "$N_SHELL" --cluster dev-main \
    --kubeconfig "$T_DIR/kc-inj-yaml" --alias "$N_NEWLINE"
t_assert_eq 0 "$T_RC" "--alias"
kubectl config view --raw --kubeconfig "$T_DIR/kc-inj-yaml" -o json \
    >"$T_DIR/view.json" || t_fail "--alias: kubectl cannot read the merge"
A="$ALIAS" B="$N_NEWLINE" python3 -c 'import json, os
print(json.dumps(sorted([os.environ["A"], os.environ["B"]])))' >"$T_DIR/want.json"
t_assert_eq "$(cat "$T_DIR/want.json")" \
    "$(t_json 'sorted(c["name"] for c in d["contexts"])' "$T_DIR/view.json")" \
    "--alias: both contexts, verbatim"

# --- The interface.
cat >"$T_DIR/fake-shell" <<EOF
#!/bin/sh
printf '%s' "\$ROLEHOP_TARGET" >"$T_DIR/ui-target"
exit 3
EOF
chmod +x "$T_DIR/fake-shell"
SHELL=$T_DIR/fake-shell
export SHELL
ui_start 100 30 "$ROLEHOP"
ui_wait_for " targets " 30
# The newline shows as one cell: the name keeps to its row.
ui_wait_for "line1?line2"
ui_keys /
ui_type line1
ui_wait_for "/ line1"
ui_keys Enter
ui_wait_for "arn:aws:sts::222222222222:assumed-role/newline/inj-newline" 30
# A shell needs the private AWS config: refused as on the command line.
ui_keys Enter
ui_wait_for "cannot go into a" 30
[ -e "$T_DIR/ui-target" ] && t_fail "interface: a shell ran for the newline name"
# K writes a kubeconfig (YAML holds a newline) whose plugin names it.
ui_wait_for "dev-main" 30
ui_keys Tab K
ui_wait_for "wrote context " 30
kubectl config view --raw --kubeconfig "$HOME/.kube/config" -o json \
    >"$T_DIR/view.json" || t_fail "interface: kubectl cannot read the kubeconfig"
t_assert_eq "$N_NEWLINE" "$(t_json 'd["users"][0]["user"]["exec"]["args"][1]' \
    "$T_DIR/view.json")" "interface: K's plugin argument"
# The quotes-and-$() target: Enter opens the shell as exactly it.
ui_keys Escape Escape
ui_wait_gone "/ line1"
ui_keys /
ui_type dq
ui_wait_for "/ dq"
ui_keys Enter
ui_wait_for "arn:aws:sts::222222222222:assumed-role/shell-specials/inj-shell" 30
ui_keys Enter
ui_wait_for "back from the shell as a \"dq\"" 30
t_assert_eq "$N_SHELL" "$(cat "$T_DIR/ui-target")" \
    "interface: the shell is the quotes-and-\$() target"
ui_keys q
ui_wait_exit 10
no_marker "interface"

# --- Cluster names. EKS itself allows only [0-9A-Za-z_-] but rolehop must
# stay safe with whatever the server or the configuration says: one
# name comes back from the (fake) EKS API, one is pinned in the rolehop
# configuration. Each one goes into the DescribeCluster path (encoded),
# clusters --json, the kubeconfig (context, exec plugin args, run the way
# kubectl runs them) and the private kubeconfig of exec --cluster.
C_LISTED="a'b \$(touch $P.7) \"q\" x: y \`touch $P.8\` & | #c [l] {m} *z"
C_PINNED="p'n \$(touch $P.9) \"dq\" k: v # c
second line \`touch $P.10\` !t > ? %"
cat >>"$RHCONFIG" <<EOF
  - name: pinned-cluster
    role_arn: arn:aws:iam::222222222222:role/pinned
    source: ci-env
    clusters:
      - name: $(yq "$C_PINNED")
        region: us-east-1
EOF
# describe_rule NAME: the fake's DescribeCluster answer for NAME, on the
# path rolehop must ask (NAME percent-encoded, / included).
describe_rule() {
    N="$1" python3 -c 'import json, os, urllib.parse
n = os.environ["N"]
print(json.dumps({"match": {"method": "GET",
                            "path": "/clusters/" + urllib.parse.quote(n, safe="")},
                  "body": {"cluster": {"name": n, "status": "ACTIVE",
                           "version": "1.30",
                           "arn": "arn:aws:eks:us-east-1:222222222222:cluster/x",
                           "endpoint": "https://127.0.0.1:9",
                           "certificateAuthority": {"data": "Zm9v"},
                           "createdAt": 1767323045}}}))'
}
use_fake \
    '{"match": {"action": "AssumeRoleWithWebIdentity"}, "reply": "assume_role_web_identity"}' \
    '{"match": {"action": "AssumeRole"}, "reply": "assume_role"}' \
    '{"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}' \
    "$(N="$C_LISTED" python3 -c 'import json, os
print(json.dumps({"match": {"method": "GET", "path": "/clusters"},
                  "body": {"clusters": [os.environ["N"]]}}))')" \
    "$(describe_rule "$C_LISTED")" "$(describe_rule "$C_PINNED")"

t_run "$ROLEHOP" --no-cache clusters target-env --region us-east-1 --json
t_assert_eq 0 "$T_RC" "listed cluster: clusters --json"
t_json 'd' "$T_OUT" >/dev/null || t_fail "listed cluster: clusters --json is not JSON"
t_assert_eq "$C_LISTED" \
    "$(t_json '[k for t in d["targets"] for k in t["clusters"]][0]["name"]' "$T_OUT")" \
    "listed cluster: the name in clusters --json"
no_marker "clusters --json"

# check_cluster TARGET CLUSTER WHAT
check_cluster() {
    kc=$T_DIR/kc-cluster-$3
    t_run "$ROLEHOP" --no-cache kubeconfig "$1" --cluster "$2" --region us-east-1 \
        --kubeconfig "$kc"
    t_assert_eq 0 "$T_RC" "$3: kubeconfig"
    kubectl config view --raw --kubeconfig "$kc" -o json >"$T_DIR/view.json" ||
        t_fail "$3: kubectl cannot read the kubeconfig"
    # Run the plugin as kubectl does (execve of command and args, its env)
    # before looking at the args: whatever the args say, nothing runs.
    run_plugin "$T_DIR/view.json" >"$T_DIR/plugin.json"
    rc=$?
    no_marker "$3: the exec plugin"
    t_assert_eq 0 "$rc" "$3: the exec plugin ran"
    t_assert_contains "$(t_json 'd["status"]["token"][:11]' "$T_DIR/plugin.json")" \
        "k8s-aws-v1." "$3: the plugin printed a token"
    t_assert_eq "rolehop:$1:us-east-1:$2" \
        "$(t_json 'd["current-context"]' "$T_DIR/view.json")" "$3: the context name"
    t_assert_eq "[\"token\", \"$1\", \"--cluster\", $(yq "$2"), \"--region\", \"us-east-1\"]" \
        "$(t_json 'd["users"][0]["user"]["exec"]["args"]' "$T_DIR/view.json")" \
        "$3: the exec plugin's arguments, the cluster name verbatim"

    t_run "$ROLEHOP" --no-cache exec "$1" --cluster "$2" --region us-east-1 -- \
        kubectl config view --raw -o json
    t_assert_eq 0 "$T_RC" "$3: exec --cluster"
    t_assert_eq "$2" "$(t_json 'd["users"][0]["user"]["exec"]["args"][3]' "$T_OUT")" \
        "$3: the private kubeconfig's --cluster argument"
    t_assert_eq "rolehop:$1:us-east-1:$2" \
        "$(t_json 'd["contexts"][0]["name"]' "$T_OUT")" \
        "$3: the private kubeconfig's context"
    no_marker "$3"
}
check_cluster target-env "$C_LISTED" "listed cluster"
check_cluster pinned-cluster "$C_PINNED" "pinned cluster"


# The interface: the listed cluster shows, K writes a kubeconfig whose
# plugin names it exactly (run as kubectl runs it: nothing runs), and the
# shell's private kubeconfig names it too.
ui_stop
cat >"$T_DIR/fake-shell" <<EOF
#!/bin/sh
cp "\$KUBECONFIG" "$T_DIR/ui-shell.kubeconfig"
exit 0
EOF
# ui_cluster_user KUBECONFIG CLUSTER: kubectl's view of KUBECONFIG with
# only the user whose plugin names CLUSTER.
ui_cluster_user() {
    kubectl config view --raw --kubeconfig "$1" -o json >"$T_DIR/view-all.json" ||
        t_fail "interface: kubectl cannot read $1"
    C="$2" python3 -c 'import json, os, sys
d = json.load(open(sys.argv[1]))
d["users"] = [u for u in d["users"]
              if os.environ["C"] in u["user"]["exec"]["args"]]
json.dump(d, sys.stdout)' "$T_DIR/view-all.json"
}
rm -f "$HOME/.kube/config"
ui_start 100 30 "$ROLEHOP"
ui_wait_for " targets " 30
ui_keys /
ui_type target-env
ui_wait_for "/ target-env"
ui_keys Enter
ui_wait_for "assumed-role/target-account-iam-role/xactarget" 30
ui_wait_for "a'b \$(touch" 30
ui_keys Tab K
ui_wait_for "wrote context " 30
ui_cluster_user "$HOME/.kube/config" "$C_LISTED" >"$T_DIR/view.json"
t_assert_eq "[\"token\", \"target-env\", \"--cluster\", $(yq "$C_LISTED"), \"--region\", \"us-east-1\"]" \
    "$(t_json 'd["users"][0]["user"]["exec"]["args"]' "$T_DIR/view.json")" \
    "interface: K's plugin arguments name the cluster"
run_plugin "$T_DIR/view.json" >"$T_DIR/plugin.json"
rc=$?
no_marker "interface: K's plugin"
t_assert_eq 0 "$rc" "interface: K's plugin ran"
ui_keys s
ui_wait_for "back from the shell as target-env" 30
ui_cluster_user "$T_DIR/ui-shell.kubeconfig" "$C_LISTED" >"$T_DIR/view.json"
t_assert_eq "$C_LISTED" \
    "$(t_json 'd["users"][0]["user"]["exec"]["args"][3]' "$T_DIR/view.json")" \
    "interface: the shell's private kubeconfig names the cluster"
ui_keys q
ui_wait_exit 10
no_marker "interface clusters"

exit 0
