# shellcheck shell=sh
#
# tests/ui/lib.sh: drive the real rolehop inside a private tmux server.
#
# Source it after tests/lib.sh (and tests/integration/lib.sh for moto) and
# t_init. Everything about the terminal is pinned: size, TERM, locale,
# TZ, ESCDELAY; colour is on unless the test sets NO_COLOR.
#
#   ui_start COLS ROWS CMD [ARG...]  skip (77) without tmux; start a
#                    private server (-L, its socket in $T_DIR) with one
#                    detached session of that size running CMD in the
#                    test's environment; its exit status goes to
#                    $T_DIR/ui.status when it ends. A cleanup kills the
#                    server.
#   ui_keys KEY...   tmux send-keys (key names such as Enter, Down, C-c).
#   ui_type TEXT     send TEXT literally.
#   ui_screen        the screen as text, trailing blanks trimmed.
#   ui_wait_for TEXT [SECONDS]  poll (every 0.1 s, 15 s by default) until
#                    the screen contains TEXT (a fixed string); fail with
#                    the screen otherwise.
#   ui_wait_gone TEXT [SECONDS] the same until TEXT is gone.
#   ui_wait_exit [SECONDS]      until CMD has ended; sets UI_STATUS.
#   ui_resize COLS ROWS          resize the window.
#   ui_masked        ui_screen with countdowns (59:58, 1h02m, 4m05s) shown
#                    as MM:SS and the clock (12:00:00) as HH:MM:SS.
#   ui_tmux ARG...   any other tmux command on this test's server, e.g.
#                    ui_tmux display -p '#{alternate_on}', capture-pane -e -p.
#   ui_stop          kill the server and wait (5 s at most) until it is
#                    gone, so that the next ui_start gets a fresh server
#                    (the environment of that moment) with one session.

UI_SOCK=
UI_STATUS=

t__ui_tmux() {
    tmux -S "$UI_SOCK" "$@"
}

ui_start() {
    command -v tmux >/dev/null 2>&1 || t_skip "tmux is not installed"
    ui__cols=$1
    ui__rows=$2
    shift 2
    UI_SOCK=$T_DIR/tmux.sock
    # The command line, quoted for the shell tmux runs it with.
    ui__cmd=
    for ui__a in "$@"; do
        ui__cmd="$ui__cmd '$(printf '%s' "$ui__a" | sed "s/'/'\\\\''/g")'"
    done
    # tmux runs its own shell (tmux.conf); the command gets the test's
    # SHELL back.
    printf '#!/bin/sh\nSHELL=%s; export SHELL\n%s\necho $? >"%s/ui.status"\n' \
        "'${SHELL:-/bin/sh}'" "$ui__cmd" "$T_DIR" >"$T_DIR/ui.sh"
    rm -f "$T_DIR/ui.status"
    TERM=xterm ESCDELAY=25 LC_ALL=${LC_ALL:-C.UTF-8} TZ=UTC \
        tmux -S "$UI_SOCK" -f "$top_srcdir/tests/ui/tmux.conf" \
        new-session -d -x "$ui__cols" -y "$ui__rows" \
        "sh '$T_DIR/ui.sh'; sleep 600" ||
        t_error "tmux did not start"
    t_cleanup_add 't__ui_tmux kill-server 2>/dev/null'
}

ui_keys() {
    t__ui_tmux send-keys "$@"
}

ui_type() {
    t__ui_tmux send-keys -l "$1"
}

ui_screen() {
    t__ui_tmux capture-pane -p | sed 's/ *$//'
}

ui_masked() {
    ui_screen | sed -E 's/[0-9]+h[0-9]{2}m/MM:SS/g; s/[0-9]+m[0-9]{2}s/MM:SS/g;
        s/[0-9]{2}:[0-9]{2}:[0-9]{2}/HH:MM:SS/g; s/\b[0-9]{1,2}:[0-9]{2}\b/MM:SS/g'
}

t__ui_has() {
    ui_screen | grep -F -q -- "$1"
}

ui_wait_for() {
    ui__want=$1
    t_wait_for 't__ui_has "$ui__want"' "${2:-15}" && return 0
    printf '%s\n' "--- screen:" >&2
    ui_screen >&2
    t_fail "the screen never showed: $1"
}

ui_wait_gone() {
    ui__want=$1
    t_wait_for '! t__ui_has "$ui__want"' "${2:-15}" && return 0
    printf '%s\n' "--- screen:" >&2
    ui_screen >&2
    t_fail "the screen still shows: $1"
}

ui_wait_exit() {
    t_wait_for '[ -s "$T_DIR/ui.status" ]' "${1:-15}" ||
        t_fail "rolehop did not exit"
    UI_STATUS=$(cat "$T_DIR/ui.status")
}

ui_resize() {
    t__ui_tmux resize-window -x "$1" -y "$2"
}

ui_tmux() {
    t__ui_tmux "$@"
}

ui_stop() {
    ui__spid=$(t__ui_tmux display -p '#{pid}' 2>/dev/null) || return 0
    t__ui_tmux kill-server 2>/dev/null
    t_wait_for "! t_pid_alive $ui__spid" 5 ||
        t_error "the tmux server $ui__spid did not go away"
}
