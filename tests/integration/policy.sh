#!/bin/sh
# rolehop policy: the trust and permission policies of a chain, the EKS
# policy, the aws-auth mapRoles entry (parsed as YAML) and the
# access-entry commands; the token's claims in the web identity trust
# policy, placeholders without a token, clusters and external IDs from the
# rolehop config. No network: the endpoint points nowhere.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
scenario_write
PORT=$(t_free_port) || t_error "no free port"
AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_ENDPOINT_URL

WI_ROLE=arn:aws:iam::111111111111:role/ci-account-iam-role
AR_ROLE=arn:aws:iam::222222222222:role/target-account-iam-role
ISS=oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
SUB=system:serviceaccount:ci:rolehop
SIG=$(cut -d. -f3 "$T_TOKEN_FILE")

# j EXPR: EXPR of the --json output in $T_OUT (p = d["policies"]).
j() {
    t_json "(lambda p: $1)(d['policies'])" "$T_OUT"
}

# yaml_check FILE WHAT ROLE: FILE parses as a YAML list with one mapRoles
# entry, for ROLE. (kubectl apply --dry-run=client still asks a server for
# its API groups, so it cannot check this without a cluster.)
python3 -c 'import yaml' 2>/dev/null || t_skip "python3 has no yaml module"
yaml_check() {
    t_assert_eq "$3" "$(python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 1, d
assert d[0]["groups"] == ["system:masters"], d
print(d[0]["rolearn"])' "$1")" "$2: mapRoles parses as YAML, rolearn"
}

# --- The walkthrough chain, with the token's claims.
t_run "$ROLEHOP" policy target-env --json
t_assert_eq 0 "$T_RC" "json: exit status"
t_assert_file_not_contains "$T_OUT" "$SIG" "json: no token"
t_assert_eq true "$(t_json 'd["placeholders"]' "$T_OUT")" "json: the cluster name is a placeholder"
t_assert_eq '["trust", "permission", "trust", "permission"]' \
    "$(j '[x["kind"] for x in p]')" "json: policy kinds"
t_assert_eq "[\"$WI_ROLE\", \"$WI_ROLE\", \"$AR_ROLE\", \"$AR_ROLE\"]" \
    "$(j '[x["role_arn"] for x in p]')" "json: the roles they belong to"
s='p[0]["document"]["Statement"][0]'
t_assert_eq "arn:aws:iam::111111111111:oidc-provider/$ISS" \
    "$(j "$s[\"Principal\"][\"Federated\"]")" "web identity trust: Federated"
t_assert_eq sts:AssumeRoleWithWebIdentity "$(j "$s[\"Action\"]")" \
    "web identity trust: Action"
t_assert_eq "{\"$ISS:sub\": \"$SUB\", \"$ISS:aud\": \"sts.amazonaws.com\"}" \
    "$(j "$s[\"Condition\"][\"StringEquals\"]")" \
    "web identity trust: StringEquals on sub and aud"
s='p[1]["document"]["Statement"][0]'
t_assert_eq "sts:AssumeRole $AR_ROLE" \
    "$(j "$s[\"Action\"] + \" \" + $s[\"Resource\"]")" \
    "web identity role: may assume the target role"
s='p[2]["document"]["Statement"][0]'
t_assert_eq "$WI_ROLE" "$(j "$s[\"Principal\"][\"AWS\"]")" \
    "target trust: Principal AWS is the CI role"
t_assert_eq sts:AssumeRole "$(j "$s[\"Action\"]")" "target trust: Action"
t_assert_eq '["eks:ListClusters", "eks:DescribeCluster"]' \
    "$(j '[x["Action"] for x in p[3]["document"]["Statement"]]')" \
    "eks policy: actions"
t_assert_eq '["arn:aws:eks:*:222222222222:cluster/*"]' \
    "$(j 'p[3]["document"]["Statement"][1]["Resource"]')" \
    "eks policy: clusters of the target account"
t_assert_eq "$AR_ROLE" "$(t_json 'd["cluster_role_arn"]' "$T_OUT")" \
    "json: the role that needs cluster access"
t_json 'd["aws_auth_map_roles"]' "$T_OUT" >"$T_DIR/map.yaml"
yaml_check "$T_DIR/map.yaml" json "$AR_ROLE"
t_assert_eq "aws eks create-access-entry --cluster-name '<CLUSTER_NAME>' --region us-east-1 --principal-arn $AR_ROLE --type STANDARD" \
    "$(t_json 'd["access_entry_commands"][0]' "$T_OUT")" "create-access-entry"
t_assert_eq "aws eks associate-access-policy --cluster-name '<CLUSTER_NAME>' --region us-east-1 --principal-arn $AR_ROLE --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster" \
    "$(t_json 'd["access_entry_commands"][1]' "$T_OUT")" "associate-access-policy"

# Text: the same documents, each a JSON object after its comment line, and
# the mapRoles entry as YAML.
t_run "$ROLEHOP" policy target-env
t_assert_eq 0 "$T_RC" "text: exit status"
t_assert_file_contains "$T_OUT" "# 1. trust policy of $WI_ROLE" "text: first heading"
python3 -c '
import json, sys
text = open(sys.argv[1]).read()
docs, depth, cur = [], 0, ""
for line in text.splitlines():
    if line == "{":
        depth, cur = 1, "{\n"
    elif depth:
        cur += line + "\n"
        if line == "}":
            docs.append(json.loads(cur))
            depth = 0
print(len(docs))
' "$T_OUT" >"$T_DIR/ndocs" || t_fail "text: a policy is not JSON"
t_assert_eq 4 "$(cat "$T_DIR/ndocs")" "text: four JSON documents"
sed -n '/^- rolearn:/,/^$/p' "$T_OUT" >"$T_DIR/map-text.yaml"
yaml_check "$T_DIR/map-text.yaml" text "$AR_ROLE"
t_assert_file_contains "$T_OUT" "aws eks create-access-entry" "text: commands"

# --- No readable token: placeholders, said so.
cat >>"$AWS_CONFIG_FILE" <<EOF

[profile ci-missing]
role_arn = $WI_ROLE
web_identity_token_file = $T_DIR/no-such-token
region = eu-west-1
EOF
t_run "$ROLEHOP" policy ci-missing --json
t_assert_eq 0 "$T_RC" "no token: exit status"
t_assert_eq true "$(t_json 'd["placeholders"]' "$T_OUT")" "no token: placeholders"
t_assert_contains "$(t_json 'd["notes"][0]' "$T_OUT")" "no-such-token" \
    "no token: the note names the file"
s='p[0]["document"]["Statement"][0]'
t_assert_eq "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/<OIDC_ID>" \
    "$(j "$s[\"Principal\"][\"Federated\"]")" "no token: Federated placeholder"
t_assert_eq "system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>" \
    "$(j "list($s[\"Condition\"][\"StringEquals\"].values())[0]")" \
    "no token: sub placeholder"
t_run "$ROLEHOP" policy ci-missing
t_assert_file_contains "$T_OUT" "placeholders" "no token: text says so"

# --- The rolehop config: a role with a path and an external ID, clusters.
mkdir -p "$XDG_CONFIG_HOME/rolehop"
cat >"$XDG_CONFIG_HOME/rolehop/config.yaml" <<'EOF'
targets:
  - name: prod
    role_arn: arn:aws:iam::444444444444:role/ops/prod-admin
    source: target-env
    external_id: rolehop-prod
    region: eu-west-1
    clusters:
      - name: prod-main
      - name: prod-us
        region: us-east-1
EOF
PROD=arn:aws:iam::444444444444:role/ops/prod-admin
t_run "$ROLEHOP" policy prod --json
t_assert_eq 0 "$T_RC" "config target: exit status"
t_assert_eq '["trust", "permission", "trust", "permission", "trust", "permission"]' \
    "$(j '[x["kind"] for x in p]')" "config target: three roles"
s='p[4]["document"]["Statement"][0]'
t_assert_eq "$AR_ROLE" "$(j "$s[\"Principal\"][\"AWS\"]")" \
    "config target: trusts the previous hop"
t_assert_eq '{"StringEquals": {"sts:ExternalId": "rolehop-prod"}}' \
    "$(j "$s[\"Condition\"]")" "config target: external ID condition"
t_assert_eq "$PROD" "$(j 'p[3]["document"]["Statement"][0]["Resource"]')" \
    "config target: the previous hop may assume it"
t_assert_eq '["arn:aws:eks:eu-west-1:444444444444:cluster/prod-main", "arn:aws:eks:us-east-1:444444444444:cluster/prod-us"]' \
    "$(j 'p[5]["document"]["Statement"][1]["Resource"]')" \
    "config target: DescribeCluster on its clusters"
t_json 'd["aws_auth_map_roles"]' "$T_OUT" >"$T_DIR/map-prod.yaml"
yaml_check "$T_DIR/map-prod.yaml" "config target" \
    arn:aws:iam::444444444444:role/prod-admin
t_assert_eq 4 "$(t_json 'len(d["access_entry_commands"])' "$T_OUT")" \
    "config target: two commands per cluster"
t_assert_contains "$(t_json 'd["access_entry_commands"][0]' "$T_OUT")" \
    "--cluster-name prod-main --region eu-west-1 --principal-arn $PROD" \
    "config target: first cluster"
t_assert_contains "$(t_json 'd["access_entry_commands"][2]' "$T_OUT")" \
    "--cluster-name prod-us --region us-east-1" "config target: second cluster"

# --- Errors: a broken chain is a configuration error; usage errors.
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile orphan]
role_arn = arn:aws:iam::666666666666:role/orphan
source_profile = nowhere
EOF
t_run "$ROLEHOP" policy orphan
t_assert_eq 2 "$T_RC" "broken chain: exit status"
t_assert_file_contains "$T_ERR" "source_profile 'nowhere' does not exist" \
    "broken chain: message"
t_run "$ROLEHOP" policy
t_assert_eq 2 "$T_RC" "no target: exit status"
t_run "$ROLEHOP" policy no-such-target
t_assert_eq 2 "$T_RC" "unknown target: exit status"
exit 0
