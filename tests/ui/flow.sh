#!/bin/sh
# The interface end to end, as the README's demo opens it: moto seeded with
# a CI account and dev, stg and prod reached by role chaining, clusters in
# two regions. Start; the selected target is assumed by itself (identity
# and clusters shown); its countdown ticks; moving assumes the next one;
# the filter narrows the list; a shell as dev gets the target's keys and a
# private kubeconfig that is gone afterwards; K writes a kubeconfig
# context; a confirm: true target asks first; q leaves, and the demo
# removes everything.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init
python3 -c 'import moto.server' 2>/dev/null || t_skip "moto is not installed"
command -v kubectl >/dev/null 2>&1 || t_skip "kubectl is not installed"

# The shell the interface opens: it records what it was given.
cat >"$T_DIR/fake-shell" <<EOF
#!/bin/sh
env >"$T_DIR/shell-\$ROLEHOP_TARGET.env"
if [ -n "\$KUBECONFIG" ]; then
    cp "\$KUBECONFIG" "$T_DIR/shell-\$ROLEHOP_TARGET.kubeconfig"
    stat -c %a "\$KUBECONFIG" >"$T_DIR/shell-\$ROLEHOP_TARGET.mode"
fi
exit 3
EOF
chmod +x "$T_DIR/fake-shell"
SHELL=$T_DIR/fake-shell
TMPDIR=$T_DIR
export SHELL TMPDIR

ui_start 80 24 env ROLEHOP="$ROLEHOP" sh "$top_srcdir/data/demo/demo.sh"

# --- Start: dev is selected and assumed, with its identity and clusters.
ui_wait_for "rolehop  4 targets" 30
ui_wait_for "arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" 30
ui_wait_for "dev-main"
ui_wait_for "dev-eu"
# The interface's discovery fills the cluster cache of shell completion.
t_wait_for 'grep -q "^dev	eu-west-1	dev-eu\$" "$T_DIR"/rolehop-demo*/cache/rolehop/clusters' 10 ||
    t_fail "the interface did not record dev's clusters in the cluster cache"
t_assert_eq " ▶ dev     222222222222  us-east-1  web-identity  ready           MM:SS" \
    "$(ui_masked | sed -n 3p)" "dev is selected and ready"

# --- The countdown ticks.
left() { ui_screen | sed -n 3p | awk '{print $NF}'; }
first=$(left)
t_wait_for '[ "$(left)" != "$first" ]' 5 || t_fail "the countdown did not move from $first"

# --- j: stg is assumed in turn; the shared web-identity hop is reused.
ui_keys j
ui_wait_for "arn:aws:sts::333333333333:assumed-role/stg-admin/xactarget"
ui_wait_for "stg-main"
t_assert_contains "$(ui_screen | sed -n 4p)" "▶ stg" "stg selected"

# --- The filter.
ui_keys /
ui_type pro
ui_wait_for "/ pro"
t_wait_for '! ui_screen | sed -n 3,6p | grep -q " stg "' 5 ||
    t_fail "the filter kept stg"
t_assert_contains "$(ui_screen | sed -n 3,6p)" "prod" "the filter kept prod"
ui_keys Escape
ui_wait_for " stg "

# --- A shell as dev, with dev's private kubeconfig.
ui_keys g
ui_wait_for "arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget"
ui_keys Enter
ui_wait_for "back from the shell as dev (exit 3)"
env_file=$T_DIR/shell-dev.env
t_assert_file_contains "$env_file" "ROLEHOP_TARGET=dev" "shell: the target"
t_assert_file_contains "$env_file" "ROLEHOP_ACCOUNT=222222222222" "shell: the account"
t_assert_file_contains "$env_file" "AWS_PROFILE=rolehop-shell" \
    "shell: refreshing credentials through the private profile"
t_assert_file_not_contains "$env_file" "AWS_SECRET_ACCESS_KEY=" "shell: no keys"
t_assert_file_contains "$env_file" "KUBECONFIG=$T_DIR/rolehop-" "shell: a private kubeconfig"
t_assert_eq 600 "$(cat "$T_DIR/shell-dev.mode")" "shell: the kubeconfig is 0600"
t_assert_file_contains "$T_DIR/shell-dev.kubeconfig" "rolehop:dev:eu-west-1:dev-eu" \
    "shell: the selected cluster's kubeconfig"
t_assert_file_not_contains "$T_DIR/shell-dev.kubeconfig" "k8s-aws-v1." \
    "shell: no token in the kubeconfig"
kc=$(sed -n 's/^KUBECONFIG=//p' "$env_file")
[ ! -e "$kc" ] || t_fail "shell: the private kubeconfig is removed afterwards"
ui_wait_for "dev-main" # the screen came back

# --- K writes a kubeconfig context for the selected cluster.
ui_keys Tab j K
ui_wait_for "wrote context rolehop:dev:us-east-1:dev-main to "
t_assert_eq "rolehop:dev:us-east-1:dev-main" \
    "$(kubectl config current-context --kubeconfig "$HOME/.kube/config")" \
    "K: the context is current"
t_assert_eq 600 "$(stat -c %a "$HOME/.kube/config")" "K: a new kubeconfig is 0600"

# --- prod is marked confirm: it asks; a wrong answer does nothing.
ui_keys Tab j j
ui_wait_for "arn:aws:sts::444444444444:assumed-role/prod-read/xactarget"
ui_keys Enter
ui_wait_for "prod is marked confirm"
ui_type nope
ui_keys Enter
ui_wait_for "not confirmed: nothing done for prod"
[ ! -e "$T_DIR/shell-prod.env" ] || t_fail "confirm: no shell without an answer"
ui_keys Enter
ui_wait_for "prod is marked confirm"
ui_type prod
ui_keys Enter
ui_wait_for "back from the shell as prod (exit 3)"
t_assert_file_contains "$T_DIR/shell-prod.env" "ROLEHOP_ACCOUNT=444444444444" \
    "confirm: the shell runs once confirmed"

# --- q leaves; the demo removes what it made.
ui_keys q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "q: exit status"
t_wait_for '! ls "$T_DIR" | grep -q rolehop-demo' 10 ||
    t_fail "the demo left its directory behind"
exit 0
