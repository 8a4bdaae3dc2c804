#!/bin/sh
# Guard-rails on a terminal: `rolehop shell prod` for a confirm: true
# target asks first; a wrong answer does nothing, its name opens the shell,
# whose banner shows the target in its danger colour (red).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init

fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION
cat >"$T_DIR/rolehop.yaml" <<'EOF'
targets:
  - name: prod
    profile: target-env
    confirm: true
    color: red
EOF
cat >"$T_DIR/marker-shell" <<EOF
#!/bin/sh
echo "in the shell as \$ROLEHOP_TARGET" >"$T_DIR/shell-ran"
exit 0
EOF
chmod +x "$T_DIR/marker-shell"
SHELL=$T_DIR/marker-shell
export SHELL

# --- A wrong answer: nothing happens.
ui_start 100 10 "$ROLEHOP" --config "$T_DIR/rolehop.yaml" shell prod
ui_wait_for "prod is marked confirm: type its name or y to open a shell:"
ui_type nope
ui_keys Enter
ui_wait_exit
t_assert_eq 1 "$UI_STATUS" "a wrong answer: exit status 1"
ui_wait_for "prod: not confirmed; nothing done"
[ ! -e "$T_DIR/shell-ran" ] || t_fail "no shell without the answer"
t_assert_eq 0 "$(fake_count AssumeRole)" "nothing assumed before the answer"
ui_stop

# --- The name: the shell opens, its banner in red.
ui_start 100 10 "$ROLEHOP" --config "$T_DIR/rolehop.yaml" shell prod
ui_wait_for "prod is marked confirm"
ui_type prod
ui_keys Enter
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "the name: exit status 0"
t_assert_eq "in the shell as prod" "$(cat "$T_DIR/shell-ran")" "the shell ran"
ui_wait_for "rolehop: shell as prod (account 222222222222)"
# The name in bold red (SGR 1;31), then back to normal.
banner=$(ui_tmux capture-pane -e -p | grep -F 'shell as')
case $banner in
*"[1;31mprod"* | *"[1m"*"[31mprod"* | *"[31m"*"[1mprod"*) ;;
*) t_fail "the banner shows prod in red: $(printf '%s' "$banner" | od -c | head -5)" ;;
esac
ui_stop

# --- The interface under eval "$(rolehop ui)": a shell's output goes to
# the terminal, never into the caller's eval; Q prints the statements.
cat >"$T_DIR/echo-shell" <<'EOF'
#!/bin/sh
echo "SHELL-OUTPUT from the shell"
exit 0
EOF
chmod +x "$T_DIR/echo-shell"
SHELL=$T_DIR/echo-shell ui_start 100 30 sh -c \
    '"$0" --config "$1" ui >"$2"' "$ROLEHOP" "$T_DIR/rolehop.yaml" "$T_DIR/env.out"
ui_wait_for "assumed-role/target-account-iam-role"
ui_keys Enter
ui_wait_for "prod is marked confirm"
ui_type prod
ui_keys Enter
ui_wait_for "back from the shell as prod (exit 0)"
ui_keys Q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "eval mode: exit status"
t_assert_file_not_contains "$T_DIR/env.out" "SHELL-OUTPUT" \
    "eval mode: the shell's output stayed out of the statements"
t_assert_file_contains "$T_DIR/env.out" "export ROLEHOP_TARGET='prod';" \
    "eval mode: Q printed the statements"
exit 0
