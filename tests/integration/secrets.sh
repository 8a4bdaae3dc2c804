#!/bin/sh
# Secret hygiene end to end (#6): run every command against moto at every
# verbosity (quiet, -v, -vv; cold with --no-cache so the wire is logged,
# then warm), collect every secret that exists in the run (the web
# identity token, the static secret key, every SecretAccessKey and
# SessionToken moto issued as found in the credential cache and in the
# outputs that must carry them, every EKS token), then search everything
# rolehop printed and every file it wrote for them. The only places a
# secret may appear: stdout of creds, env and token (their job), the
# credential cache (0600 files in a 0700 directory; never the web identity
# token, never long-lived keys), and a child's environment under --static.
# Also checked: no Authorization signature and no X-Amz-Signature value in
# any log, and the modes of everything written. doctor, policy, prompt and
# the interface (-vv ui in tmux: its screen and its log) are searched too.
# Every command runs under umask 000: what rolehop created must still have
# no group or other bit. A child of exec has no descriptor of rolehop's
# open (O_CLOEXEC). (rolehop's own umask 077 and PR_SET_DUMPABLE:
# hardening.sh.)
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
moto_start
scenario_write
python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" \
    222222222222 us-east-1 dev-main || t_error "cannot seed"
# Everything rolehop may write lands under T_DIR: HOME and XDG_* (t_init),
# the runtime directory and the temporary directory.
XDG_RUNTIME_DIR=$T_DIR/run
TMPDIR=$T_DIR/tmp
export XDG_RUNTIME_DIR TMPDIR
mkdir -m 700 "$XDG_RUNTIME_DIR" "$TMPDIR" || t_error "cannot create run/tmp"
OUT=$T_DIR/out
mkdir -p "$OUT" || t_error "cannot create $OUT"
KC=$T_DIR/kube/config
n=0

# run NAME ARGS...: rolehop ARGS at the three verbosities, stdin from
# $RUN_STDIN (default /dev/null); stdout and stderr kept as
# $OUT/NAME.vK.{out,err}. A command may fail (a hop of the static root has
# no IAM user in moto); only what it prints matters here.
run() {
    name=$1
    shift
    for v in 0 1 2; do
        case $v in
        0) flags= ;;
        1) flags=-v ;;
        2) flags=-vv ;;
        esac
        # umask 000: whatever rolehop creates is private by its own umask.
        # shellcheck disable=SC2086
        (umask 000 && exec "$ROLEHOP" $flags "$@") >"$OUT/$name.v$v.out" \
            2>"$OUT/$name.v$v.err" <"${RUN_STDIN:-/dev/null}"
        n=$((n + 1))
    done
}

# What exists before rolehop runs (made by the test): left out of the
# umask check below.
find "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" >"$T_DIR/preexisting" ||
    t_error "cannot list $HOME"

# The interface at -vv, first (the cache is empty, so its hops are on the
# wire and logged, and the credentials it caches are collected below): the
# first target is assumed by itself; its screen and log are searched too.
if command -v tmux >/dev/null 2>&1; then
    . "$top_srcdir/tests/ui/lib.sh"
    # The binary itself, as the interface tests run it (not under
    # check-valgrind's wrapper).
    # shellcheck disable=SC2016
    ui_start 100 30 sh -c 'umask 000 && exec "$0" -vv ui 2>"$1"' \
        "$ROLEHOP_BIN" "$OUT/ui.v2.err"
    ui_wait_for "assumed-role/" 30
    ui_screen >"$OUT/ui.screen.out"
    ui_keys q
    ui_wait_exit 15
    t_assert_eq 0 "$UI_STATUS" "the interface exits with q"
    ui_tmux capture-pane -p -S - >"$OUT/ui.history.out"
    ui_stop
    # What it cached, collected below even if a later run replaces it.
    mkdir "$T_DIR/cache-ui" &&
        cp "$XDG_CACHE_HOME"/rolehop/*.json "$T_DIR/cache-ui/" ||
        t_fail "the interface cached no credentials"
    t_assert_file_contains "$OUT/ui.v2.err" "AssumeRoleWithWebIdentity" \
        "the interface logged its hops at -vv"
    n=$((n + 1))
else
    echo "note: tmux is not installed: the interface is not searched" >&2
fi

# Cold first (every hop on the wire, every answer logged at -vv), then warm.
run list list
run list-json list --json
run whoami-cold --no-cache whoami deep
run whoami-json-cold --no-cache whoami target-env --json
run whoami-static-cold --no-cache whoami static-role
run whoami whoami deep
run creds-cold --no-cache creds target-env
run creds creds stg
run env-cold --no-cache env target-env
run env-fish env target-env --format fish
run env-json env ci-env --format json
run clusters-cold --no-cache clusters --all
run clusters-json clusters target-env --json
run kubeconfig-cold --no-cache kubeconfig target-env --cluster dev-main \
    --kubeconfig "$KC"
run kubeconfig kubeconfig target-env --cluster dev-main --kubeconfig "$KC"
# A change to the file: rolehop keeps a backup of what was there.
run kubeconfig-alias kubeconfig target-env --cluster dev-main \
    --kubeconfig "$KC" --alias other
run token-cold --no-cache token target-env --cluster dev-main
run token token target-env --cluster dev-main
# doctor walks every hop (and says what it found), policy prints the IAM
# and EKS setup, prompt reads the environment of a rolehop shell.
run doctor-cold --no-cache doctor target-env
run doctor doctor target-env
run doctor-json --no-cache doctor target-env --json
run policy-json policy target-env --json
run prompt prompt
# shellcheck disable=SC2016
run prompt-exec exec target-env --cluster dev-main -- \
    sh -c '"$0" prompt && "$0" -v prompt && "$0" -vv prompt' "$ROLEHOP"
t_assert_file_contains "$OUT/prompt-exec.v2.out" "[target-env 222222222222" \
    "prompt in a rolehop child"
# O_CLOEXEC: the child of exec has no descriptor of rolehop's (cold and
# with the credential cache read): the same as a child of this shell (0, 1,
# 2 and whatever the test's own caller left open); the one ls -l opens to
# read /proc/self/fd is left out, and so is valgrind's log under
# check-valgrind (valgrind itself leaks it into the children it does not
# trace).
fds() {
    awk -v vg="${VG_LOG_DIR:+$VG_LOG_DIR/}" '$1 ~ /^l/ &&
        $NF !~ "^/proc/[0-9]+/fd$" && (vg == "" || index($NF, vg) != 1) {
        print $9 }' "$1" | sort -n | tr '\n' ' '
}
sh -c 'ls -l /proc/self/fd' >"$T_DIR/fds.base" 2>/dev/null </dev/null
base=$(fds "$T_DIR/fds.base")
case $base in
"0 1 2 "*) ;;
*) t_error "a child of the test has not 0, 1 and 2 open: $base" ;;
esac
run fds-cold --no-cache exec target-env --cluster dev-main -- \
    sh -c 'ls -l /proc/self/fd'
run fds exec target-env --cluster dev-main -- sh -c 'ls -l /proc/self/fd'
for f in "$OUT"/fds*.out; do
    t_assert_eq "$base" "$(fds "$f")" "descriptors open in exec's child (${f##*/})"
done
# exec and shell: the child copies the private files it was given and its
# environment, so they can be searched after rolehop removed them.
mkdir -p "$OUT/child" || t_error "cannot create $OUT/child"
CHILD_COPY='d=$1; cp "$AWS_CONFIG_FILE" "$d/aws-config.$$";
    cp "$AWS_SHARED_CREDENTIALS_FILE" "$d/aws-credentials.$$" 2>/dev/null;
    test -n "$KUBECONFIG" && cp "$KUBECONFIG" "$d/kubeconfig.$$";
    stat -c "%a %n" "${AWS_CONFIG_FILE%/*}" "$AWS_CONFIG_FILE" \
        ${KUBECONFIG:+"${KUBECONFIG%/*}" "$KUBECONFIG"} >"$d/modes.$$";
    env >"$d/env.$$"'
run exec-cold --no-cache exec target-env --cluster dev-main -- \
    sh -c "$CHILD_COPY" sh "$OUT/child"
run exec exec deep -- sh -c "$CHILD_COPY" sh "$OUT/child"
SHELL=/bin/sh
export SHELL
printf '%s\n' "$CHILD_COPY" | sed "s|\\\$1|$OUT/child|" >"$T_DIR/child.sh"
printf '. %s\nexit\n' "$T_DIR/child.sh" >"$T_DIR/shell-input"
RUN_STDIN=$T_DIR/shell-input run shell shell target-env --cluster dev-main
# The one place plain keys go to a child: exec --static. Kept apart.
mkdir -p "$T_DIR/static-child"
"$ROLEHOP" exec target-env --static -- sh -c 'env >"$1/env"' sh \
    "$T_DIR/static-child" >/dev/null 2>&1 ||
    t_fail "exec --static failed"
# Errors: an STS refusal and an unreachable endpoint, at every verbosity.
AWS_ENDPOINT_URL=http://127.0.0.1:1 run unreachable --no-cache whoami target-env
cat >>"$AWS_CONFIG_FILE" <<'EOF'

[profile bad-external]
role_arn = arn:aws:iam::222222222222:role/target-account-iam-role
source_profile = ci-env
external_id = x
duration_seconds = 900000
EOF
run refused --no-cache whoami bad-external

ls "$OUT/child"/aws-config.* >/dev/null 2>&1 ||
    t_fail "the children did not copy their private AWS config"
ls "$OUT/child"/kubeconfig.* >/dev/null 2>&1 ||
    t_fail "the children did not copy their private kubeconfig"

# --- Collect the secrets.
CACHE=$XDG_CACHE_HOME/rolehop
[ -d "$CACHE" ] || t_fail "no credential cache at $CACHE"
CACHE_UI=$T_DIR/cache-ui python3 - "$OUT" "$CACHE" "$T_TOKEN_FILE" \
    "$AWS_SHARED_CREDENTIALS_FILE" \
    "$T_DIR/secrets" <<'EOF' || t_fail "cannot collect the secrets"
import glob, json, os, re, sys

out, cache, token_file, creds_file, dest = sys.argv[1:]
secrets = {}  # value -> what it is (the report names the kind, never the value)

def add(value, kind):
    value = (value or "").strip()
    if len(value) >= 16:
        secrets.setdefault(value, kind)

token = open(token_file).read().strip()
add(token, "web identity token")
add(token.rsplit(".", 1)[-1], "web identity token signature")
for line in open(creds_file):
    k, _, v = line.partition("=")
    if k.strip() == "aws_secret_access_key":
        add(v, "static secret key")
for path in glob.glob(os.path.join(cache, "*.json")) + \
        glob.glob(os.path.join(os.environ["CACHE_UI"], "*.json")):
    if os.path.isfile(path):
        d = json.load(open(path))
        add(d.get("SecretAccessKey"), "cached SecretAccessKey")
        add(d.get("SessionToken"), "cached SessionToken")
for path in glob.glob(os.path.join(out, "creds*.out")):
    if os.path.getsize(path):
        d = json.load(open(path))
        add(d["SecretAccessKey"], "creds SecretAccessKey")
        add(d["SessionToken"], "creds SessionToken")
for path in glob.glob(os.path.join(out, "env*.out")):
    text = open(path).read()
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        for m in re.finditer(name + r"""["']?[ \t=:,]+["']?([A-Za-z0-9+/=]{16,})""", text):
            add(m.group(1), "env " + name)
for path in glob.glob(os.path.join(out, "token*.out")):
    if os.path.getsize(path):
        t = json.load(open(path))["status"]["token"]
        add(t, "EKS token")
        add(t[len("k8s-aws-v1."):][:48], "EKS token body")
kinds = sorted(set(secrets.values()))
for need in ("web identity token", "static secret key",
             "cached SecretAccessKey", "cached SessionToken",
             "creds SecretAccessKey", "env AWS_SECRET_ACCESS_KEY", "EKS token"):
    if need not in kinds:
        sys.exit("no %s was collected: the test would prove nothing" % need)
with open(dest, "w") as f:
    json.dump(secrets, f)
print("collected %d secrets of %d kinds" % (len(secrets), len(kinds)))
EOF

# scan WHAT FILE...: fail for every file holding a secret, a request
# signature or an X-Amz-Signature value; name the file and the kind only.
scan() {
    what=$1
    shift
    python3 - "$T_DIR/secrets" "$@" <<'EOF' >"$T_DIR/scan.txt"
import json, re, sys

secrets = json.load(open(sys.argv[1]))
sig = re.compile(rb"(Signature=[0-9a-f]{64}|X-Amz-Signature=[0-9a-f]{64})")
# An STS answer logged with its keys in clear (keys not collected too).
xml = re.compile(rb"<(SecretAccessKey|SessionToken)>(?!\[REDACTED\])")
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    for value, kind in secrets.items():
        if value.encode() in data:
            print("%s: holds a %s" % (path, kind))
    if sig.search(data):
        print("%s: holds a request signature" % path)
    if xml.search(data):
        print("%s: holds an STS answer's keys" % path)
EOF
    if [ -s "$T_DIR/scan.txt" ]; then
        t_fail "$what: $(cat "$T_DIR/scan.txt")"
    fi
}

# Everything printed, but the stdout of creds, env and token.
set --
for f in "$OUT"/*.err "$OUT"/*.out; do
    case ${f##*/} in
    creds*.out | env*.out | token*.out) ;;
    *) set -- "$@" "$f" ;;
    esac
done
[ $# -ge "$n" ] || t_error "only $# outputs for $n runs"
scan "output" "$@"
# What the children were given (without --static).
scan "child files" "$OUT"/child/*
# Every file rolehop wrote outside the credential cache: the kubeconfig,
# its lock and backups, the cluster cache, anything under HOME, XDG_* and
# XDG_RUNTIME_DIR.
find "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" "$T_DIR/kube" -type f \
    ! -path "$CACHE/*.json" >"$T_DIR/written"
[ -s "$T_DIR/written" ] || t_fail "found no file rolehop wrote"
grep -q "$KC" "$T_DIR/written" || t_fail "the kubeconfig was not found"
grep -q "$CACHE/clusters" "$T_DIR/written" || t_fail "the cluster cache was not found"
# shellcheck disable=SC2046
scan "written files" $(cat "$T_DIR/written")
# umask 000 above: everything rolehop created (the cache, the kubeconfig,
# its lock and backup, private directories...) has no group or other bit.
find "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" "$T_DIR/kube" ! -type l -perm /077 |
    grep -vxF -f "$T_DIR/preexisting" >"$T_DIR/open-modes"
[ -s "$T_DIR/open-modes" ] &&
    t_fail "created with group or other bits: $(cat "$T_DIR/open-modes")"
find "$HOME" "$T_DIR/kube" -newer "$T_DIR/preexisting" >"$T_DIR/created"
grep -qxF "$KC.rolehop.bak" "$T_DIR/created" ||
    t_fail "no kubeconfig backup for the mode check: $(cat "$T_DIR/created")"
# The private directories and files of exec and shell, as their children
# saw them (they are gone now).
cat "$OUT"/child/modes.* >"$T_DIR/private-modes"
[ "$(wc -l <"$T_DIR/private-modes")" -ge 8 ] ||
    t_fail "the children recorded too few modes: $(cat "$T_DIR/private-modes")"
grep -v '^[0-7]00 ' "$T_DIR/private-modes" >"$T_DIR/open-modes" &&
    t_fail "private with group or other bits: $(cat "$T_DIR/open-modes")"
# The credential cache holds short-lived STS credentials only.
python3 - "$T_DIR/secrets" "$CACHE" <<'EOF' >"$T_DIR/scan.txt"
import glob, json, os, sys
secrets = json.load(open(sys.argv[1]))
for path in glob.glob(os.path.join(sys.argv[2], "*.json")):
    data = open(path, "rb").read()
    for value, kind in secrets.items():
        if kind.startswith(("web identity", "static", "EKS")) and value.encode() in data:
            print("%s: holds a %s" % (path, kind))
EOF
[ -s "$T_DIR/scan.txt" ] && t_fail "cache: $(cat "$T_DIR/scan.txt")"
t_assert_eq 700 "$(stat -c %a "$CACHE")" "cache directory mode"
for f in "$CACHE"/*; do
    t_assert_eq 600 "$(stat -c %a "$f")" "cache file mode: $f"
done
t_assert_eq 600 "$(stat -c %a "$KC")" "kubeconfig mode"
# The runtime directories the children were given are gone again.
left=$(find "$XDG_RUNTIME_DIR" "$TMPDIR" -mindepth 1 2>&1)
t_assert_eq "" "$left" "private directories removed after exec and shell"

# Sanity: the scan does see a secret where one is (exec --static's child).
scan_expect_hit() {
    python3 - "$T_DIR/secrets" "$1" <<'EOF'
import json, sys
secrets = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
sys.exit(0 if any(v.encode() in data for v in secrets) else 1)
EOF
}
scan_expect_hit "$T_DIR/static-child/env" ||
    t_fail "the scan found no secret in exec --static's environment"
# The -vv logs did log the wire (else the search above proves little).
t_assert_file_contains "$OUT/whoami-cold.v2.err" "[REDACTED]" \
    "-vv logs requests with the secrets masked"
t_assert_file_contains "$OUT/whoami-cold.v2.err" "AssumeRoleWithWebIdentity" \
    "-vv logs the web identity call"
exit 0
