#!/bin/sh
# The AWS CLI uses `credential_process = rolehop creds TARGET` and reports
# the target's identity; rolehop itself resolves such a profile too.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
moto_start
scenario_write
cat >>"$AWS_CONFIG_FILE" <<CFG

[profile via-rolehop]
credential_process = "$ROLEHOP" creds target-env
region = us-east-1

[profile chained-via-rolehop]
role_arn = arn:aws:iam::888888888888:role/after-process
source_profile = via-rolehop
region = us-east-1
CFG

t_run "$ROLEHOP" creds target-env
t_assert_eq 0 "$T_RC" "creds status"
t_assert_eq 1 "$(t_json 'd["Version"]' "$T_OUT")" "Version 1"
t_assert_eq '["AccessKeyId", "Expiration", "SecretAccessKey", "SessionToken", "Version"]' \
    "$(t_json 'sorted(d)' "$T_OUT")" "credential_process fields"
case $(t_json 'd["AccessKeyId"]' "$T_OUT") in
ASIA*) ;;
*) t_fail "AccessKeyId is not temporary" ;;
esac

t_run aws sts get-caller-identity --profile via-rolehop --output json
t_assert_eq 0 "$T_RC" "AWS CLI through credential_process"
t_assert_eq arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget \
    "$(t_json 'd["Arn"]' "$T_OUT")" "AWS CLI sees the target identity"

t_run "$ROLEHOP" --no-cache whoami chained-via-rolehop --json
t_assert_eq 0 "$T_RC" "rolehop through a process hop"
t_assert_eq '["process", "assume-role"]' \
    "$(t_json '[h["kind"] for h in d["hops"]]' "$T_OUT")" "process hop kinds"
t_assert_eq 888888888888 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "role assumed from process credentials"

# The process runs with the operator's umask, not rolehop's private 077
# (a credential helper's own cache files keep their usual modes).
cat >>"$AWS_CONFIG_FILE" <<CFG

[profile umask-process]
credential_process = sh -c 'umask >"$T_DIR/process.umask"; exit 3'
CFG
t_run sh -c "umask 022 && exec \"\$0\" whoami umask-process" "$ROLEHOP"
t_assert_eq 1 "$T_RC" "the umask process fails (exit 3)"
t_assert_eq 0022 "$(cat "$T_DIR/process.umask")" \
    "credential_process gets the caller's umask"

# A failing credential_process: its status and message, exit 1.
cat >>"$AWS_CONFIG_FILE" <<'CFG'

[profile broken-process]
credential_process = sh -c 'echo "no session for you" >&2; exit 4'
CFG
t_run "$ROLEHOP" whoami broken-process
t_assert_eq 1 "$T_RC" "failing process status"
t_assert_file_contains "$T_ERR" "(exit status 4): no session for you" \
    "failing process message"
exit 0
