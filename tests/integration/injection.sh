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
EOF
ROLEHOP_CONFIG=$RHCONFIG
export ROLEHOP_CONFIG
no_marker() {
    for m in "$P".*; do
        [ -e "$m" ] && t_fail "$1: something ran a \$() or backtick ($m)"
    done
    return 0
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
    python3 - "$T_DIR/view.json" >"$T_DIR/plugin.json" <<'EOF' ||
import json, os, subprocess, sys
d = json.load(open(sys.argv[1]))
ex = d["users"][0]["user"]["exec"]
env = dict(os.environ)
env.update({e["name"]: e["value"] for e in ex.get("env") or []})
sys.stdout.write(subprocess.run([ex["command"]] + ex["args"], env=env,
                                stdout=subprocess.PIPE, check=True).stdout.decode())
EOF
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
exit 0
