#!/bin/sh
# End-to-end check of the SigV4 signer: moto with signature checking on
# accepts rolehop's signed GetCallerIdentity and AssumeRole (then the
# session-token-signed GetCallerIdentity of the assumed role), and rejects
# a wrong secret with SignatureDoesNotMatch (aws-protocols.md 7.4, 7.8).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
moto_start
scenario_write
moto_reset
t_cleanup_add "moto_reset_auth inf"
# The next 3 requests are free; auth is enforced after them.
moto_reset_auth 3
t_run aws iam create-user --user-name signer --profile static
t_assert_eq 0 "$T_RC" "create user"
t_run aws iam create-access-key --user-name signer --profile static --output json
t_assert_eq 0 "$T_RC" "create access key"
akid=$(t_json 'd["AccessKey"]["AccessKeyId"]' "$T_OUT")
secret=$(t_json 'd["AccessKey"]["SecretAccessKey"]' "$T_OUT")
t_run aws iam put-user-policy --user-name signer --policy-name assume \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}' \
    --profile static
t_assert_eq 0 "$T_RC" "put user policy"

cat >>"$AWS_SHARED_CREDENTIALS_FILE" <<CFG

[signer]
aws_access_key_id = $akid
aws_secret_access_key = $secret

[wrong]
aws_access_key_id = $akid
aws_secret_access_key = not-the-secret
CFG
cat >>"$AWS_CONFIG_FILE" <<CFG

[profile signer]
region = us-east-1

[profile wrong]
region = us-east-1

[profile signer-role]
role_arn = arn:aws:iam::123456789012:role/signed-role
source_profile = signer
role_session_name = signed
region = us-east-1
CFG

t_run "$ROLEHOP" --no-cache whoami signer --json
t_assert_eq 0 "$T_RC" "signed GetCallerIdentity accepted"
t_assert_eq arn:aws:iam::123456789012:user/signer \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "identity of the IAM user"

t_run "$ROLEHOP" --no-cache whoami signer-role --json
t_assert_eq 0 "$T_RC" "signed AssumeRole and token-signed GetCallerIdentity"
t_assert_eq arn:aws:sts::123456789012:assumed-role/signed-role/signed \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "assumed identity"

t_run "$ROLEHOP" --no-cache whoami wrong
t_assert_eq 1 "$T_RC" "wrong secret status"
t_assert_file_contains "$T_ERR" "SignatureDoesNotMatch" "wrong secret rejected"
t_assert_file_not_contains "$T_ERR" "not-the-secret" "secret not in the error"
exit 0
