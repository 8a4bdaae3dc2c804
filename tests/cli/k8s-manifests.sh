#!/bin/sh
# data/k8s: the manifests that run rolehop in a pod parse as Kubernetes
# objects (kubectl apply --dry-run=client, against a discovery-only fake
# API server: no cluster), carry the IRSA annotation, mount both ConfigMaps
# where the environment says, are locked down (non-root, read-only root,
# no privilege escalation) - and the configs they ship are valid for
# rolehop itself.
. "${top_srcdir:-.}/tests/lib.sh"
t_init
command -v kubectl >/dev/null 2>&1 || t_skip "kubectl is not installed"
command -v python3 >/dev/null 2>&1 || t_skip "python3 is not installed"
K8S=$top_srcdir/data/k8s

# --- The fake API server and a kubeconfig for it.
python3 "$top_srcdir/tests/fake/fake_discovery.py" --lifetime 120 \
    >"$T_DIR/disc.port" 2>"$T_DIR/disc.err" </dev/null &
disc_pid=$!
t_cleanup_add "t_stop_pid $disc_pid"
t_wait_for "test -s '$T_DIR/disc.port'" 10 ||
    t_error "fake_discovery did not start: $(cat "$T_DIR/disc.err")"
cat >"$T_DIR/kubeconfig" <<CFG
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: http://127.0.0.1:$(cat "$T_DIR/disc.port")
contexts:
- name: fake
  context: {cluster: fake, user: nobody}
users:
- name: nobody
  user: {}
current-context: fake
CFG
KUBECONFIG=$T_DIR/kubeconfig
export KUBECONFIG

# --- kubectl parses every file; -k gives the same objects.
t_run kubectl apply --dry-run=client --validate=false -f "$K8S/" -o json
t_assert_eq 0 "$T_RC" "kubectl apply --dry-run=client -f data/k8s/"
cp "$T_OUT" "$T_DIR/objects.json"
j() { t_json "$1" "$T_DIR/objects.json"; }
t_assert_eq '["ConfigMap/rolehop-aws-config", "ConfigMap/rolehop-config", "Deployment/rolehop", "Namespace/rolehop", "ServiceAccount/rolehop"]' \
    "$(j 'sorted(o["kind"] + "/" + o["metadata"]["name"] for o in d["items"])')" \
    "the objects"
t_run kubectl apply --dry-run=client --validate=false -k "$K8S/" -o name
t_assert_eq 0 "$T_RC" "kubectl apply --dry-run=client -k data/k8s/"
t_assert_eq 5 "$(wc -l <"$T_OUT" | tr -d ' ')" "-k: the same five objects"

obj='(lambda k: [o for o in d["items"] if o["kind"] == k][0])'
cm='(lambda n: [o for o in d["items"] if o["kind"] == "ConfigMap" and o["metadata"]["name"] == n][0])'
pod="$obj(\"Deployment\")[\"spec\"][\"template\"][\"spec\"]"
ctr="$pod[\"containers\"][0]"
env="{e[\"name\"]: e.get(\"value\") for e in $ctr[\"env\"]}"

# --- The service account: IRSA.
t_assert_eq arn:aws:iam::111111111111:role/ci-account-iam-role \
    "$(j "$obj(\"ServiceAccount\")[\"metadata\"][\"annotations\"][\"eks.amazonaws.com/role-arn\"]")" \
    "the role-arn annotation"
t_assert_eq rolehop "$(j "$pod[\"serviceAccountName\"]")" "the pod's service account"
t_assert_eq '["rolehop"]' \
    "$(j 'sorted(set(o["metadata"].get("namespace", o["metadata"]["name"]) for o in d["items"]))')" \
    "one namespace for everything"

# --- The container: waits for kubectl exec; the environment names the
# mounted configs.
t_assert_eq '["sleep", "infinity"]' "$(j "$ctr[\"command\"]")" "command"
t_assert_eq /etc/rolehop/aws/config "$(j "$env[\"AWS_CONFIG_FILE\"]")" "AWS_CONFIG_FILE"
t_assert_eq /etc/rolehop/config.yaml "$(j "$env[\"ROLEHOP_CONFIG\"]")" "ROLEHOP_CONFIG"
# Each file the environment names is a key of a ConfigMap mounted there.
# (mount, volume) pairs that serve the file path: a subPath mount at the
# path itself, or a directory mount holding the path's base name.
mounted='(lambda path: [(m, v) for m in CTR["volumeMounts"] for v in POD["volumes"] if v["name"] == m["name"] and "configMap" in v and ((m.get("subPath") and m["mountPath"] == path) or (not m.get("subPath") and m["mountPath"].rstrip("/") + "/" + path.rsplit("/", 1)[1] == path))])'
mounted=$(printf '%s' "$mounted" | sed "s|CTR|$ctr|g; s|POD|$pod|g")
t_assert_eq rolehop-aws-config \
    "$(j "$mounted($env[\"AWS_CONFIG_FILE\"])[0][1][\"configMap\"][\"name\"]")" \
    "AWS_CONFIG_FILE is in the mounted AWS config ConfigMap"
t_assert_eq true "$(j "'config' in $cm(\"rolehop-aws-config\")[\"data\"]")" \
    "the AWS ConfigMap has the key config"
t_assert_eq rolehop-config \
    "$(j "$mounted($env[\"ROLEHOP_CONFIG\"])[0][1][\"configMap\"][\"name\"]")" \
    "ROLEHOP_CONFIG is the mounted rolehop ConfigMap"
t_assert_eq true "$(j "'config.yaml' in $cm(\"rolehop-config\")[\"data\"]")" \
    "the rolehop ConfigMap has the key config.yaml"
t_assert_eq true "$(j "all(m.get(\"readOnly\") for m in $ctr[\"volumeMounts\"] if m[\"name\"] != \"home\")")" \
    "the configs are mounted read-only"

# --- Locked down, with writable HOME, cache and runtime directories.
t_assert_eq true "$(j "$pod[\"securityContext\"][\"runAsNonRoot\"]")" "runAsNonRoot"
t_assert_eq true "$(j "$ctr[\"securityContext\"][\"readOnlyRootFilesystem\"]")" \
    "readOnlyRootFilesystem"
t_assert_eq false "$(j "$ctr[\"securityContext\"][\"allowPrivilegeEscalation\"]")" \
    "allowPrivilegeEscalation"
t_assert_eq '["ALL"]' "$(j "$ctr[\"securityContext\"][\"capabilities\"][\"drop\"]")" \
    "every capability dropped"
home_mount="[m[\"mountPath\"] for m in $ctr[\"volumeMounts\"] for v in $pod[\"volumes\"] if v[\"name\"] == m[\"name\"] and \"emptyDir\" in v][0]"
for v in HOME XDG_CACHE_HOME XDG_RUNTIME_DIR; do
    t_assert_eq true "$(j "($env[\"$v\"] + \"/\").startswith($home_mount + \"/\")")" \
        "$v is on the emptyDir"
done
t_assert_eq true "$(j "bool($ctr[\"resources\"][\"limits\"][\"memory\"]) and bool($ctr[\"resources\"][\"requests\"][\"cpu\"])")" \
    "resources set"

# --- The shipped configs are valid for rolehop: extract them and list.
j "$cm(\"rolehop-aws-config\")[\"data\"][\"config\"]" >"$T_DIR/aws-config"
j "$cm(\"rolehop-config\")[\"data\"][\"config.yaml\"]" >"$T_DIR/rolehop.yaml"
AWS_ENDPOINT_URL=http://127.0.0.1:9
export AWS_ENDPOINT_URL
t_run env AWS_CONFIG_FILE="$T_DIR/aws-config" ROLEHOP_CONFIG="$T_DIR/rolehop.yaml" \
    AWS_SHARED_CREDENTIALS_FILE="$T_DIR/none" "$ROLEHOP" list --json
t_assert_eq 0 "$T_RC" "rolehop list on the shipped configs"
t_assert_eq "" "$(cat "$T_ERR")" "no warning on the shipped configs"
cp "$T_OUT" "$T_DIR/list.json"
l() { t_json "$1" "$T_DIR/list.json"; }
t_assert_eq '["dev", "prod", "ci-env", "target-env"]' \
    "$(l '[t["name"] for t in d["targets"]]')" "the shipped targets"
t_assert_eq '[["web-identity", "arn:aws:iam::111111111111:role/ci-account-iam-role"], ["assume-role", "arn:aws:iam::222222222222:role/target-account-iam-role"]]' \
    "$(l '[[h["kind"], h["role_arn"]] for h in d["targets"][3]["chain"]]')" \
    "target-env: the walkthrough's chain"
t_assert_eq /var/run/secrets/eks.amazonaws.com/serviceaccount/token \
    "$(l 'd["targets"][3]["chain"][0]["token_file"]')" "the IRSA token file"
t_assert_eq '["web-identity", "assume-role"]' \
    "$(l '[h["kind"] for h in d["targets"][0]["chain"]]')" "dev chains from ci-env"
t_assert_eq target-env "$(j "$env[\"AWS_PROFILE\"]")" "AWS_PROFILE"
t_assert_contains "$(l '[t["name"] for t in d["targets"]]')" \
    "\"$(j "$env[\"AWS_PROFILE\"]")\"" "AWS_PROFILE names a shipped target"
exit 0
