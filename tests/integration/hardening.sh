#!/bin/sh
# Process hardening (#6): a long-lived rolehop (exec, waiting for its
# child) runs with umask 077 whatever its caller's umask (what it creates
# is private even where it sets no mode) while its child gets the caller's
# umask back, and rolehop is not dumpable
# (PR_SET_DUMPABLE 0): its /proc files (environ, mem, ...) belong to root,
# so no other process of the same user can read its memory or ptrace it.
# A non-dumpable process of root is owned by root either way, so when the
# test runs as root rolehop runs as nobody (setpriv, util-linux); a
# control process started the same way shows that owner. No network: static
# keys, --no-cache, an endpoint nobody answers. The binary itself runs
# (ROLEHOP_BIN), not the valgrind wrapper: what is checked is the process.
. "${top_srcdir:-.}/tests/lib.sh"
t_init

if [ "$(id -u)" = 0 ]; then
    uid=65534
    as_user="setpriv --reuid=$uid --regid=$uid --clear-groups"
else
    uid=$(id -u)
    as_user=
fi
setpriv_missing=
if [ -n "$as_user" ] && ! command -v setpriv >/dev/null 2>&1; then
    setpriv_missing=1
    as_user=
    uid=0
fi

# Everything the unprivileged user needs, readable by it: a 0755
# directory of 0644 files, and a home (and TMPDIR) of its own.
chmod 711 "$T_DIR" || t_error "cannot open up $T_DIR"
PUB=$T_DIR/pub
mkdir -m 755 "$PUB" || t_error "cannot create $PUB"
mkdir -m 700 "$PUB/home" || t_error "cannot create $PUB/home"
if [ "$uid" != "$(id -u)" ]; then
    chown "$uid:$uid" "$PUB/home" || t_error "cannot chown $PUB/home"
fi
printf '[profile static]\nregion = us-east-1\n' >"$PUB/config"
printf '[static]\naws_access_key_id = AKIAFAKEFAKEFAKE0001\naws_secret_access_key = fakefakefakefakefakefakefakefakefakefake\n' \
    >"$PUB/credentials"
HOME=$PUB/home
XDG_CONFIG_HOME=$HOME/.config
XDG_CACHE_HOME=$HOME/.cache
XDG_DATA_HOME=$HOME/.local/share
XDG_STATE_HOME=$HOME/.local/state
TMPDIR=$HOME
AWS_CONFIG_FILE=$PUB/config
AWS_SHARED_CREDENTIALS_FILE=$PUB/credentials
AWS_ENDPOINT_URL=http://127.0.0.1:1
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME \
    TMPDIR AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL

# start CMD...: CMD in the background as the user, under umask 000; sets
# PID (the process itself: the subshell execs setpriv, which execs CMD).
start() {
    # shellcheck disable=SC2086 # $as_user is deliberately split
    (umask 000 && exec $as_user "$@") >>"$T_DIR/bg.out" 2>>"$T_DIR/bg.err" \
        </dev/null &
    PID=$!
    t_cleanup_add "t_stop_pid $PID"
}

# The first child of PID, if it has one.
child_of() {
    ps -o pid= --ppid "$1" 2>/dev/null | awk 'NR == 1 { print $1 }'
}

# rolehop exec: it waits for sleep, its child.
start "$ROLEHOP_BIN" --no-cache exec static -- sleep 60
rh=$PID
# shellcheck disable=SC2016 # expanded by t_wait_for
t_wait_for '[ -n "$(child_of "$rh")" ]' 20 ||
    t_fail "rolehop exec did not start its child: $(cat "$T_DIR/bg.err")"
t_assert_eq rolehop "$(cat "/proc/$rh/comm")" "the process checked is rolehop"
t_assert_eq "$uid" "$(awk '$1 == "Uid:" { print $2 }' "/proc/$rh/status")" \
    "rolehop's uid"
t_assert_eq 0077 "$(sed -n 's/^Umask:[[:space:]]*//p' "/proc/$rh/status")" \
    "rolehop's umask (its caller's is 000)"
# What the operator runs as the target creates files as usual: the child
# gets the caller's umask back.
t_assert_eq 0000 \
    "$(sed -n 's/^Umask:[[:space:]]*//p' "/proc/$(child_of "$rh")/status")" \
    "the umask of rolehop's child (its caller's)"

if [ -n "$setpriv_missing" ]; then
    t_skip "setpriv (util-linux) is not installed: cannot run rolehop as an unprivileged user to see that it is not dumpable"
fi
# Not dumpable: its /proc files belong to root.
t_assert_eq 0 "$(stat -c %u "/proc/$rh/environ")" \
    "owner of a non-dumpable rolehop's /proc/PID/environ"
t_assert_eq 0 "$(stat -c %u "/proc/$rh/mem")" \
    "owner of a non-dumpable rolehop's /proc/PID/mem"
# Its child is an ordinary process again (execve resets the flag).
kid=$(child_of "$rh")
t_assert_eq "$uid" "$(stat -c %u "/proc/$kid/environ")" \
    "owner of the /proc files of rolehop's child"
t_stop_pid "$rh"

# The control: sleep started the same way is owned by the user.
start sleep 60
ctl=$PID
# shellcheck disable=SC2016 # expanded by t_wait_for
t_wait_for '[ "$(cat "/proc/$ctl/comm")" = sleep ]' 10 ||
    t_error "the control process did not start"
t_assert_eq "$uid" "$(stat -c %u "/proc/$ctl/environ")" \
    "owner of an ordinary process's /proc/PID/environ"
t_stop_pid "$ctl"
exit 0
