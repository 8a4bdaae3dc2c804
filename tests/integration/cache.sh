#!/bin/sh
# The credential cache ($XDG_CACHE_HOME/rolehop): a cold run writes private
# entries, a warm one makes no AssumeRole call, chains share their common
# hops, untrusted (group/other readable) and corrupted entries are ignored
# with a warning, --no-cache neither reads nor writes, entries with 300 s or
# less left are not reused, a cache directory that is a symbolic link is
# not followed, and no secret reaches stderr at -v -v.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init

fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role"},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
scenario_write
AWS_ENDPOINT_URL=$FAKE_URL
AWS_REGION=us-east-1
export AWS_ENDPOINT_URL AWS_REGION
CACHE=$XDG_CACHE_HOME/rolehop

# The cache entries: one "NAME MODE SHA256" line each, sorted.
cache_state() {
    for f in "$CACHE"/*; do
        [ -e "$f" ] || continue
        printf '%s %s %s\n' "${f##*/}" "$(stat -c %a "$f")" "$(t_sha "$f")"
    done
}
cache_names() {
    cache_state | cut -d ' ' -f 1
}
n_wi() {
    fake_count AssumeRoleWithWebIdentity
}
n_ar() {
    fake_count AssumeRole
}
hops_cached() {
    t_json '[h["cached"] for h in d["hops"]]' "$T_OUT"
}

[ ! -e "$CACHE" ] || t_error "$CACHE exists before the first run"

# --- Cold: two assumed hops, two private entries.
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "cold run"
t_assert_eq '[false, false]' "$(hops_cached)" "cold run: nothing cached"
t_assert_eq 1 "$(n_wi)" "cold run: web identity calls"
t_assert_eq 1 "$(n_ar)" "cold run: AssumeRole calls"
cp "$T_OUT" "$T_DIR/cold.json"
t_assert_eq 700 "$(stat -c %a "$CACHE")" "cache directory mode"
t_assert_eq 2 "$(cache_names | wc -l | tr -d ' ')" "cold run: entries written"
for f in $(cache_names); do
    stem=${f%.json}
    case $stem in
    "$f" | *[!0-9a-f]*) t_fail "cache entry name $f: not <sha256>.json" ;;
    esac
    t_assert_eq 64 "${#stem}" "cache entry name $f: <sha256>.json"
    t_assert_eq 600 "$(stat -c %a "$CACHE/$f")" "cache entry $f mode"
done
state_cold=$(cache_state)
# Nothing left over from the atomic writes.
t_assert_eq 2 "$(find "$CACHE" -mindepth 1 | wc -l | tr -d ' ')" \
    "cold run: no temporary files left"

# --- Warm: both hops from the cache, no assume call; GetCallerIdentity
# still asks STS who the cached credentials are.
gci=$(fake_count GetCallerIdentity)
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "warm run"
t_assert_eq '[true, true]' "$(hops_cached)" "warm run: both hops cached"
t_assert_eq 1 "$(n_wi)" "warm run: no new web identity call"
t_assert_eq 1 "$(n_ar)" "warm run: no new AssumeRole call"
t_assert_eq $((gci + 1)) "$(fake_count GetCallerIdentity)" \
    "warm run: GetCallerIdentity"
session='[d["hops"][1]["arn"], d["expiration"]]'
t_assert_eq "$(t_json "$session" "$T_DIR/cold.json")" \
    "$(t_json "$session" "$T_OUT")" \
    "warm run: the same session"
# The cached credentials are the ones used: the fake knows their key.
t_assert_eq \
    arn:aws:sts::222222222222:assumed-role/target-account-iam-role/xactarget \
    "$(t_json 'd["identity"]["arn"]' "$T_OUT")" "warm run: identity"
t_assert_eq "$state_cold" "$(cache_state)" "warm run: entries unchanged"
t_run "$ROLEHOP" whoami target-env
t_assert_eq 0 "$T_RC" "warm run, text"
t_assert_file_contains "$T_OUT" "[cached]" "warm run, text: [cached]"

# --- Another chain through the same first hop: only its own AssumeRole.
t_run "$ROLEHOP" whoami stg --json
t_assert_eq 0 "$T_RC" "stg"
t_assert_eq '[true, false]' "$(hops_cached)" "stg: hop 1 shared from the cache"
t_assert_eq 1 "$(n_wi)" "stg: no new web identity call"
t_assert_eq 2 "$(n_ar)" "stg: one new AssumeRole call"
t_assert_eq arn:aws:iam::333333333333:role/stg-admin \
    "$(fake_log '[r["form"]["RoleArn"] for r in d
                   if r["action"] == "AssumeRole"][-1]')" \
    "stg: the AssumeRole was stg's"
t_assert_eq 3 "$(cache_names | wc -l | tr -d ' ')" "stg: one more entry"
stg_entry=$(cache_names |
    grep -v -F "$(printf '%s\n' "$state_cold" | cut -d ' ' -f 1)")
[ -n "$stg_entry" ] || t_fail "stg: no new entry found"

# --- Entries readable by group or other are not trusted: a warning, fresh
# calls, and the rewritten entries are private again.
chmod 644 "$CACHE"/*.json
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "untrusted entries"
t_assert_file_contains "$T_ERR" "rolehop: warning: " \
    "untrusted entries: warning"
t_assert_file_contains "$T_ERR" "$CACHE/" "untrusted entries: the file named"
t_assert_eq '[false, false]' "$(hops_cached)" "untrusted entries: not used"
t_assert_eq 2 "$(n_wi)" "untrusted entries: web identity again"
t_assert_eq 3 "$(n_ar)" "untrusted entries: AssumeRole again"
for f in $(cache_names); do
    if [ "$f" = "$stg_entry" ]; then
        t_assert_eq 644 "$(stat -c %a "$CACHE/$f")" "stg entry left alone"
    else
        t_assert_eq 600 "$(stat -c %a "$CACHE/$f")" "rewritten entry $f mode"
    fi
done
chmod 600 "$CACHE/$stg_entry"

# --- --no-cache: neither read (requests made although the cache is warm)
# nor written (every entry as it was).
state=$(cache_state)
t_run "$ROLEHOP" --no-cache whoami target-env --json
t_assert_eq 0 "$T_RC" "--no-cache"
t_assert_eq '[false, false]' "$(hops_cached)" "--no-cache: nothing cached"
t_assert_eq 3 "$(n_wi)" "--no-cache: web identity call"
t_assert_eq 4 "$(n_ar)" "--no-cache: AssumeRole call"
t_assert_eq "$state" "$(cache_state)" "--no-cache: entries unchanged"
t_assert_eq "" "$(cat "$T_ERR")" "--no-cache: no warning"
# A cache directory that does not exist is not even created.
t_run env XDG_CACHE_HOME="$T_DIR/fresh-cache" "$ROLEHOP" --no-cache \
    whoami stg
t_assert_eq 0 "$T_RC" "--no-cache, no cache directory"
[ ! -e "$T_DIR/fresh-cache" ] ||
    t_fail "--no-cache created $T_DIR/fresh-cache"
# The warm cache is still used without the option.
wi=$(n_wi) ar=$(n_ar)
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq '[true, true]' "$(hops_cached)" "after --no-cache: cache used"
t_assert_eq "$wi $ar" "$(n_wi) $(n_ar)" "after --no-cache: no assume call"

# --- A corrupted entry is ignored (a warning), the command succeeds, and
# a good entry replaces it.
for f in $(cache_names); do
    printf '{"Version": 1, "AccessKeyId": garbage' >"$CACHE/$f"
done
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "corrupted entries"
t_assert_file_contains "$T_ERR" "rolehop: warning: " \
    "corrupted entries: warning"
t_assert_eq '[false, false]' "$(hops_cached)" "corrupted entries: not used"
t_assert_eq "$((wi + 1)) $((ar + 1))" "$(n_wi) $(n_ar)" \
    "corrupted entries: both hops assumed again"
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq '[true, true]' "$(hops_cached)" "corrupted entries: replaced"
t_assert_eq "" "$(cat "$T_ERR")" "corrupted entries replaced: no warning"

# --- A cache directory readable by others: not used, with a warning.
chmod 755 "$CACHE"
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "open cache directory"
t_assert_file_contains "$T_ERR" "rolehop: warning: " \
    "open cache directory: warning"
t_assert_eq '[false, false]' "$(hops_cached)" "open cache directory: not used"
t_assert_eq "$((wi + 2)) $((ar + 2))" "$(n_wi) $(n_ar)" \
    "open cache directory: both hops assumed again"
chmod 700 "$CACHE"

# --- The cache directory is a symbolic link: not followed (a warning, the
# command works uncached, nothing is written behind the link).
mv "$CACHE" "$T_DIR/elsewhere" || t_error "mv cache"
ln -s "$T_DIR/elsewhere" "$CACHE" || t_error "ln -s"
before=$(ls -l --time-style=+%s.%N "$T_DIR/elsewhere"; cd "$T_DIR/elsewhere" &&
    sha256sum ./*)
wi=$(n_wi)
for i in 1 2; do
    t_run "$ROLEHOP" whoami target-env --json
    t_assert_eq 0 "$T_RC" "symlinked cache $i"
    t_assert_file_contains "$T_ERR" "rolehop: warning: " \
        "symlinked cache $i: warning"
    t_assert_file_contains "$T_ERR" "symbolic link" \
        "symlinked cache $i: says why"
    t_assert_eq '[false, false]' "$(hops_cached)" "symlinked cache $i: uncached"
    t_assert_eq $((wi + i)) "$(n_wi)" "symlinked cache $i: web identity call"
done
t_assert_eq "$before" "$(ls -l --time-style=+%s.%N "$T_DIR/elsewhere"; cd \
    "$T_DIR/elsewhere" && sha256sum ./*)" \
    "symlinked cache: nothing written behind the link"
[ -L "$CACHE" ] || t_fail "symlinked cache: the link was replaced"
rm "$CACHE" || t_error "rm the link"
mv "$T_DIR/elsewhere" "$CACHE" || t_error "restore cache"

# --- Entries with 300 s or less left are not reused; more than that is.
# A second fake (so new cache keys): target-env's role lasts 400 s, stg's
# 200 s.
fake_start '[
  {"match": {"action": "AssumeRoleWithWebIdentity"},
   "reply": "assume_role_web_identity"},
  {"match": {"action": "AssumeRole",
             "form": {"RoleArn": "arn:aws:iam::333333333333:role/stg-admin"}},
   "reply": "assume_role", "expires_in": 200},
  {"match": {"action": "AssumeRole"}, "reply": "assume_role",
   "expires_in": 400},
  {"match": {"action": "GetCallerIdentity"}, "reply": "get_caller_identity"}
]'
AWS_ENDPOINT_URL=$FAKE_URL
for p in stg target-env; do
    t_run "$ROLEHOP" whoami "$p" --json
    t_assert_eq 0 "$T_RC" "short expiry: $p, first run"
done
t_assert_eq 1 "$(n_wi)" "short expiry: one web identity call"
t_assert_eq 2 "$(n_ar)" "short expiry: two AssumeRole calls"
t_run "$ROLEHOP" whoami stg --json
t_assert_eq 0 "$T_RC" "short expiry: stg, second run"
t_assert_eq '[true, false]' "$(hops_cached)" \
    "short expiry: stg's 200 s session not reused"
t_assert_eq 3 "$(n_ar)" "short expiry: stg assumed again"
t_assert_eq 1 "$(n_wi)" "short expiry: hop 1 still from the cache"
t_run "$ROLEHOP" whoami target-env --json
t_assert_eq 0 "$T_RC" "short expiry: target-env, second run"
t_assert_eq '[true, true]' "$(hops_cached)" \
    "short expiry: target-env's 400 s session reused"
t_assert_eq 3 "$(n_ar)" "short expiry: target-env not assumed again"

# --- No secret of the fake's answers reaches stderr at -v -v, cold (the
# answers are logged) or warm (entries read from the cache).
for opt in --no-cache ""; do
    # shellcheck disable=SC2086 # $opt is empty or one word
    t_run "$ROLEHOP" -v -v $opt whoami deep
    t_assert_eq 0 "$T_RC" "-v -v $opt whoami deep"
    cp "$T_ERR" "$T_DIR/verbose$opt.err"
    cat "$T_OUT" >>"$T_DIR/verbose$opt.err"
done
t_assert_file_contains "$T_DIR/verbose--no-cache.err" "<SecretAccessKey>" \
    "-v -v logs the answers"
# The secrets: those in the cache entries, every session token the fake
# saw used, and the patterns of the fake's secret keys and tokens.
python3 -c '
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/*.json"):
    try:
        e = json.load(open(f))
    except ValueError:
        continue  # the stg entry corrupted above
    print(e["SecretAccessKey"])
    print(e["SessionToken"])
' "$CACHE" >"$T_DIR/secrets" || t_error "cannot read the cache entries"
fake_log '"\n".join(r["headers"]["x-amz-security-token"] for r in d
                    if "x-amz-security-token" in r["headers"])' \
    >>"$T_DIR/secrets"
n=$(wc -l <"$T_DIR/secrets")
[ "$n" -gt 10 ] || t_error "only $n secrets collected"
for f in "$T_DIR/verbose--no-cache.err" "$T_DIR/verbose.err"; do
    t_assert_file_not_contains "$f" "fakeSecretKey" "secret key in $f"
    # base64 of "fake-session-token-": the start of every session token.
    t_assert_file_not_contains "$f" "ZmFrZS1zZXNzaW9uLXRva2VuL" \
        "session token in $f"
    while read -r s; do
        [ -n "$s" ] || continue
        t_assert_file_not_contains "$f" "$s" "a secret in $f"
    done <"$T_DIR/secrets"
done
exit 0
