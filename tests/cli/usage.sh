#!/bin/sh
# Usage errors exit 2 with one "rolehop:" line and a hint; --help and
# --version exit 0 on stdout.
. "${top_srcdir:-.}/tests/lib.sh"
t_init

t_run "$ROLEHOP" --help
t_assert_eq 0 "$T_RC" "--help status"
t_assert_file_contains "$T_OUT" "usage: rolehop" "--help text"
t_assert_file_contains "$T_OUT" "whoami TARGET" "--help lists commands"
t_assert_file_contains "$T_OUT" "doctor [TARGET...] [--json]" "--help lists doctor"
t_assert_file_contains "$T_OUT" "policy TARGET [--json]" "--help lists policy"

t_run "$ROLEHOP" --version
t_assert_eq 0 "$T_RC" "--version status"
t_assert_contains "$(cat "$T_OUT")" "rolehop " "--version output"

t_run "$ROLEHOP" frobnicate
t_assert_eq 2 "$T_RC" "unknown command status"
t_assert_eq "rolehop: unknown command 'frobnicate'" "$(head -n 1 "$T_ERR")" \
    "unknown command message"
t_assert_contains "$(sed -n 2p "$T_ERR")" "hint:" "hint line"

t_run "$ROLEHOP" --bogus list
t_assert_eq 2 "$T_RC" "unknown option status"
t_assert_file_contains "$T_ERR" "unknown option '--bogus'" "unknown option"

t_run "$ROLEHOP" whoami
t_assert_eq 2 "$T_RC" "missing target status"
t_assert_file_contains "$T_ERR" "whoami needs a TARGET" "missing target"

t_run "$ROLEHOP" policy
t_assert_eq 2 "$T_RC" "policy without target status"
t_assert_file_contains "$T_ERR" "policy needs a TARGET" "policy usage"

t_run "$ROLEHOP" whoami a b
t_assert_eq 2 "$T_RC" "two targets status"

t_run "$ROLEHOP" creds x --json
t_assert_eq 2 "$T_RC" "creds has no --json"

t_run "$ROLEHOP" env x --format csh
t_assert_eq 2 "$T_RC" "bad --format"
t_assert_file_contains "$T_ERR" "--format is sh, fish or json" "bad format"

t_run "$ROLEHOP" exec x
t_assert_eq 2 "$T_RC" "exec without command"
t_assert_file_contains "$T_ERR" "exec needs -- CMD" "exec usage"

t_run "$ROLEHOP" --config
t_assert_eq 2 "$T_RC" "--config without value"

# no command and no terminal: usage on stderr, status 2
t_run "$ROLEHOP"
t_assert_eq 2 "$T_RC" "no command"
t_assert_file_contains "$T_ERR" "usage: rolehop" "no command shows usage"

# unknown target: a usage error naming it
mkdir -p "$HOME/.aws"
printf '[profile a]\nregion = us-east-1\n' >"$HOME/.aws/config"
t_run "$ROLEHOP" whoami nope
t_assert_eq 2 "$T_RC" "unknown target status"
t_assert_eq "rolehop: unknown target 'nope'" "$(head -n 1 "$T_ERR")" \
    "unknown target message"
exit 0
