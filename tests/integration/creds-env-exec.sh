#!/bin/sh
# creds, env, exec and shell against moto: each hands the target's
# credentials to the AWS CLI, which then reports the target's identity; the
# child environment follows the set/unset rules; exec returns the child's
# status.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
moto_start
scenario_write
want=arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget

# Variables that must not reach the child.
AWS_PROFILE=static
AWS_DEFAULT_PROFILE=static
AWS_SECURITY_TOKEN=stale
AWS_ROLE_ARN=arn:aws:iam::999999999999:role/stale
AWS_WEB_IDENTITY_TOKEN_FILE=$T_TOKEN_FILE
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/creds
AWS_VAULT=old
GRANTED_SSO=1
export AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_ROLE_ARN \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_VAULT \
    GRANTED_SSO

# creds: keys usable by any SDK.
t_run "$ROLEHOP" creds target-env
t_assert_eq 0 "$T_RC" "creds"
cp "$T_OUT" "$T_DIR/creds.json"
t_run env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SECURITY_TOKEN \
    AWS_ACCESS_KEY_ID="$(t_json 'd["AccessKeyId"]' "$T_DIR/creds.json")" \
    AWS_SECRET_ACCESS_KEY="$(t_json 'd["SecretAccessKey"]' "$T_DIR/creds.json")" \
    AWS_SESSION_TOKEN="$(t_json 'd["SessionToken"]' "$T_DIR/creds.json")" \
    aws sts get-caller-identity --output json
t_assert_eq 0 "$T_RC" "AWS CLI with creds output"
t_assert_eq "$want" "$(t_json 'd["Arn"]' "$T_OUT")" "creds identity"

# env: eval it, then ask the AWS CLI.
t_run "$ROLEHOP" env target-env
t_assert_eq 0 "$T_RC" "env"
cp "$T_OUT" "$T_DIR/env.sh"
t_run sh -c '. "$1" && aws sts get-caller-identity --output json' sh "$T_DIR/env.sh"
t_assert_eq 0 "$T_RC" "AWS CLI after eval of env"
t_assert_eq "$want" "$(t_json 'd["Arn"]' "$T_OUT")" "env identity"

# exec: the AWS CLI as the target, no profile needed.
t_run "$ROLEHOP" exec target-env -- aws sts get-caller-identity --output json
t_assert_eq 0 "$T_RC" "exec aws"
t_assert_eq "$want" "$(t_json 'd["Arn"]' "$T_OUT")" "exec identity"

# exec: the child's environment. By default no keys: a private AWS config
# whose profile asks rolehop for fresh credentials.
t_run "$ROLEHOP" exec target-env -- sh -c 'env; echo "mode=$(stat -c %a "$AWS_CONFIG_FILE")"; cat "$AWS_CONFIG_FILE"'
t_assert_eq 0 "$T_RC" "exec env (refreshing)"
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do
    if grep -q "^$v=" "$T_OUT"; then
        t_fail "$v reached the child without --static"
    fi
done
t_assert_file_contains "$T_OUT" "AWS_PROFILE=rolehop-shell" "the private profile"
t_assert_file_contains "$T_OUT" "ROLEHOP_AWS_CONFIG_FILE=$AWS_CONFIG_FILE" \
    "the operator's AWS config is named"
t_assert_file_contains "$T_OUT" "mode=600" "the private AWS config is 0600"
t_assert_file_contains "$T_OUT" "credential_process = '$ROLEHOP_BIN' creds 'target-env'" \
    "the private profile runs rolehop creds"
t_assert_file_contains "$T_OUT" "ROLEHOP_DEPTH=1" "ROLEHOP_DEPTH"
private=$(sed -n 's/^AWS_CONFIG_FILE=//p' "$T_OUT")
[ ! -e "$private" ] || t_fail "the private AWS config is removed afterwards"

# --static: plain keys for tools that read only those.
t_run "$ROLEHOP" exec target-env --static -- env
t_assert_eq 0 "$T_RC" "exec env"
for v in AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_ROLE_ARN \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_VAULT \
    GRANTED_SSO; do
    if grep -q "^$v=" "$T_OUT"; then
        t_fail "$v reached the child"
    fi
done
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
    AWS_CREDENTIAL_EXPIRATION; do
    grep -q "^$v=." "$T_OUT" || t_fail "$v not set in the child"
done
t_assert_file_contains "$T_OUT" "ROLEHOP_TARGET=target-env" "ROLEHOP_TARGET"
t_assert_file_contains "$T_OUT" "ROLEHOP_ACCOUNT=222222222222" "ROLEHOP_ACCOUNT"
t_assert_file_contains "$T_OUT" "AWS_REGION=us-east-1" "AWS_REGION"
t_assert_file_contains "$T_OUT" "AWS_DEFAULT_REGION=us-east-1" "AWS_DEFAULT_REGION"
grep -q '^AWS_CREDENTIAL_EXPIRATION=[0-9-]*T[0-9:]*Z$' "$T_OUT" ||
    t_fail "AWS_CREDENTIAL_EXPIRATION is not ISO 8601 UTC"

# exec: arguments verbatim (no shell), the child's status, signals.
t_run "$ROLEHOP" exec target-env -- printf '%s|' 'a b' '$(id)' "it's" ''
t_assert_eq "a b|\$(id)|it's||" "$(cat "$T_OUT")" "argv verbatim"
t_run "$ROLEHOP" exec target-env -- sh -c 'exit 7'
t_assert_eq 7 "$T_RC" "exec returns the child's status"
t_run "$ROLEHOP" exec target-env -- sh -c 'kill -TERM $$'
t_assert_eq 143 "$T_RC" "killed child: 128 + signal"
t_run "$ROLEHOP" exec target-env -- no-such-command-rolehop
t_assert_eq 127 "$T_RC" "command not found status"
t_assert_file_contains "$T_ERR" "no-such-command-rolehop: command not found" \
    "command not found message"

# shell: $SHELL reads its commands from stdin here.
printf 'echo "in:$ROLEHOP_TARGET"\naws sts get-caller-identity --query Arn --output text\nexit 5\n' \
    >"$T_DIR/shell-input"
SHELL=/bin/sh
export SHELL
t_run_stdin "$T_DIR/shell-input" "$ROLEHOP" shell target-env
t_assert_eq 5 "$T_RC" "shell exit status"
t_assert_eq "in:target-env" "$(sed -n 1p "$T_OUT")" "shell environment"
t_assert_eq "$want" "$(sed -n 2p "$T_OUT")" "identity inside the shell"
t_assert_file_contains "$T_ERR" "shell as target-env (account 222222222222)" \
    "shell banner"

# Nothing secret on the command line of the child or in our output.
secret=$(t_json 'd["SecretAccessKey"]' "$T_DIR/creds.json")
t_run "$ROLEHOP" exec target-env -- cat /proc/self/cmdline
t_assert_not_contains "$(tr '\0' ' ' <"$T_OUT")" "$secret" "no secret in argv"
exit 0
