#!/bin/sh
# kubectl end to end: rolehop kubeconfig writes an exec-plugin context for
# a cluster found in moto (DescribeCluster), pointed by the rolehop
# config's cluster override at the fake Kubernetes API server
# (tests/fake/fake_kube.py), and kubectl signs in through `rolehop token`
# with nothing but what the kubeconfig carries; a target with the wrong
# secret is refused; exec and shell --cluster give their child a private
# kubeconfig that works and is gone afterwards, and none is left behind
# when the cluster is not found.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib.sh"
t_init
for tool in kubectl openssl; do
    command -v "$tool" >/dev/null 2>&1 || t_skip "$tool is not installed"
done
moto_start

# Fake credentials, nothing like a real key. The session token has the
# characters SigV4 must percent-encode (/ + =).
akid=ASIAFAKEFAKEFAKE0042
secret=fakesecretfakesecretfakesecretfakesecret
wrong_secret=fakesecretfakesecretfakesecretfakeWRONG
session=FwoGZXIvYXdzEFAKE//kubectl+test/token==

mkdir -p "$T_DIR/aws"
AWS_CONFIG_FILE=$T_DIR/aws/config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/aws/credentials
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
cat >"$AWS_CONFIG_FILE" <<'EOF'
[profile keys]
region = us-east-1
[profile wrong]
region = us-east-1
EOF
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOF
[keys]
aws_access_key_id = $akid
aws_secret_access_key = $secret
aws_session_token = $session
[wrong]
aws_access_key_id = $akid
aws_secret_access_key = $wrong_secret
aws_session_token = $session
EOF

# moto's default account: the one it uses for a key it does not know.
python3 "$top_srcdir/data/demo/seed.py" "$MOTO_URL" \
    123456789012 us-east-1 e2e:1.31 || t_error "cannot seed cluster e2e"

kube_start --cluster e2e --access-key-id "$akid" \
    --secret-access-key "$secret" --session-token "$session"

# EKS goes to moto; STS is the real regional host, which the fake's
# verifier insists on (and which `rolehop token` never calls: static keys).
unset AWS_ENDPOINT_URL
AWS_ENDPOINT_URL_EKS=$MOTO_URL
export AWS_ENDPOINT_URL_EKS

cfg=$T_DIR/rolehop.yaml
cat >"$cfg" <<EOF
targets:
  - name: kube
    profile: keys
    clusters:
      - name: e2e
        region: us-east-1
        alias: e2e
        namespace: payments
        server: $KUBE_URL
        certificate_authority: $KUBE_CA
  - name: bad
    profile: wrong
    clusters:
      - name: e2e
        region: us-east-1
        alias: e2e-wrong
        server: $KUBE_URL
        certificate_authority: $KUBE_CA
EOF

# kubectl (or anything) without the variables that lead rolehop to its
# files: the exec plugin must get them from the kubeconfig. A command
# prefix, not a function, so that t_run's timeout still applies.
bare="env -u ROLEHOP_CONFIG -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE
    -u AWS_ENDPOINT_URL_EKS -u AWS_REGION -u AWS_DEFAULT_REGION -u KUBECONFIG"

nlog() {
    kube_log 'len(d)'
}

# The namespaces kubectl printed, as "default kube-system".
names() {
    sed 1d "$T_OUT" | cut -d ' ' -f 1 | paste -s -d ' ' -
}

# --- 1. kubeconfig, then kubectl through the exec plugin ---------------

kc=$T_DIR/kc
t_run "$ROLEHOP" --config "$cfg" kubeconfig kube --cluster e2e \
    --kubeconfig "$kc"
t_assert_eq 0 "$T_RC" "kubeconfig kube --cluster e2e: exit status"
t_assert_eq e2e "$(cat "$T_OUT")" "kubeconfig: the context name (the alias) on stdout"
t_assert_eq 600 "$(stat -c %a "$kc")" "kubeconfig: mode"
for s in "$secret" "$session" k8s-aws-v1.; do
    t_assert_file_not_contains "$kc" "$s" "kubeconfig holds no secret or token"
done
t_assert_file_not_contains "$T_ERR" "$secret" "kubeconfig: no secret on stderr"

# What the context is made of.
kview() {
    # shellcheck disable=SC2086 # $bare is split on purpose
    t_run $bare kubectl --kubeconfig "$kc" config view --minify -o "jsonpath=$1"
    t_assert_eq 0 "$T_RC" "kubectl config view $1"
    cat "$T_OUT"
}
t_assert_eq e2e "$(kview '{.current-context}')" "kubeconfig: current context"
t_assert_eq payments "$(kview '{..namespace}')" "kubeconfig: namespace of the context"
t_assert_eq "$KUBE_URL" "$(kview '{.clusters[0].cluster.server}')" \
    "kubeconfig: the override server"
t_assert_eq "$KUBE_CA" "$(kview '{.clusters[0].cluster.certificate-authority}')" \
    "kubeconfig: the override CA file"
t_assert_eq "client.authentication.k8s.io/v1" \
    "$(kview '{.users[0].user.exec.apiVersion}')" "exec plugin: apiVersion"
t_assert_eq Never "$(kview '{.users[0].user.exec.interactiveMode}')" \
    "exec plugin: interactiveMode"
t_assert_eq "$ROLEHOP_BIN" "$(kview '{.users[0].user.exec.command}')" \
    "exec plugin: the absolute path of rolehop"
t_assert_eq "token kube --cluster e2e --region us-east-1" \
    "$(kview '{.users[0].user.exec.args[*]}')" "exec plugin: arguments"
t_assert_eq "AWS_CONFIG_FILE=$AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE=$AWS_SHARED_CREDENTIALS_FILE ROLEHOP_CONFIG=$cfg" \
    "$(kview '{range .users[0].user.exec.env[*]}{.name}={.value} {end}' |
        sed 's/ $//')" \
    "exec plugin: env carries the files, and no endpoint (none was set)"

n0=$(nlog)
# shellcheck disable=SC2086 # $bare is split on purpose
t_run $bare kubectl --kubeconfig "$kc" --request-timeout=20s get namespaces
t_assert_eq 0 "$T_RC" "kubectl get namespaces through rolehop token"
t_assert_eq "default kube-system" "$(names)" "kubectl lists default and kube-system"
t_assert_eq '["ok"]' \
    "$(kube_log "sorted({r['verdict'] for r in d[$n0:]})")" \
    "the fake verified every request of kubectl's"
t_assert_eq true \
    "$(kube_log "any(r['path'] == '/api/v1/namespaces' and r['status'] == 200 for r in d[$n0:])")" \
    "the fake answered the namespace list"

# --- 2. It really was the plugin's token -------------------------------

t_assert_eq "[[\"$akid\", \"us-east-1\", \"sts.us-east-1.amazonaws.com\"]]" \
    "$(kube_log "sorted({(r.get('akid'), r.get('region'), r.get('sts_host')) for r in d[$n0:]})")" \
    "the fake saw the test's key, signed for the regional STS host"

# The same kubeconfig with the plugin behind a wrapper that records what
# kubectl asked for (KUBERNETES_EXEC_INFO's apiVersion) and what rolehop
# answered (apiVersion, kind, whether it is an EKS token; never the token
# itself). With FORCE_EXEC_INFO set, the wrapper asks rolehop for that
# instead: the control showing that kubectl does refuse an answer in an
# apiVersion it did not ask for.
cat >"$T_DIR/plugin" <<EOF
#!/bin/sh
printf '%s' "\$KUBERNETES_EXEC_INFO" | python3 -c 'import json, sys
print(json.load(sys.stdin)["apiVersion"])' >>"$T_DIR/plugin.asked" 2>&1
if [ -n "\${FORCE_EXEC_INFO-}" ]; then
    KUBERNETES_EXEC_INFO=\$FORCE_EXEC_INFO
    export KUBERNETES_EXEC_INFO
fi
"$ROLEHOP" "\$@" >"$T_DIR/plugin.out"
rc=\$?
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["apiVersion"], d["kind"], d["status"]["token"].startswith("k8s-aws-v1."))' \\
    "$T_DIR/plugin.out" >>"$T_DIR/plugin.answered" 2>&1
cat "$T_DIR/plugin.out"
rm -f "$T_DIR/plugin.out"
exit \$rc
EOF
chmod 755 "$T_DIR/plugin"
kcw=$T_DIR/kc-wrapped
sed "s|command: $ROLEHOP_BIN\$|command: $T_DIR/plugin|" "$kc" >"$kcw"
grep -q "command: $T_DIR/plugin\$" "$kcw" ||
    t_error "cannot point $kcw at the wrapper"
# shellcheck disable=SC2086 # $bare is split on purpose
t_run $bare kubectl --kubeconfig "$kcw" --request-timeout=20s get namespaces
t_assert_eq 0 "$T_RC" "kubectl through the recording wrapper"
t_assert_eq "default kube-system" "$(names)" "wrapped: namespaces"
[ -s "$T_DIR/plugin.asked" ] || t_fail "kubectl never ran the exec plugin"
t_assert_eq client.authentication.k8s.io/v1 "$(sort -u "$T_DIR/plugin.asked")" \
    "KUBERNETES_EXEC_INFO asked for v1"
t_assert_eq "client.authentication.k8s.io/v1 ExecCredential True" \
    "$(sort -u "$T_DIR/plugin.answered")" \
    "rolehop answered a v1 ExecCredential with an EKS token"

: >"$T_DIR/plugin.answered"
# shellcheck disable=SC2086 # $bare is split on purpose
t_run $bare env FORCE_EXEC_INFO='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}' \
    kubectl --kubeconfig "$kcw" --request-timeout=20s get namespaces
t_assert_eq "client.authentication.k8s.io/v1beta1 ExecCredential True" \
    "$(sort -u "$T_DIR/plugin.answered")" "control: rolehop answered v1beta1"
t_assert_eq 1 "$T_RC" "control: kubectl refuses a v1beta1 answer to a v1 request"
t_assert_file_contains "$T_ERR" "client.authentication.k8s.io/v1beta1" \
    "control: kubectl names the mismatched apiVersion"

# --- 3. The wrong secret is refused ------------------------------------

kcb=$T_DIR/kc-wrong
t_run "$ROLEHOP" --config "$cfg" kubeconfig bad --cluster e2e \
    --kubeconfig "$kcb"
t_assert_eq 0 "$T_RC" "kubeconfig bad --cluster e2e: exit status"
t_assert_eq e2e-wrong "$(cat "$T_OUT")" "kubeconfig bad: context name"
n0=$(nlog)
# shellcheck disable=SC2086 # $bare is split on purpose
t_run $bare kubectl --kubeconfig "$kcb" --request-timeout=20s get namespaces
t_assert_eq 1 "$T_RC" "kubectl with the wrong secret: exit status"
t_assert_file_contains "$T_ERR" Unauthorized "kubectl with the wrong secret"
t_assert_eq '["denied"]' \
    "$(kube_log "sorted({r['verdict'] for r in d[$n0:]})")" \
    "wrong secret: every request denied"
t_assert_eq '["signature mismatch"]' \
    "$(kube_log "sorted({r['reason'] for r in d[$n0:]})")" \
    "wrong secret: the fake saw a signature mismatch"

# --- 4. exec --cluster: a private kubeconfig ---------------------------

XDG_RUNTIME_DIR=$T_DIR/run
mkdir -m 700 "$XDG_RUNTIME_DIR" || t_error "cannot create $XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR

n0=$(nlog)
t_run "$ROLEHOP" --config "$cfg" exec kube --cluster e2e -- \
    kubectl --request-timeout=20s get namespaces
t_assert_eq 0 "$T_RC" "exec kube --cluster e2e -- kubectl get namespaces"
t_assert_eq "default kube-system" "$(names)" "exec: namespaces"
t_assert_eq '["ok"]' \
    "$(kube_log "sorted({r['verdict'] for r in d[$n0:]})")" \
    "exec: the fake verified kubectl's requests"
[ "$(nlog)" -gt "$n0" ] || t_fail "exec: kubectl never reached the override server"

# shellcheck disable=SC2016 # expanded by the child's sh
t_run "$ROLEHOP" --config "$cfg" exec kube --cluster e2e -- sh -c '
    echo "$KUBECONFIG"
    stat -c %a "$KUBECONFIG"
    stat -c %a "$(dirname "$KUBECONFIG")"
    echo "$ROLEHOP_TARGET"
    kubectl config view --minify -o jsonpath="{.current-context} {..namespace} {.clusters[0].cluster.server}"
    echo
    echo "profile ${AWS_PROFILE-} keys ${AWS_ACCESS_KEY_ID:-none}"'
t_assert_eq 0 "$T_RC" "exec kube --cluster e2e -- sh: exit status"
pkc=$(sed -n 1p "$T_OUT")
case $pkc in
"$XDG_RUNTIME_DIR"/rolehop-??????/kubeconfig) ;;
*) t_fail "exec: KUBECONFIG is \$XDG_RUNTIME_DIR/rolehop-XXXXXX/kubeconfig: [$pkc]" ;;
esac
t_assert_eq 600 "$(sed -n 2p "$T_OUT")" "exec: private kubeconfig mode"
t_assert_eq 700 "$(sed -n 3p "$T_OUT")" "exec: private directory mode"
t_assert_eq kube "$(sed -n 4p "$T_OUT")" "exec: ROLEHOP_TARGET"
t_assert_eq "e2e payments $KUBE_URL" "$(sed -n 5p "$T_OUT")" \
    "exec: the private context (alias, namespace, override server)"
t_assert_eq "profile rolehop-shell keys none" "$(sed -n 6p "$T_OUT")" \
    "exec: no keys, the refreshing profile instead"
[ ! -e "$pkc" ] || t_fail "exec: $pkc still exists afterwards"
[ ! -e "$(dirname "$pkc")" ] || t_fail "exec: $(dirname "$pkc") still exists afterwards"
t_assert_eq "" "$(ls -A "$XDG_RUNTIME_DIR")" "exec: nothing left in XDG_RUNTIME_DIR"

# --- 5. exec --cluster with an unknown cluster -------------------------

t_run "$ROLEHOP" --config "$cfg" exec kube --cluster nope -- true
t_assert_eq 1 "$T_RC" "exec --cluster nope: exit status"
t_assert_file_contains "$T_ERR" "kube: no cluster named nope in us-east-1" \
    "exec --cluster nope: the message names the cluster"
t_assert_eq "" "$(cat "$T_OUT")" "exec --cluster nope: nothing on stdout"
t_assert_eq "" "$(ls -A "$XDG_RUNTIME_DIR")" \
    "exec --cluster nope: no private directory left behind"

# --- 6. shell --cluster -------------------------------------------------

cat >"$T_DIR/kshell" <<'EOF'
#!/bin/sh
kubectl --request-timeout=20s get namespaces
exit $?
EOF
chmod 755 "$T_DIR/kshell"
n0=$(nlog)
t_run env SHELL="$T_DIR/kshell" "$ROLEHOP" --config "$cfg" shell kube \
    --cluster e2e
t_assert_eq 0 "$T_RC" "shell kube --cluster e2e: exit status"
t_assert_eq "default kube-system" "$(names)" "shell: namespaces"
t_assert_file_contains "$T_ERR" "rolehop: shell as kube" "shell: banner"
t_assert_file_contains "$T_ERR" "kubectl context e2e" \
    "shell: the banner names the kubectl context"
t_assert_eq '["ok"]' \
    "$(kube_log "sorted({r['verdict'] for r in d[$n0:]})")" \
    "shell: the fake verified kubectl's requests"
t_assert_eq "" "$(ls -A "$XDG_RUNTIME_DIR")" "shell: nothing left in XDG_RUNTIME_DIR"

# A failing shell's status comes back.
printf '#!/bin/sh\nexit 3\n' >"$T_DIR/kshell"
t_run env SHELL="$T_DIR/kshell" "$ROLEHOP" --config "$cfg" shell kube \
    --cluster e2e
t_assert_eq 3 "$T_RC" "shell: the shell's exit status"
t_assert_eq "" "$(ls -A "$XDG_RUNTIME_DIR")" "shell exit 3: nothing left"

# The fake's log holds no whole token (it never does), nor the secret.
t_assert_file_not_contains "$KUBE_LOG" "$secret" "fake log: no secret"
exit 0
