#!/bin/sh
# The interface's terminal handling, with the real binary in tmux: the
# 80x24 layout (title and target header compared exactly, the clock and
# countdowns masked); resizing while it runs (40x12 re-laid out, 39x11 a
# "too small" notice naming the size, 100x30 the full screen again, keys
# still answered); NO_COLOR (no colour codes on the screen, which has them
# otherwise); the C locale (ASCII line drawing, UTF-8 glyphs in C.UTF-8);
# leaving by q, Ctrl-C, SIGTERM and after Ctrl-Z and fg, each time with the
# terminal as it was before (stty -a) and the normal screen back; the same
# terminal for a shell opened from the interface and while rolehop is
# stopped; the `eval "$(rolehop ui)"` shape (the interface on /dev/tty,
# only env statements on stdout); and refusing to start without a terminal.
#
# rolehop runs as a job of its own in its own process group, in the
# foreground, as an interactive shell would run it: the wrapper
# $T_DIR/wrap.sh is a `set -m` sh, so Ctrl-C and Ctrl-Z reach rolehop only
# and the wrapper sees a stop (status 148) and can fg the job. Exit
# statuses rolehop gives: q 0, Ctrl-C 130, SIGTERM 143.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/lib.sh"
t_init
command -v tmux >/dev/null 2>&1 || t_skip "tmux is not installed"
command -v stty >/dev/null 2>&1 || t_skip "stty is not installed"
moto_start

# --- The scenario: the demo's (data/demo/demo.sh), in $T_DIR. ---------------

python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" ||
    t_error "seeding moto's clusters failed"
python3 -c '
import base64, json, time
def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def part(o):
    return b64(json.dumps(o, separators=(",", ":")).encode())
print(part({"alg": "RS256", "kid": "x"}) + "." + part({
    "iss": "https://oidc.eks.us-east-1.amazonaws.com/id/TERMINAL",
    "sub": "system:serviceaccount:ci:rolehop",
    "aud": ["sts.amazonaws.com"],
    "exp": int(time.time()) + 86400}) + "." + b64(b"fake-signature"))
' >"$T_DIR/token" || t_error "cannot write the token"
AWS_CONFIG_FILE=$T_DIR/aws-config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/aws-credentials
ROLEHOP_CONFIG=$T_DIR/rolehop.yaml
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE ROLEHOP_CONFIG
cat >"$AWS_CONFIG_FILE" <<EOF
[profile ci-env]
role_arn = arn:aws:iam::111111111111:role/ci-account-iam-role
web_identity_token_file = $T_DIR/token
role_session_name = rolehop-ci
region = us-east-1
EOF
: >"$AWS_SHARED_CREDENTIALS_FILE"
cat >"$ROLEHOP_CONFIG" <<'EOF'
regions: [us-east-1, eu-west-1]
targets:
  - name: dev
    role_arn: arn:aws:iam::222222222222:role/dev-admin
    source: ci-env
    session_name: xactarget
    color: green
  - name: stg
    role_arn: arn:aws:iam::333333333333:role/stg-admin
    source: ci-env
    session_name: xactarget
    color: yellow
  - name: prod
    role_arn: arn:aws:iam::444444444444:role/prod-read
    source: ci-env
    session_name: xactarget
    confirm: true
    color: red
EOF

# --- The wrapper tmux runs. -------------------------------------------------
#
# wrap.sh DIR CMD [ARG...]: run CMD as a foreground job of its own (set -m)
# and record in DIR: stty.before (stty -a before CMD starts), pid (CMD's:
# the sh -c that writes it execs CMD), on each stop of CMD stty.stopped and
# stopped (the count of stops so far; then it waits for the file DIR/fg
# and resumes CMD with fg), stty.after (once CMD has ended) and status.
# Then it prints a marker and exits with CMD's status.
cat >"$T_DIR/wrap.sh" <<'EOF'
dir=$1
shift
set -m
stty -a >"$dir/stty.before" 2>&1
sh -c 'echo $$ >"$0/pid"; exec "$@"' "$dir" "$@"
rc=$?
stops=0
while [ "$rc" -eq 148 ]; do
    stops=$((stops + 1))
    stty -a >"$dir/stty.stopped" 2>&1
    echo "$stops" >"$dir/stopped"
    i=0
    while [ ! -e "$dir/fg" ] && [ "$i" -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    rm -f "$dir/fg"
    fg >/dev/null
    rc=$?
done
stty -a >"$dir/stty.after" 2>&1
echo "$rc" >"$dir/status"
echo "[wrap: exit status $rc]"
exit "$rc"
EOF

RUN=
# run NAME COLS ROWS CMD [ARG...]: a fresh tmux server running CMD in
# wrap.sh, with $RUN the wrapper's record directory.
run() {
    ui_stop
    RUN=$T_DIR/run-$1
    mkdir "$RUN" || t_error "cannot create $RUN"
    run_cols=$2
    run_rows=$3
    shift 3
    ui_start "$run_cols" "$run_rows" sh "$T_DIR/wrap.sh" "$RUN" "$@"
}

# The rolehop process of the current run.
rolehop_pid() {
    t_wait_for '[ -s "$RUN/pid" ]' 10 || t_fail "wrap.sh wrote no pid"
    cat "$RUN/pid"
}

# stty -a FILE, one setting a line ("min = 1", "-icanon"), without the
# window size (it changes when the test resizes).
stty_settings() {
    awk '{
        if (index($0, "=")) {
            n = split($0, a, ";")
            for (i = 1; i <= n; i++) {
                gsub(/^ +| +$/, "", a[i])
                if (a[i] != "" && a[i] !~ /^(rows|columns) /)
                    print a[i]
            }
        } else {
            for (i = 1; i <= NF; i++)
                print $i
        }
    }' "$1"
}

# same_tty WHAT FILE: FILE (stty -a) has the settings of stty.before.
same_tty() {
    stty_settings "$RUN/stty.before" >"$RUN/settings.before"
    stty_settings "$2" >"$RUN/settings.now"
    if ! cmp -s "$RUN/settings.before" "$RUN/settings.now"; then
        t_fail "$1: the terminal's settings changed: before [$(grep -vxF \
            -f "$RUN/settings.now" "$RUN/settings.before" | tr '\n' ' ')]," \
            "now [$(grep -vxF -f "$RUN/settings.before" "$RUN/settings.now" |
                tr '\n' ' ')]"
    fi
    for setting in icanon echo; do
        grep -qx "$setting" "$RUN/settings.now" ||
            t_fail "$1: stty -a does not show $setting"
    done
}

# sane WHAT: after the run, the terminal is as before it (stty -a; icanon
# and echo on), the normal screen is back and the wrapper's marker on it.
sane() {
    t_wait_for '[ -s "$RUN/stty.after" ]' 10 || t_fail "$1: no stty.after"
    same_tty "$1" "$RUN/stty.after"
    ui_wait_for "[wrap: exit status $UI_STATUS]" 5
    t_assert_eq 0 "$(ui_tmux display -p '#{alternate_on}')" \
        "$1: the normal screen after (alternate screen off)"
}

# wait_lines RANGE EXPECTED WHAT: poll (10 s at most) until the lines RANGE
# (sed, e.g. 1,7) of ui_masked are EXPECTED; fail showing them otherwise.
wait_lines() {
    wl_range=$1
    wl_want=$2
    t_wait_for '[ "$(ui_masked | sed -n "${wl_range}p")" = "$wl_want" ]' 10 ||
        t_assert_eq "$wl_want" "$(ui_masked | sed -n "${wl_range}p")" "$3"
}

# SGR colour parameters (30-37, 38, 40-47, 48, 90-97, 100-107) in the
# screen as tmux renders it with attributes.
colour_codes() {
    ui_tmux capture-pane -e -p | python3 -c '
import re, sys
n = 0
for m in re.finditer(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in m.group(1).replace(":", ";").split(";"):
        if p and (30 <= int(p) <= 38 or 40 <= int(p) <= 48
                  or 90 <= int(p) <= 97 or 100 <= int(p) <= 107):
            n += 1
print(n)'
}

# --- 80x24, C.UTF-8, colours: the main screen. ------------------------------

run main 80 24 "$ROLEHOP" ui
ui_wait_for "rolehop  4 targets" 20
ui_wait_for "arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" 20
ui_wait_for "dev-main"
ui_wait_for "dev-eu"
t_assert_eq 1 "$(ui_tmux display -p '#{alternate_on}')" \
    "main: curses is on the alternate screen"
main=$(cat <<'EOF'
 rolehop  4 targets                                                HH:MM:SS UTC
   NAME    ACCOUNT       REGION     ROOT          STATE         EXPIRES
 ▶ dev     222222222222  us-east-1  web-identity  ready           MM:SS
   stg     333333333333  us-east-1  web-identity  idle                -
   prod    444444444444  us-east-1  web-identity  idle                -
   ci-env  111111111111  us-east-1  web-identity  idle                -
── dev  rolehop-config  region us-east-1 ───────────────────────────────────────
EOF
)
wait_lines 1,7 "$main" "main: 80x24 title, targets, rule"
screen=$(ui_screen)
t_assert_contains "$screen" "1 web-identity  arn:aws:iam::111111111111:role/ci-account-iam-role" \
    "main: the chain's first hop"
t_assert_contains "$screen" "2 assume-role   arn:aws:iam::222222222222:role/dev-admin" \
    "main: the chain's second hop"
t_assert_contains "$screen" "└─ arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" \
    "main: UTF-8 tree glyph"
t_assert_contains "$(ui_screen | sed -n 24p)" "? help  q quit" "main: the key bar"
n=$(colour_codes)
[ "$n" -gt 0 ] || t_fail "main: no colour codes on the screen with colours on"

# --- Resizing while it runs. ------------------------------------------------

ui_resize 40 12
ui_wait_for "   NAME    STATE         EXPIRES"
expected=$(cat <<'EOF'
 rolehop  4 targets        HH:MM:SS UTC
   NAME    STATE         EXPIRES
 ▶ dev     ready           MM:SS
EOF
)
wait_lines 1,3 "$expected" "40x12: title and targets re-laid out"
t_assert_contains "$(ui_screen | sed -n 12p)" "? help  q quit" "40x12: the key bar"

ui_resize 39 11
ui_wait_for "(now 39x11)"
ui_wait_for "rolehop needs at least 40x12"
ui_wait_gone "? help"
t_pid_alive "$(rolehop_pid)" || t_fail "39x11: rolehop is gone"

ui_resize 100 30
ui_wait_for "   NAME    ACCOUNT       REGION     ROOT          STATE         EXPIRES"
ui_wait_gone "(now 39x11)"
title=$(ui_masked | sed -n 1p)
t_assert_eq " rolehop  4 targets" "$(printf '%s' "$title" | sed 's/  *HH:MM:SS UTC$//')" \
    "100x30: the title, the clock at its end"
t_assert_eq 99 "${#title}" "100x30: the title spans the width (as at 80x24: 79)"
ui_wait_for "us-east-1  dev-main  1.31"
t_assert_contains "$(ui_screen | sed -n 30p)" "? help  q quit" "100x30: the key bar"
t_pid_alive "$(rolehop_pid)" || t_fail "100x30: rolehop is gone"

# Keys still work: ? opens the help, any key closes it.
ui_keys '?'
ui_wait_for "any key back"
ui_wait_for "Q             quit and print env statements for the selected target"
ui_keys x
ui_wait_gone "any key back"
ui_wait_for "   NAME    ACCOUNT       REGION     ROOT"

# --- q: status 0, the terminal as it was. -----------------------------------

ui_keys q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "q: exit status"
sane q

# --- NO_COLOR: it works, without a colour code; Ctrl-C. ---------------------

run nocolor 80 24 env NO_COLOR=1 "$ROLEHOP" ui
ui_wait_for "rolehop  4 targets" 20
ui_wait_for "dev-main"
t_assert_eq 0 "$(colour_codes)" "NO_COLOR: colour codes on the screen"
ui_keys '?'
ui_wait_for "any key back"
t_assert_eq 0 "$(colour_codes)" "NO_COLOR: colour codes in the help"
ui_keys x
ui_wait_gone "any key back"
ui_wait_for "dev-main"

ui_keys C-c
ui_wait_exit
t_assert_eq 130 "$UI_STATUS" "Ctrl-C: exit status (128 + SIGINT)"
sane Ctrl-C

# --- The C locale: ASCII line drawing; SIGTERM. -----------------------------

run clocale 80 24 env LC_ALL=C "$ROLEHOP" ui
ui_wait_for "rolehop  4 targets" 20
ui_wait_for "arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" 20
ui_wait_for "dev-main"
# The same lines as in C.UTF-8, with ASCII for the arrow and the rule.
wait_lines 1,7 "$(printf '%s\n' "$main" | sed 's/▶/>/; s/─/-/g')" \
    "C locale: 80x24 title, targets, rule in ASCII"
screen=$(ui_screen)
t_assert_contains "$screen" "\`- arn:aws:sts::222222222222:assumed-role/dev-admin/xactarget" \
    "C locale: the ASCII tree"
for glyph in '─' '▶' '└' '…'; do
    t_assert_not_contains "$screen" "$glyph" "C locale: no UTF-8 glyph"
done
if printf '%s\n' "$screen" | LC_ALL=C grep -q '[^ -~]'; then
    t_fail "C locale: a byte outside printable ASCII on the screen"
fi

kill -TERM "$(rolehop_pid)"
ui_wait_exit
t_assert_eq 143 "$UI_STATUS" "SIGTERM: exit status (128 + SIGTERM)"
sane SIGTERM

# --- A shell from the interface (Enter) gets the terminal as it was, on the
# normal screen; then Ctrl-Z: the shell's screen and the same terminal
# while rolehop is stopped; fg: the interface again, redrawn; q. ---------

cat >"$T_DIR/rec-shell" <<EOF
#!/bin/sh
stty -a >"$T_DIR/stty.shell" 2>&1
echo "rec-shell: waiting"
i=0
while [ ! -e "$T_DIR/rec-shell.go" ] && [ "\$i" -lt 600 ]; do
    sleep 0.1
    i=\$((i + 1))
done
exit 0
EOF
chmod +x "$T_DIR/rec-shell"
run stop 80 24 env SHELL="$T_DIR/rec-shell" "$ROLEHOP" ui
ui_wait_for "rolehop  4 targets" 20
ui_wait_for "dev-main"
ui_keys Enter
ui_wait_for "rec-shell: waiting"
t_assert_eq 0 "$(ui_tmux display -p '#{alternate_on}')" \
    "shell: on the normal screen (alternate screen off)"
same_tty "shell" "$T_DIR/stty.shell"
touch "$T_DIR/rec-shell.go"
ui_wait_for "back from the shell as dev (exit 0)"
wait_lines 1,7 "$main" "shell: the whole screen redrawn afterwards"

ui_keys C-z
t_wait_for '[ -s "$RUN/stopped" ]' 10 || t_fail "Ctrl-Z: the shell did not see rolehop stop"
t_assert_eq 1 "$(cat "$RUN/stopped")" "Ctrl-Z: stopped once"
ui_wait_gone "rolehop  4 targets" 5
t_assert_eq 0 "$(ui_tmux display -p '#{alternate_on}')" \
    "Ctrl-Z: the normal screen while stopped (alternate screen off)"
same_tty "Ctrl-Z, while stopped" "$RUN/stty.stopped"
touch "$RUN/fg"
ui_wait_for "rolehop  4 targets"
ui_wait_for "dev-main"
t_assert_eq 1 "$(ui_tmux display -p '#{alternate_on}')" \
    "fg: the alternate screen again"
wait_lines 1,7 "$main" "fg: the whole screen redrawn"
ui_keys '?'
ui_wait_for "any key back"
ui_keys x
ui_wait_gone "any key back"
ui_keys q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "q after fg: exit status"
sane "q after fg"

# --- eval "$(rolehop ui)": stdout is not the terminal. ----------------------

run eval 80 24 sh -c 'exec "$0" ui >"$1"' "$ROLEHOP" "$T_DIR/env.out"
ui_wait_for "rolehop  4 targets" 20
ui_keys g
wait_lines 3 " ▶ dev     222222222222  us-east-1  web-identity  ready           MM:SS" \
    "eval: dev selected, ready, its countdown shown"
t_assert_eq "" "$(cat "$T_DIR/env.out")" "eval: nothing on stdout while the interface runs"
ui_keys Q
ui_wait_exit
t_assert_eq 0 "$UI_STATUS" "Q: exit status"
sane Q
t_assert_file_contains "$T_DIR/env.out" "export AWS_ACCESS_KEY_ID=" "eval: the keys"
t_assert_file_contains "$T_DIR/env.out" "export AWS_SESSION_TOKEN=" "eval: the session token"
t_assert_file_contains "$T_DIR/env.out" "export ROLEHOP_TARGET='dev';" "eval: the target"
if LC_ALL=C grep -q "$(printf '\033')" "$T_DIR/env.out"; then
    t_fail "eval: an escape sequence on stdout"
fi
t_run sh -c '. "$1" && printf "%s %s\n" "$ROLEHOP_TARGET" "$ROLEHOP_ACCOUNT"' sh "$T_DIR/env.out"
t_assert_eq 0 "$T_RC" "eval: the statements run in sh"
t_assert_eq "dev 222222222222" "$(cat "$T_OUT")" "eval: what they set"
ui_stop

# --- No terminal on stdin (no tmux). ----------------------------------------

t_run "$ROLEHOP" ui
t_assert_eq 2 "$T_RC" "ui without a terminal: exit status"
t_assert_file_contains "$T_ERR" \
    "rolehop: the interface needs a terminal, and standard input is not one" \
    "ui without a terminal: the message"
t_assert_eq "" "$(cat "$T_OUT")" "ui without a terminal: nothing on stdout"
t_run "$ROLEHOP"
t_assert_eq 2 "$T_RC" "no command without a terminal: exit status"
t_assert_file_contains "$T_ERR" "usage: rolehop [OPTIONS] COMMAND [ARGS]" \
    "no command without a terminal: the usage"
t_assert_file_contains "$T_ERR" "  ui " "no command without a terminal: ui listed"
t_assert_eq "" "$(cat "$T_OUT")" "no command without a terminal: nothing on stdout"

