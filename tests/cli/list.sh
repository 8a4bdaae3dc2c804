#!/bin/sh
# rolehop list: every AWS profile and rolehop target with its chain, as text
# and as the JSON of spec/cli.md; no network at all.
. "${top_srcdir:-.}/tests/lib.sh"
t_init

mkdir -p "$HOME/.aws" "$XDG_CONFIG_HOME/rolehop"
cat >"$HOME/.aws/config" <<CFG
[profile ci-env]
role_arn = arn:aws:iam::123456789012:role/ci-account-iam-role
web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
region = us-east-1

[profile target-env]
role_arn = arn:aws:iam::222222222222:role/target-account-iam-role
source_profile = ci-env
role_session_name = xactarget
region = us-east-1

[profile cyc-a]
role_arn = arn:aws:iam::111111111111:role/a
source_profile = cyc-b

[profile cyc-b]
role_arn = arn:aws:iam::111111111111:role/b
source_profile = cyc-a
CFG
cat >"$HOME/.aws/credentials" <<CFG
[static]
aws_access_key_id = AKIAFAKEFAKEFAKE0001
aws_secret_access_key = fake-secret-never-printed
CFG
cat >"$XDG_CONFIG_HOME/rolehop/config.yaml" <<CFG
regions: [us-east-1, eu-west-1]
targets:
  - name: dev
    role_arn: arn:aws:iam::333333333333:role/dev
    source: ci-env
    color: green
CFG

# Any network access would fail: point everything at a closed port.
AWS_ENDPOINT_URL=http://127.0.0.1:9
export AWS_ENDPOINT_URL

t_run "$ROLEHOP" list --json
t_assert_eq 0 "$T_RC" "list --json status"
t_assert_eq '["dev", "ci-env", "target-env", "cyc-a", "cyc-b", "static"]' \
    "$(t_json '[t["name"] for t in d["targets"]]' "$T_OUT")" "target order"
t_assert_eq aws-config "$(t_json 'd["targets"][2]["source"]' "$T_OUT")" \
    "source of target-env"
t_assert_eq rolehop-config "$(t_json 'd["targets"][0]["source"]' "$T_OUT")" \
    "source of dev"
t_assert_eq '[{"kind": "web-identity", "profile": "ci-env", "role_arn": "arn:aws:iam::123456789012:role/ci-account-iam-role", "token_file": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}, {"kind": "assume-role", "profile": "target-env", "role_arn": "arn:aws:iam::222222222222:role/target-account-iam-role", "session_name": "xactarget"}]' \
    "$(t_json 'd["targets"][2]["chain"]' "$T_OUT")" "chain of target-env"
t_assert_eq '["us-east-1", "eu-west-1"]' \
    "$(t_json 'd["targets"][0]["regions"]' "$T_OUT")" "regions of dev"
t_assert_eq '["us-east-1", "eu-west-1"]' \
    "$(t_json 'd["targets"][2]["regions"]' "$T_OUT")" "config regions apply"
t_assert_eq static "$(t_json 'd["targets"][5]["chain"][0]["kind"]' "$T_OUT")" \
    "static hop"
t_assert_contains "$(t_json 'd["targets"][3]["error"]' "$T_OUT")" \
    "source_profile cycle: cyc-a -> cyc-b -> cyc-a" "cycle reported"
t_assert_file_not_contains "$T_OUT" "fake-secret-never-printed" "no secret"

t_run "$ROLEHOP" list
t_assert_eq 0 "$T_RC" "list status"
t_assert_file_contains "$T_OUT" \
    "target-env  aws-config      web-identity ci-account-iam-role > assume-role target-account-iam-role" \
    "text chain"
t_assert_file_contains "$T_OUT" "cyc-a       aws-config      error: source_profile cycle" \
    "text error"

# IRSA in the environment: the ambient target appears unconfigured.
AWS_ROLE_ARN=arn:aws:iam::444444444444:role/irsa
AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent
export AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
t_run "$ROLEHOP" list --json
t_assert_eq 0 "$T_RC" "list with IRSA"
t_assert_eq '{"name": "ambient", "source": "ambient", "kind": "web-identity"}' \
    "$(t_json '{"name": d["targets"][-1]["name"], "source": d["targets"][-1]["source"], "kind": d["targets"][-1]["chain"][0]["kind"]}' "$T_OUT")" \
    "ambient target"
# No network, so libcurl (and its ~30 libraries) is never loaded: it is
# dlopen()ed on the first request (src/curlload.c). glibc's loader says
# what it opens under LD_DEBUG=files.
t_run env LD_DEBUG=files "$ROLEHOP" list
t_assert_eq 0 "$T_RC" "list under LD_DEBUG"
if grep -q 'file=' "$T_ERR"; then
    t_assert_file_not_contains "$T_ERR" "libcurl" "list does not load libcurl"
fi
exit 0
