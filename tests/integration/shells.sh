#!/bin/sh
# Shells that stay fresh, against the fault-injecting fake STS: a child's
# AWS CLI still gets the target's identity after the first credentials
# have expired (the private profile asks rolehop again); rolehop prompt
# (from the environment alone); nesting (depth, the operator's targets
# found inside, other tools' variables cleared); the private files removed
# when the shell ends on SIGHUP, as when an SSH session closes.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
command -v aws >/dev/null 2>&1 || t_skip "the AWS CLI is not installed"

fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole", "form": {"RoleSessionName": "xactarget"}},
   "reply": "assume_role", "expires_in": 2},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION
WANT=arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget

# --- The credentials live 2 s; the child asks again after 3 s.
# shellcheck disable=SC2016 # expanded by the child's sh
t_run "$ROLEHOP" exec target-env -- sh -c '
    aws sts get-caller-identity --query Arn --output text || exit 1
    sleep 3
    aws sts get-caller-identity --query Arn --output text || exit 2'
t_assert_eq 0 "$T_RC" "the AWS CLI in the child, twice"
t_assert_eq "$WANT" "$(sed -n 1p "$T_OUT")" "the target's identity"
t_assert_eq "$WANT" "$(sed -n 2p "$T_OUT")" \
    "still the target's identity after the first credentials expired"
n=$(fake_log 'len([r for r in d if r["form"].get("RoleSessionName") == "xactarget"])')
[ "$n" -ge 3 ] || t_fail "the child re-chained for fresh credentials ($n AssumeRole calls)"
keys=$(fake_log 'len({r["headers"].get("authorization", "").split("Credential=")[1].split("/")[0] for r in d if r["action"] == "GetCallerIdentity"})')
t_assert_eq 2 "$keys" "each call signed with fresh keys"

# --- A target name with quotes, '#' and ';' survives the private
# profile's credential_process line (the AWS CLI runs it).
cat >"$T_DIR/odd.yaml" <<'EOF'
targets:
  - name: "it's #2; $(x)"
    profile: stg
EOF
t_run "$ROLEHOP" --config "$T_DIR/odd.yaml" exec "it's #2; \$(x)" -- \
    aws sts get-caller-identity --query Arn --output text
t_assert_eq 0 "$T_RC" "odd name: the AWS CLI in the child"
t_assert_eq arn:aws:sts::333333333333:assumed-role/stg-admin/rolehop-stg \
    "$(cat "$T_OUT")" "odd name: the target's identity"

# --- rolehop prompt: from the environment, no configuration read.
t_run "$ROLEHOP" prompt
t_assert_eq 0 "$T_RC" "prompt outside a rolehop shell"
t_assert_eq "" "$(cat "$T_OUT")" "prompt outside a rolehop shell: nothing"
# shellcheck disable=SC2016
t_run "$ROLEHOP" exec stg -- sh -c 'AWS_CONFIG_FILE=/nonexistent ROLEHOP_AWS_CONFIG_FILE=/nonexistent "$0" prompt' "$ROLEHOP"
t_assert_eq 0 "$T_RC" "prompt in a shell"
case $(cat "$T_OUT") in
"[stg 333333333333 | "*m*"] ") ;;
*) t_fail "prompt: [stg 333333333333 | NNm..]: $(cat "$T_OUT")" ;;
esac
t_run env ROLEHOP_TARGET="$(printf 'a\nb')" "$ROLEHOP" prompt
t_assert_eq "[a?b] " "$(cat "$T_OUT")" "prompt: control characters shown as ?"

# --- Nesting: the inner rolehop finds the operator's targets; depth 2;
# other credential tools' variables are gone.
t_run env AWS_VAULT=outer GRANTED_SSO=1 AWSUME_PROFILE=x AWS_SSO_SESSION=y \
    "$ROLEHOP" exec target-env -- "$ROLEHOP" exec stg -- env
t_assert_eq 0 "$T_RC" "nested exec"
t_assert_file_contains "$T_OUT" "ROLEHOP_TARGET=stg" "nested: the inner target"
t_assert_file_contains "$T_OUT" "ROLEHOP_ACCOUNT=333333333333" "nested: its account"
t_assert_file_contains "$T_OUT" "ROLEHOP_DEPTH=2" "nested: depth 2"
t_assert_file_contains "$T_OUT" "ROLEHOP_AWS_CONFIG_FILE=$AWS_CONFIG_FILE" \
    "nested: still the operator's AWS config"
for v in AWS_VAULT GRANTED_SSO AWSUME_PROFILE AWS_SSO_SESSION; do
    if grep -q "^$v=" "$T_OUT"; then
        t_fail "nested: $v reached the child"
    fi
done
printf 'exit 0\n' >"$T_DIR/exit0"
SHELL=/bin/sh t_run_stdin "$T_DIR/exit0" "$ROLEHOP" exec target-env -- \
    env SHELL=/bin/sh "$ROLEHOP" shell stg
t_assert_eq 0 "$T_RC" "nested shell"
t_assert_file_contains "$T_ERR" "rolehop: shell as stg (account 333333333333), nested: depth 2" \
    "nested shell: the banner says so"

# --- SIGHUP (a closed SSH session): the private files go too.
cat >"$T_DIR/hup-shell" <<EOF
#!/bin/sh
echo "\$AWS_CONFIG_FILE" >"$T_DIR/private-path"
exec sleep 60
EOF
chmod +x "$T_DIR/hup-shell"
SHELL=$T_DIR/hup-shell "$ROLEHOP" shell stg </dev/null >"$T_DIR/hup.out" \
    2>"$T_DIR/hup.err" &
pid=$!
t_wait_for '[ -s "$T_DIR/private-path" ]' 10 || t_fail "the shell did not start"
private=$(cat "$T_DIR/private-path")
[ -f "$private" ] || t_fail "the private AWS config exists while the shell runs"
kill -HUP "$pid"
wait "$pid"
rc=$?
t_assert_eq 129 "$rc" "SIGHUP: the shell's status (128 + 1)"
[ ! -e "$private" ] || t_fail "SIGHUP: the private AWS config was removed"
[ ! -e "$(dirname "$private")" ] || t_fail "SIGHUP: its directory was removed"
exit 0
