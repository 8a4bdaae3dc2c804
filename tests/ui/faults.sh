#!/bin/sh
# The interface under faults, against the fault-injecting fake STS/EKS:
# a chain whose AssumeRole never answers leaves the interface responsive
# (a spinner, keys still move the selection); a denied hop shows its error
# and hint on that hop; credentials that live 20 seconds are refreshed
# before they expire, visibly; q quits at once with a request in flight.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init

fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole", "form": {"RoleSessionName": "xactarget"}},
   "reply": "assume_role", "expires_in": 20},
  {"match": {"action": "AssumeRole", "form": {"RoleSessionName": "rolehop-stg"}},
   "reply": "error:AccessDenied:403:User is not authorized to perform: sts:AssumeRole"},
  {"match": {"action": "AssumeRole",
             "form": {"RoleArn": "arn:aws:iam::555555555555:role/from-static"}},
   "fault": "hang"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"},
  {"match": {"method": "GET", "path": "/clusters"}, "body": {"clusters": []}}
]'
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION

# No command on a terminal: the interface.
ui_start 80 24 "$ROLEHOP"
ui_wait_for "rolehop  6 targets"
ui_wait_for "assumed-role/ci-account-iam-role/rolehop-ci"

# --- static-role hangs: the interface keeps going.
ui_keys G
ui_wait_for "static-role"
ui_wait_for "assuming"
ui_keys k k k
ui_wait_for "── stg"
ui_wait_for "AccessDenied: User"
t_assert_contains "$(ui_screen | grep -F -A12 -- '── stg')" "hint:" \
    "the denied hop shows its hint"
t_assert_contains "$(ui_screen | sed -n 3,8p | grep ' static-role ')" "assuming" \
    "static-role is still in flight meanwhile"

# --- target-env's credentials live 20 s: refreshed before they expire.
ui_keys k
ui_wait_for "assumed-role/target-account-iam-role/xactarget"
ui_wait_for "target-env refreshed" 30
t_wait_for '[ "$(fake_log "len([r for r in d if r[\"form\"].get(\"RoleSessionName\") == \"xactarget\"])")" -ge 2 ]' 5 ||
    t_fail "the refresh assumed the role again"
t_assert_contains "$(ui_screen | sed -n 3,8p | grep ' target-env ')" "ready" \
    "target-env ready after the refresh"

# --- q with a request in flight quits at once.
ui_keys q
ui_wait_exit 5
t_assert_eq 0 "$UI_STATUS" "q: exit status"
exit 0
