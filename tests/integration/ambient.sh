#!/bin/sh
# The ambient credential sources, each against a loopback stand-in: EC2
# instance metadata (IMDSv2: a PUT for the session token, then the role
# and its credentials with that token), EKS Pod Identity / container
# credentials (the Authorization token file re-read), environment keys
# (credential_source = Environment), each then chaining into a role.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init

fake_start '[
 {"match": {"method": "PUT", "path": "/latest/api/token"},
  "body": "imds-session-token-123"},
 {"match": {"method": "GET", "path": "/latest/meta-data/iam/security-credentials/",
            "header": {"x-aws-ec2-metadata-token": "imds-session-token-123"}},
  "body": "jump-host-role\n"},
 {"match": {"method": "GET", "path": "/latest/meta-data/iam/security-credentials/jump-host-role",
            "header": {"x-aws-ec2-metadata-token": "imds-session-token-123"}},
  "body": {"Code": "Success", "AccessKeyId": "ASIAFAKEIMDS00000001",
           "SecretAccessKey": "imds-secret", "Token": "imds-token",
           "Expiration": "{{expiration}}"}},
 {"match": {"method": "GET", "path": "/v1/credentials",
            "header": {"authorization": "pod-identity-jwt"}},
  "body": {"AccessKeyId": "ASIAFAKEPODID0000001", "SecretAccessKey": "pod-secret",
           "Token": "pod-token", "AccountId": "121212121212",
           "Expiration": "2099-01-01T00:00:00.123456789Z"}},
 {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
 {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<CFG
[profile jump]
region = us-east-1

[profile from-imds]
role_arn = arn:aws:iam::131313131313:role/from-imds
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile from-env]
role_arn = arn:aws:iam::141414141414:role/from-env
credential_source = Environment
region = us-east-1
CFG
AWS_ENDPOINT_URL=$FAKE_URL
export AWS_ENDPOINT_URL

# IMDS, only when not disabled (t_init disables it).
t_run "$ROLEHOP" --no-cache whoami jump
t_assert_eq 2 "$T_RC" "disabled IMDS is a configuration error"
t_assert_file_contains "$T_ERR" "AWS_EC2_METADATA_DISABLED" "disabled IMDS named"
unset AWS_EC2_METADATA_DISABLED
AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_URL/
export AWS_EC2_METADATA_SERVICE_ENDPOINT

t_run "$ROLEHOP" --no-cache whoami jump --json
t_assert_eq 0 "$T_RC" "IMDS root"
t_assert_eq imds "$(t_json 'd["hops"][0]["kind"]' "$T_OUT")" "imds hop"
t_assert_eq 21600 "$(fake_log '[r for r in d if r["method"] == "PUT"][0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"]')" \
    "IMDSv2 token TTL requested"
t_assert_eq ASIAFAKEIMDS00000001 \
    "$(fake_log '[r for r in d if r["action"] == "GetCallerIdentity"][-1]["headers"]["authorization"].split("Credential=")[1].split("/")[0]')" \
    "GetCallerIdentity signed with the IMDS keys"

t_run "$ROLEHOP" --no-cache whoami from-imds --json
t_assert_eq 0 "$T_RC" "credential_source = Ec2InstanceMetadata"
t_assert_eq '["imds", "assume-role"]' \
    "$(t_json '[h["kind"] for h in d["hops"]]' "$T_OUT")" "imds then role"
t_assert_eq 131313131313 "$(t_json 'd["hops"][1]["account"]' "$T_OUT")" \
    "role assumed from IMDS keys"

# Pod Identity: FULL_URI on loopback, token from a file read each time.
AWS_EC2_METADATA_DISABLED=true
export AWS_EC2_METADATA_DISABLED
printf 'pod-identity-jwt' >"$T_DIR/pod-token"
AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_URL/v1/credentials
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T_DIR/pod-token
export AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
t_run "$ROLEHOP" --no-cache list --json
t_assert_eq container "$(t_json '[t for t in d["targets"] if t["name"] == "ambient"][0]["chain"][0]["kind"]' "$T_OUT")" \
    "Pod Identity appears as the ambient target"
t_run "$ROLEHOP" --no-cache creds ambient
t_assert_eq 0 "$T_RC" "container credentials"
t_assert_eq ASIAFAKEPODID0000001 "$(t_json 'd["AccessKeyId"]' "$T_OUT")" "pod key"
t_assert_eq 2099-01-01T00:00:00Z "$(t_json 'd["Expiration"]' "$T_OUT")" \
    "nanosecond expiration parsed"
printf 'rotated-jwt' >"$T_DIR/pod-token"
t_run "$ROLEHOP" --no-cache creds ambient
t_assert_eq 1 "$T_RC" "a rotated token is read again (the fake wants the old one)"
t_assert_eq rotated-jwt "$(fake_log '[r for r in d if r["path"] == "/v1/credentials"][-1]["headers"]["authorization"]')" \
    "token file re-read"
t_assert_file_not_contains "$T_ERR" "rotated-jwt" "the token is not printed"

# A FULL_URI that is neither https nor loopback is refused.
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://example.com/creds
t_run "$ROLEHOP" --no-cache creds ambient
t_assert_eq 2 "$T_RC" "non-loopback http FULL_URI refused"
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE

# Environment keys for credential_source = Environment.
AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKE0009
AWS_SECRET_ACCESS_KEY=env-secret
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
t_run "$ROLEHOP" --no-cache whoami from-env --json
t_assert_eq 0 "$T_RC" "credential_source = Environment"
t_assert_eq 141414141414 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
    "role assumed from environment keys"
t_assert_eq AKIAFAKEFAKEFAKE0009 \
    "$(fake_log '[r for r in d if r["action"] == "AssumeRole"][-1]["headers"]["authorization"].split("Credential=")[1].split("/")[0]')" \
    "AssumeRole signed with the environment keys"
unset AWS_SECRET_ACCESS_KEY
t_run "$ROLEHOP" --no-cache whoami from-env
t_assert_eq 2 "$T_RC" "key without secret"
t_assert_file_contains "$T_ERR" "AWS_SECRET_ACCESS_KEY is not" "missing secret named"
exit 0
