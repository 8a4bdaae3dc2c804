#!/bin/sh
# A target whose chain runs a credential_process (which blocks, and may
# prompt on the terminal): the interface never runs it by itself; a hands
# the terminal over, runs it once and shows the target ready.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init

fake_start '[
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity",
   "account": "777777777777"}
]'
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION
cat >"$T_DIR/proc-creds" <<EOF
#!/bin/sh
echo ran >>"$T_DIR/proc-ran"
printf '{"Version": 1, "AccessKeyId": "AKIAFAKEFAKEFAKE0077", "SecretAccessKey": "fakefakefakefakefakefakefakefakefakefake"}'
EOF
chmod +x "$T_DIR/proc-creds"
mkdir -p "$T_DIR/aws"
AWS_CONFIG_FILE=$T_DIR/aws/config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/aws/credentials
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
printf '[profile proc]\ncredential_process = %s/proc-creds\nregion = us-east-1\n' \
    "$T_DIR" >"$AWS_CONFIG_FILE"

ui_start 80 24 "$ROLEHOP" ui
ui_wait_for "a assumes proc"
t_assert_contains "$(ui_screen | sed -n 3p)" "idle" "not assumed by itself"
[ ! -e "$T_DIR/proc-ran" ] || t_fail "the credential_process ran unasked"

ui_keys a
t_wait_for '[ -s "$T_DIR/proc-ran" ]' 10 || t_fail "a did not run the credential_process"
t_wait_for 'ui_screen | sed -n 3p | grep -q ready' 10 ||
    t_fail "proc is not ready: $(ui_screen | sed -n 3p)"
ui_wait_for "777777777777"
t_assert_eq 1 "$(wc -l <"$T_DIR/proc-ran" | tr -d ' ')" "the process ran once"
ui_keys q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "q: exit status"
exit 0
