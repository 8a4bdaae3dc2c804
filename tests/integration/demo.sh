#!/bin/sh
# The README's demo runs: moto seeded with four accounts, rolehop lists the
# targets and shows the identities of dev and prod; nothing is left behind.
. "${top_srcdir:-.}/tests/lib.sh"
t_init
python3 -c 'import moto.server' 2>/dev/null || t_skip "moto is not installed"
TMPDIR=$T_DIR
export TMPDIR
t_run sh "$top_srcdir/data/demo/demo.sh"
t_assert_eq 0 "$T_RC" "demo status"
t_assert_file_contains "$T_OUT" "dev     rolehop-config  web-identity ci-account-iam-role > assume-role dev-admin" \
    "demo list"
t_assert_file_contains "$T_OUT" "arn      arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" \
    "demo whoami dev"
t_assert_file_contains "$T_OUT" "arn      arn:aws:sts::444444444444:assumed-role/prod-read/xactarget" \
    "demo whoami prod"
t_assert_file_contains "$T_OUT" "prod-eu" "demo clusters --all"
left=$(ls "$T_DIR" | grep rolehop-demo || true)
t_assert_eq "" "$left" "demo removed its directory"
exit 0
