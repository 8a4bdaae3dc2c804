#!/bin/sh
# whoami against moto, compared with the AWS CLI on the same config: the
# IRSA walkthrough (web identity -> AssumeRole), a three-hop chain, a
# static-key profile and a role assumed from static keys.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"
moto_start
scenario_write

for p in ci-env target-env stg deep static static-role; do
    t_run "$ROLEHOP" --no-cache whoami "$p" --json
    t_assert_eq 0 "$T_RC" "rolehop whoami $p"
    cp "$T_OUT" "$T_DIR/rolehop-$p.json"
    t_run aws sts get-caller-identity --profile "$p" --output json
    t_assert_eq 0 "$T_RC" "aws sts get-caller-identity --profile $p"
    cp "$T_OUT" "$T_DIR/aws-$p.json"
    t_assert_eq "$(t_json 'd["Account"]' "$T_DIR/aws-$p.json")" \
        "$(t_json 'd["identity"]["account"]' "$T_DIR/rolehop-$p.json")" \
        "$p: account as the AWS CLI sees it"
    # Without role_session_name the tools pick their own session names
    # (botocore-session-EPOCH, rolehop-USER): compare the role part then.
    case $p in
    deep | static-role) cut='.rsplit("/", 1)[0]' ;;
    *) cut= ;;
    esac
    t_assert_eq "$(t_json "d[\"Arn\"]$cut" "$T_DIR/aws-$p.json")" \
        "$(t_json "d[\"identity\"][\"arn\"]$cut" "$T_DIR/rolehop-$p.json")" \
        "$p: ARN as the AWS CLI sees it"
done

j=$T_DIR/rolehop-target-env.json
t_assert_eq target-env "$(t_json 'd["target"]' "$j")" "target name"
t_assert_eq '["web-identity", "assume-role"]' \
    "$(t_json '[h["kind"] for h in d["hops"]]' "$j")" "hop kinds"
t_assert_eq arn:aws:sts::111111111111:assumed-role/ci-account-iam-role/rolehop-ci \
    "$(t_json 'd["hops"][0]["arn"]' "$j")" "hop 1 identity"
t_assert_eq 111111111111 "$(t_json 'd["hops"][0]["account"]' "$j")" "hop 1 account"
t_assert_eq arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget \
    "$(t_json 'd["hops"][1]["arn"]' "$j")" "hop 2 identity"
t_assert_eq arn:aws:iam::222222222222:role/target-account-iam-role \
    "$(t_json 'd["hops"][1]["role_arn"]' "$j")" "hop 2 role"
t_assert_eq 222222222222 "$(t_json 'd["identity"]["account"]' "$j")" "final account"
t_assert_contains "$(t_json 'd["identity"]["user_id"]' "$j")" ":xactarget" "user id"
exp=$(t_json 'd["expiration"]' "$j")
case $exp in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ;;
*) t_fail "expiration is not RFC 3339 UTC: $exp" ;;
esac
t_assert_eq "$exp" "$(t_json 'd["hops"][1]["expiration"]' "$j")" \
    "top-level expiration is the last hop's"

t_assert_eq '["111111111111", "222222222222", "444444444444"]' \
    "$(t_json '[h["account"] for h in d["hops"]]' "$T_DIR/rolehop-deep.json")" \
    "three hops, three accounts"
t_assert_eq null "$(t_json 'd["hops"][0]["expiration"]' "$T_DIR/rolehop-static-role.json")" \
    "static keys do not expire"
t_assert_eq 555555555555 "$(t_json 'd["identity"]["account"]' "$T_DIR/rolehop-static-role.json")" \
    "role assumed from static keys"

# The text form names every hop and the identity.
t_run "$ROLEHOP" --no-cache whoami target-env
t_assert_eq 0 "$T_RC" "text whoami"
t_assert_file_contains "$T_OUT" "hop 1  web-identity" "text hop 1"
t_assert_file_contains "$T_OUT" \
    "hop 2  assume-role   arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget  expires " \
    "text hop 2"
t_assert_file_contains "$T_OUT" "account  222222222222" "text account"

# A rolehop target chained through an AWS profile, and the ambient IRSA
# identity, with no profile at all.
mkdir -p "$XDG_CONFIG_HOME/rolehop"
cat >"$XDG_CONFIG_HOME/rolehop/config.yaml" <<CFG
targets:
  - name: prod
    role_arn: arn:aws:iam::666666666666:role/prod-read
    source: target-env
    session_name: op
CFG
t_run "$ROLEHOP" --no-cache whoami prod --json
t_assert_eq 0 "$T_RC" "rolehop target"
t_assert_eq arn:aws:sts::666666666666:assumed-role/prod-read/op \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "rolehop target identity"
t_assert_eq 3 "$(t_json 'len(d["hops"])' "$T_OUT")" "rolehop target hops"

AWS_ROLE_ARN=arn:aws:iam::777777777777:role/irsa
AWS_WEB_IDENTITY_TOKEN_FILE=$T_TOKEN_FILE
AWS_ROLE_SESSION_NAME=pod-session
export AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_SESSION_NAME
t_run "$ROLEHOP" --no-cache whoami ambient --json
t_assert_eq 0 "$T_RC" "ambient IRSA"
t_assert_eq arn:aws:sts::777777777777:assumed-role/irsa/pod-session \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "ambient identity"
# The token of a projected service-account volume is a symlink chain
# (token -> ..data/token, ..data -> ..2026_12_02_...): inputs are read
# through symlinks (only the files rolehop writes refuse them).
mkdir -p "$T_DIR/projected/..2026_12_02_00_00_00.1" || t_error "mkdir"
cp "$T_TOKEN_FILE" "$T_DIR/projected/..2026_12_02_00_00_00.1/token"
ln -s ..2026_12_02_00_00_00.1 "$T_DIR/projected/..data" || t_error "ln -s"
ln -s ..data/token "$T_DIR/projected/token" || t_error "ln -s"
AWS_WEB_IDENTITY_TOKEN_FILE=$T_DIR/projected/token
mv "$AWS_CONFIG_FILE" "$T_DIR/config.real"
ln -s "$T_DIR/config.real" "$AWS_CONFIG_FILE" || t_error "ln -s"
t_run "$ROLEHOP" --no-cache whoami ambient --json
t_assert_eq 0 "$T_RC" "token and config behind symlinks"
t_assert_eq arn:aws:sts::777777777777:assumed-role/irsa/pod-session \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "symlinked token: identity"
exit 0
