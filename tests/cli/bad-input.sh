#!/bin/sh
# Bad input: a clear error naming the file and line, profile, target or hop,
# the right exit status, and nothing written (no cache entry).
. "${top_srcdir:-.}/tests/lib.sh"
t_init

mkdir -p "$HOME/.aws" "$T_DIR/rh"
cfg=$HOME/.aws/config
AWS_ENDPOINT_URL=http://127.0.0.1:9
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION

nothing_cached() {
    if [ -d "$XDG_CACHE_HOME/rolehop" ] &&
        [ -n "$(ls -A "$XDG_CACHE_HOME/rolehop")" ]; then
        t_fail "$1: something was cached"
    fi
}

# Malformed INI: file and line.
printf '[profile a]\nregion = us-east-1\nno separator here\n' >"$cfg"
t_run "$ROLEHOP" list
t_assert_eq 2 "$T_RC" "malformed INI status"
t_assert_contains "$(head -n 1 "$T_ERR")" "rolehop: $cfg:3:" "malformed INI names file:line"

# Duplicate key: fatal for the file, as in botocore.
printf '[profile a]\nregion = us-east-1\nregion = us-west-2\n' >"$cfg"
t_run "$ROLEHOP" list
t_assert_eq 2 "$T_RC" "duplicate key status"
t_assert_contains "$(head -n 1 "$T_ERR")" "$cfg:3:" "duplicate key line"

cat >"$cfg" <<CFG
[profile cyc-a]
role_arn = arn:aws:iam::111111111111:role/a
source_profile = cyc-b

[profile cyc-b]
role_arn = arn:aws:iam::111111111111:role/b
source_profile = cyc-a

[profile notarn]
role_arn = ci-account-iam-role
source_profile = base

[profile base]
aws_access_key_id = AKIAFAKEFAKEFAKE0001
aws_secret_access_key = fake

[profile missing-token]
role_arn = arn:aws:iam::111111111111:role/ci
web_identity_token_file = $T_DIR/no-such-token

[profile empty-token]
role_arn = arn:aws:iam::111111111111:role/ci
web_identity_token_file = $T_DIR/empty-token

[profile dir-token]
role_arn = arn:aws:iam::111111111111:role/ci
web_identity_token_file = $T_DIR

[profile orphan]
role_arn = arn:aws:iam::111111111111:role/o
source_profile = nobody
CFG
: >"$T_DIR/empty-token"

t_run "$ROLEHOP" whoami cyc-a
t_assert_eq 2 "$T_RC" "cycle status"
t_assert_eq "rolehop: cyc-a: source_profile cycle: cyc-a -> cyc-b -> cyc-a" \
    "$(head -n 1 "$T_ERR")" "cycle message"

t_run "$ROLEHOP" creds notarn
t_assert_eq 2 "$T_RC" "not an ARN status"
t_assert_contains "$(head -n 1 "$T_ERR")" \
    "$cfg:10: profile notarn: role_arn 'ci-account-iam-role' is not an IAM role ARN" \
    "not an ARN message"

t_run "$ROLEHOP" whoami orphan
t_assert_eq 2 "$T_RC" "missing source status"
t_assert_contains "$(head -n 1 "$T_ERR")" "source_profile 'nobody' does not exist" \
    "missing source message"

t_run "$ROLEHOP" whoami missing-token
t_assert_eq 2 "$T_RC" "missing token status"
t_assert_contains "$(head -n 1 "$T_ERR")" \
    "rolehop: missing-token: hop 1 (web-identity arn:aws:iam::111111111111:role/ci): web identity token file: $T_DIR/no-such-token: No such file or directory" \
    "missing token message"

t_run "$ROLEHOP" whoami empty-token
t_assert_eq 2 "$T_RC" "empty token status"
t_assert_contains "$(head -n 1 "$T_ERR")" "web identity token file $T_DIR/empty-token is empty" \
    "empty token message"

t_run "$ROLEHOP" whoami dir-token
t_assert_eq 1 "$T_RC" "directory token status"
t_assert_contains "$(head -n 1 "$T_ERR")" "$T_DIR: not a regular file" \
    "directory token message"

if [ "$(id -u)" != 0 ]; then
    printf 'x' >"$T_DIR/unreadable"
    chmod 000 "$T_DIR/unreadable"
    sed -i "s|$T_DIR/empty-token|$T_DIR/unreadable|" "$cfg"
    t_run "$ROLEHOP" whoami empty-token
    t_assert_eq 1 "$T_RC" "unreadable token status"
    t_assert_file_contains "$T_ERR" "Permission denied" "unreadable token"
fi

# A malformed rolehop config: file and line; nothing else runs.
printf 'targets:\n  - name: x\n    rol_arn: arn:aws:iam::1:role/x\n' >"$T_DIR/rh/bad.yaml"
t_run "$ROLEHOP" --config "$T_DIR/rh/bad.yaml" list
t_assert_eq 2 "$T_RC" "bad rolehop config status"
t_assert_contains "$(head -n 1 "$T_ERR")" "$T_DIR/rh/bad.yaml:3:" \
    "bad rolehop config line"
t_assert_file_contains "$T_ERR" "rol_arn" "bad key named"

# An explicit --config that does not exist is an error.
t_run "$ROLEHOP" --config "$T_DIR/rh/none.yaml" list
t_assert_eq 2 "$T_RC" "missing --config status"
t_assert_file_contains "$T_ERR" "$T_DIR/rh/none.yaml" "missing --config named"

nothing_cached "after the failures"
exit 0
