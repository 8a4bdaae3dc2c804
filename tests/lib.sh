# shellcheck shell=sh
#
# tests/lib.sh: shared helpers for rolehop's script tests (POSIX sh).
#
# automake runs tests/cli/*.sh and tests/integration/*.sh with $(SHELL)
# (/bin/sh) and this environment: ROLEHOP (absolute path of the binary),
# top_srcdir, top_builddir, TESTDATA, LC_ALL=C.UTF-8, TZ=UTC. Exit status
# 0 = pass, 77 = skip, 99 = hard error, anything else = fail.
#
# Usage, at the top of a test script:
#
#     #!/bin/sh
#     . "${top_srcdir:-.}/tests/lib.sh"
#     t_init
#     t_run "$ROLEHOP" whoami --json
#     t_assert_eq 0 "$T_RC" "whoami exit status"
#     t_assert_eq 111111111111 "$(t_json 'd["identity"]["account"]' "$T_OUT")" \
#         "account"
#
# Run by hand from the build directory with, e.g.,
#     top_srcdir=. sh tests/cli/usage.sh        (ROLEHOP defaults to ./rolehop)
# and T_KEEP=1 to keep the scratch directory for a look afterwards.
#
# What it provides:
#
#   t_init             scratch directory $T_DIR (mktemp -d in ${TMPDIR:-/tmp});
#                      HOME=$T_DIR/home, XDG_CONFIG_HOME, XDG_CACHE_HOME,
#                      XDG_DATA_HOME, XDG_STATE_HOME under it; XDG_RUNTIME_DIR
#                      unset (tests set it when needed); every inherited
#                      AWS_* and MOTO_* variable unset, then
#                      AWS_EC2_METADATA_DISABLED=true so that nothing (rolehop
#                      or the AWS CLI) ever probes the non-loopback IMDS
#                      address (a test of IMDS unsets it and sets
#                      AWS_EC2_METADATA_SERVICE_ENDPOINT to a local fake);
#                      KUBECONFIG, KUBERNETES_EXEC_INFO, ROLEHOP_CONFIG,
#                      NO_COLOR, COLUMNS, LINES and the proxy variables unset;
#                      LC_ALL=C.UTF-8, TZ=UTC, umask 022; an EXIT trap that
#                      runs the registered cleanups (last registered first)
#                      and removes $T_DIR. INT, TERM and HUP exit through the
#                      same trap.
#   t_cleanup_add CMD  register CMD (a string, run with eval in the test's
#                      shell at exit; $T_EXIT_STATUS holds the exit status).
#   t_fail MSG         print "FAIL: MSG" (and the last t_run's command, status,
#                      stdout and stderr) on stderr; exit 1.
#   t_skip MSG         print "SKIP: MSG" on stderr; exit 77.
#   t_error MSG        print "ERROR: MSG" on stderr; exit 99 (the test
#                      machinery itself broke, e.g. moto did not start).
#   t_assert_eq EXPECTED ACTUAL WHAT
#   t_assert_contains HAYSTACK NEEDLE WHAT       literal substring match
#   t_assert_not_contains HAYSTACK NEEDLE WHAT
#   t_assert_file_contains FILE NEEDLE WHAT      same, on a file's content
#   t_assert_file_not_contains FILE NEEDLE WHAT
#   t_run CMD [ARG...] run CMD with stdin from /dev/null, stdout to the file
#                      $T_OUT, stderr to the file $T_ERR, status in $T_RC;
#                      never aborts the script, even under set -e. An
#                      external command is killed after $T_RUN_TIMEOUT
#                      seconds (default 120; status 124 then).
#   t_run_stdin FILE CMD [ARG...]   the same with stdin from FILE.
#   t_wait_for CMD TIMEOUT_S        poll every 0.1 s until the string CMD
#                      (run with eval, output discarded unless CMD redirects
#                      it itself) succeeds: return 0; return 1 once at least
#                      TIMEOUT_S (an integer) seconds have passed.
#   t_json EXPR [FILE] parse FILE (default or "-": stdin) as JSON into the
#                      Python variable d and print the Python expression EXPR:
#                      a string as is, anything else as JSON (true, null,
#                      [1, 2], ...). Exit 1 with a message on bad JSON or a
#                      failing expression.
#   t_jsonl EXPR [FILE] the same for a JSON-lines file: d is the list of lines.
#   t_sha FILE         sha256 of FILE's content, or "absent" if there is no
#                      such file (for "nothing written" checks).
#   t_free_port        a free loopback TCP port (bound to 127.0.0.1:0, closed).
#   t_pid_alive PID    true if PID exists and is not a zombie.
#   t_stop_pid PID     TERM the process PID (one the test started), KILL it
#                      after 5 s, and reap it.
#
# Variables set: T_DIR, T_OUT, T_ERR, T_RC, T_CMD; defaults for top_srcdir
# (.), top_builddir ($top_srcdir), ROLEHOP ($top_builddir/rolehop) and
# TESTDATA ($top_srcdir/tests/data) when the test runs outside automake.
#
# The helpers work with and without set -e and set -u. Names starting with
# t__ are private.

: "${top_srcdir:=.}"
: "${top_builddir:=$top_srcdir}"
: "${ROLEHOP:=$top_builddir/rolehop}"
# The binary itself: what rolehop names as itself in the files it writes
# (differs from ROLEHOP when that is a wrapper, as under check-valgrind).
: "${ROLEHOP_BIN:=$ROLEHOP}"
: "${TESTDATA:=$top_srcdir/tests/data}"
export top_srcdir top_builddir ROLEHOP ROLEHOP_BIN TESTDATA

T_DIR=
T_OUT=
T_ERR=
T_RC=
T_CMD=
T_EXIT_STATUS=
t__ncleanup=0

# Set up the scratch directory, a clean environment and the exit trap.
t_init() {
    LC_ALL=C.UTF-8
    TZ=UTC
    export LC_ALL TZ
    umask 022

    # Everything rolehop, the AWS CLI, kubectl, curl or moto would pick up
    # from the developer's own environment.
    for t__v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p;
                                s/^\(MOTO_[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$t__v"
    done
    unset KUBECONFIG KUBERNETES_EXEC_INFO ROLEHOP_CONFIG NO_COLOR \
        COLUMNS LINES XDG_RUNTIME_DIR \
        HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy \
        NO_PROXY no_proxy
    AWS_EC2_METADATA_DISABLED=true
    export AWS_EC2_METADATA_DISABLED

    T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rolehop-test.XXXXXX") ||
        t_error "mktemp -d failed"
    trap 't__on_exit' EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM

    HOME=$T_DIR/home
    XDG_CONFIG_HOME=$HOME/.config
    XDG_CACHE_HOME=$HOME/.cache
    XDG_DATA_HOME=$HOME/.local/share
    XDG_STATE_HOME=$HOME/.local/state
    export HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME
    mkdir "$HOME" || t_error "cannot create $HOME"

    T_OUT=$T_DIR/t_run.stdout
    T_ERR=$T_DIR/t_run.stderr
    T_RC=
    T_CMD=
}

# Register a cleanup command (a string for eval), run at exit in reverse
# order of registration.
t_cleanup_add() {
    t__ncleanup=$((t__ncleanup + 1))
    eval "t__cleanup_$t__ncleanup=\$1"
}

# The EXIT trap: cleanups, then the scratch directory, then the original
# exit status.
t__on_exit() {
    T_EXIT_STATUS=$?
    set +e
    trap - EXIT HUP INT TERM
    t__c=
    while [ "$t__ncleanup" -gt 0 ]; do
        eval "t__c=\$t__cleanup_$t__ncleanup"
        unset "t__cleanup_$t__ncleanup"
        t__ncleanup=$((t__ncleanup - 1))
        eval "$t__c"
    done
    if [ -n "$T_DIR" ] && [ -d "$T_DIR" ]; then
        if [ -n "${T_KEEP-}" ]; then
            echo "note: scratch directory kept: $T_DIR" >&2
        else
            chmod -R u+rwx "$T_DIR" 2>/dev/null
            rm -rf "$T_DIR"
        fi
    fi
    exit "$T_EXIT_STATUS"
}

# Print at most 40 lines of a file, indented, for failure reports.
t__show() {
    if [ -s "$2" ]; then
        echo "--- $1:" >&2
        sed -n '1,40s/^/    /p' "$2" >&2
        t__lines=$(wc -l <"$2")
        if [ "$t__lines" -gt 40 ]; then
            echo "    ... ($t__lines lines)" >&2
        fi
    fi
}

t_fail() {
    echo "FAIL: $*" >&2
    if [ -n "$T_CMD" ]; then
        echo "--- last t_run: $T_CMD (status $T_RC)" >&2
        t__show stdout "$T_OUT"
        t__show stderr "$T_ERR"
    fi
    exit 1
}

t_skip() {
    echo "SKIP: $*" >&2
    exit 77
}

t_error() {
    echo "ERROR: $*" >&2
    exit 99
}

t_assert_eq() {
    if [ "$1" != "$2" ]; then
        t_fail "$3: expected [$1], got [$2]"
    fi
}

t_assert_contains() {
    case $1 in
    *"$2"*) ;;
    *) t_fail "$3: [$2] not found in [$1]" ;;
    esac
}

t_assert_not_contains() {
    case $1 in
    *"$2"*) t_fail "$3: [$2] unexpectedly found in [$1]" ;;
    esac
}

t_assert_file_contains() {
    [ -f "$1" ] || t_fail "$3: no file $1"
    t_assert_contains "$(cat "$1")" "$2" "$3"
}

# Like t_assert_file_contains with an extended regular expression, for
# figures that may round either way (a skew measured across a second tick).
t_assert_file_matches() {
    [ -f "$1" ] || t_fail "$3: no file $1"
    grep -Eq -- "$2" "$1" || t_fail "$3: /$2/ not found in [$(cat "$1")]"
}

t_assert_file_not_contains() {
    [ -f "$1" ] || t_fail "$3: no file $1"
    t_assert_not_contains "$(cat "$1")" "$2" "$3"
}

# Run a command; stdin from $1, stdout/stderr into $T_OUT/$T_ERR.
t__run() {
    t__in=$1
    shift
    T_CMD=$*
    t__to=
    case $(command -v "$1" 2>/dev/null) in
    /*)
        if command -v timeout >/dev/null 2>&1; then
            t__to="timeout -k 5 ${T_RUN_TIMEOUT:-120}"
        fi
        ;;
    esac
    # shellcheck disable=SC2086 # $t__to is deliberately split
    if $t__to "$@" <"$t__in" >"$T_OUT" 2>"$T_ERR"; then
        T_RC=0
    else
        T_RC=$?
    fi
}

t_run() {
    t__run /dev/null "$@"
}

t_run_stdin() {
    t__run "$@"
}

t_wait_for() {
    case $2 in
    '' | *[!0-9]*) t_error "t_wait_for: timeout must be whole seconds: $2" ;;
    esac
    t__deadline=$(($(date +%s) + $2))
    while :; do
        if eval "$1" >/dev/null 2>&1; then
            return 0
        fi
        if [ "$(date +%s)" -gt "$t__deadline" ]; then
            return 1
        fi
        sleep 0.1
    done
}

# Shared by t_json and t_jsonl: argv = mode expr [file].
t__json_py='
import json, sys

mode, expr = sys.argv[1], sys.argv[2]
name = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
try:
    f = open(name, encoding="utf-8") if name else sys.stdin
    with f:
        if mode == "lines":
            d = [json.loads(line) for line in f if line.strip()]
        else:
            d = json.load(f)
except (OSError, ValueError) as e:
    sys.exit("t_json: %s: %s" % (name or "stdin", e))
try:
    v = eval(expr, {"json": json, "d": d})
except Exception as e:
    sys.exit("t_json: %s: %s: %r" % (name or "stdin", expr, e))
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
'

t_json() {
    python3 -c "$t__json_py" doc "$@"
}

t_jsonl() {
    python3 -c "$t__json_py" lines "$@"
}

t_sha() {
    if [ -e "$1" ]; then
        sha256sum <"$1" | cut -d ' ' -f 1
    else
        echo absent
    fi
}

t_free_port() {
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
}

# kill -0 also succeeds on a zombie (a dead child not yet reaped), so look
# at the state in /proc where there is one.
t_pid_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    if [ -r "/proc/$1/stat" ]; then
        case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
        Z* | X*) return 1 ;;
        esac
    fi
    return 0
}

t_stop_pid() {
    if t_pid_alive "$1"; then
        kill -TERM "$1" 2>/dev/null
        if ! t_wait_for "! t_pid_alive $1" 5; then
            echo "note: pid $1 ignored TERM; sending KILL" >&2
            kill -KILL "$1" 2>/dev/null
        fi
    fi
    wait "$1" 2>/dev/null || :
}
