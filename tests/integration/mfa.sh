#!/bin/sh
# mfa_serial: the code is read from the terminal (/dev/tty) and sent with
# AssumeRole; the session is then cached, so a later non-interactive call
# (creds) needs no code; without a terminal and no cached session, creds
# fails fast with a hint instead of prompting.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
fake_start '[
 {"match": {"action": "AssumeRole", "form": {"SerialNumber": "arn:aws:iam::111111111111:mfa/op", "TokenCode": "123456"}},
  "reply": "assume_role"},
 {"match": {"action": "AssumeRole"}, "reply": "error:AccessDenied:403:MultiFactorAuthentication failed"},
 {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<CFG
[profile base]
region = us-east-1

[profile mfa]
role_arn = arn:aws:iam::222222222222:role/needs-mfa
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/op
role_session_name = op
region = us-east-1
CFG
cat >"$HOME/.aws/credentials" <<CFG
[base]
aws_access_key_id = AKIAFAKEFAKEFAKE0010
aws_secret_access_key = base-secret
CFG
AWS_ENDPOINT_URL=$FAKE_URL
export AWS_ENDPOINT_URL

# No terminal: creds must not prompt.
t_run setsid "$ROLEHOP" creds mfa
t_assert_eq 2 "$T_RC" "creds without a terminal"
t_assert_file_contains "$T_ERR" "an MFA code is needed for arn:aws:iam::111111111111:mfa/op" \
    "MFA needed message"
t_assert_file_contains "$T_ERR" "hint: run rolehop whoami mfa on a terminal" "MFA hint"
t_assert_eq 0 "$(fake_count AssumeRole)" "nothing sent"

# On a terminal (a pty), whoami prompts and sends the code.
cat >"$T_DIR/tty_driver.py" <<'PY'
import os, pty, sys, select, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "whoami", "mfa"])
out = b""
deadline = time.time() + 30
sent = False
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and b"Enter MFA code for arn:aws:iam::111111111111:mfa/op: " in out:
        os.write(fd, b"123456\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
t_run python3 "$T_DIR/tty_driver.py" "$ROLEHOP"
t_assert_eq 0 "$T_RC" "whoami with an MFA code"
t_assert_file_contains "$T_OUT" "arn:aws:sts::222222222222:assumed-role/needs-mfa/op" \
    "identity after MFA"

# The session is cached: creds works without a terminal now.
t_run setsid "$ROLEHOP" creds mfa
t_assert_eq 0 "$T_RC" "creds from the cached MFA session"
t_assert_eq 1 "$(fake_count AssumeRole)" "no second AssumeRole"
exit 0
