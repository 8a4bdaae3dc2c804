#!/bin/sh
# env output is shell-quoted: credentials and names with quotes, spaces,
# $() and newlines load verbatim and run nothing, in sh and in fish; the
# JSON format carries the same values. Static keys need no network.
. "${top_srcdir:-.}/tests/lib.sh"
t_init

mkdir -p "$HOME/.aws"
# A secret built to break naive quoting: quotes, $(), backticks, ;
secret="it's \"q\" \$(touch $T_DIR/pwned) \`touch $T_DIR/pwned2\`; echo x"
cat >"$HOME/.aws/credentials" <<CFG
[weird name]
aws_access_key_id = AKIAFAKEFAKEFAKE0001
aws_secret_access_key = $secret
aws_session_token = tok'en
CFG
printf '[profile "weird name"]\nregion = eu-west-1\n' >"$HOME/.aws/config"

AWS_PROFILE=leftover
AWS_ROLE_ARN=arn:aws:iam::111111111111:role/stale
export AWS_PROFILE AWS_ROLE_ARN

t_run "$ROLEHOP" env "weird name"
t_assert_eq 0 "$T_RC" "env status"
cp "$T_OUT" "$T_DIR/env.sh"
# Load it in a clean sh and print what arrived.
t_run sh -c '. "$1" && printf "%s\n" "$AWS_SECRET_ACCESS_KEY" && printf "%s|%s|%s|%s|%s\n" "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN" "$AWS_REGION" "$ROLEHOP_TARGET" "${AWS_PROFILE-unset}${AWS_ROLE_ARN-unset}"' sh "$T_DIR/env.sh"
t_assert_eq 0 "$T_RC" "sourcing env output"
t_assert_eq "$secret" "$(sed -n 1p "$T_OUT")" "secret round trip"
t_assert_eq "AKIAFAKEFAKEFAKE0001|tok'en|eu-west-1|weird name|unsetunset" \
    "$(sed -n 2p "$T_OUT")" "other variables"
[ -e "$T_DIR/pwned" ] && t_fail "\$() in a value was executed"
[ -e "$T_DIR/pwned2" ] && t_fail "backticks in a value were executed"
t_assert_file_contains "$T_DIR/env.sh" "unset AWS_PROFILE;" "AWS_PROFILE unset"

t_run "$ROLEHOP" env "weird name" --format json
t_assert_eq 0 "$T_RC" "env --format json"
t_assert_eq "$secret" "$(t_json 'd["AWS_SECRET_ACCESS_KEY"]' "$T_OUT")" \
    "json secret"
t_assert_eq null "$(t_json 'd["AWS_PROFILE"]' "$T_OUT")" "json unset"

t_run "$ROLEHOP" env "weird name" --format fish
t_assert_eq 0 "$T_RC" "env --format fish"
t_assert_file_contains "$T_OUT" "set -gx AWS_ACCESS_KEY_ID 'AKIAFAKEFAKEFAKE0001';" \
    "fish syntax"
t_assert_file_contains "$T_OUT" "set -e AWS_PROFILE;" "fish unset"
if command -v fish >/dev/null 2>&1; then
    cp "$T_OUT" "$T_DIR/env.fish"
    t_run fish -c 'source $argv[1]; printf "%s\n" $AWS_SECRET_ACCESS_KEY' "$T_DIR/env.fish"
    t_assert_eq "$secret" "$(cat "$T_OUT")" "fish round trip"
fi
exit 0
