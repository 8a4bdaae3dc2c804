#!/bin/sh
# Shell completions (data/completions): bash always (the file is sourced
# and its function called with COMP_WORDS/COMP_CWORD set), zsh and fish
# when installed (syntax; fish's `complete -C` output). Commands come from
# `rolehop --help`, so a command added there and not to the completions
# fails here; targets come from a test AWS config, clusters and regions
# from a seeded cluster cache.
. "${top_srcdir:-.}/tests/lib.sh"
t_init
command -v bash >/dev/null 2>&1 || t_skip "bash is not installed"
C=$top_srcdir/data/completions

mkdir -p "$XDG_CACHE_HOME/rolehop" "$T_DIR/bin"
cat >"$T_DIR/aws-config" <<CFG
[profile ci-env]
role_arn = arn:aws:iam::111111111111:role/ci-account-iam-role
web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
region = us-east-1

[profile target-env]
role_arn = arn:aws:iam::222222222222:role/target-account-iam-role
source_profile = ci-env
CFG
cat >"$T_DIR/rolehop.yaml" <<CFG
targets:
  - name: from-yaml
    role_arn: arn:aws:iam::333333333333:role/x
    source: ci-env
CFG
printf 'target-env\tus-east-1\tweb\ntarget-env\teu-west-1\tweb-eu\nci-env\tus-west-2\tci-only\n' \
    >"$XDG_CACHE_HOME/rolehop/clusters"
AWS_CONFIG_FILE=$T_DIR/aws-config
AWS_SHARED_CREDENTIALS_FILE=$T_DIR/none
AWS_ENDPOINT_URL=http://127.0.0.1:9
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL
# The completions run "rolehop" from PATH.
ln -s "$ROLEHOP" "$T_DIR/bin/rolehop"
PATH=$T_DIR/bin:$PATH
export PATH

# The commands and long options of --help (plus the two of the CLI
# contract that live on another branch).
"$ROLEHOP" --help >"$T_DIR/help" || t_error "rolehop --help failed"
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$T_DIR/help" |
    sort -u | tr '\n' ' ')
commands="$commands doctor policy"
t_assert_contains "$commands" "kubeconfig" "commands parsed from --help"
options=$(grep -o -- '--[a-z][a-z-]*' "$T_DIR/help" | sort -u | tr '\n' ' ')
t_assert_contains "$options" "--no-cache" "options parsed from --help"

# complete_bash WORD... : COMPREPLY (one a line, sorted) for the words, the
# last being the one under the cursor.
complete_bash() {
    bash --norc --noprofile -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _rolehop
        printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$C/rolehop.bash" "$@"
}
lines() { printf '%s\n' "$@" | sort; }

# --- bash
t_run bash -n "$C/rolehop.bash"
t_assert_eq 0 "$T_RC" "bash: syntax"
got=$(complete_bash rolehop "")
for c in $commands; do
    t_assert_contains " $(echo $got) " " $c " "bash: command $c"
done
# Every option of --help is offered for some command.
got=$(for c in $commands; do complete_bash rolehop "$c" --; done)
for o in $options; do
    t_assert_contains " $(echo $got) " " $o " "bash: option $o"
done
t_assert_eq "whoami" "$(complete_bash rolehop wh)" "bash: a command prefix"
t_assert_eq "$(lines ci-env target-env)" "$(complete_bash rolehop whoami "")" \
    "bash: targets from the AWS config"
t_assert_eq "$(lines ci-env from-yaml target-env)" \
    "$(complete_bash rolehop -c "$T_DIR/rolehop.yaml" shell "")" \
    "bash: --config reaches rolehop list"
t_assert_eq "$(lines ci-env from-yaml target-env)" \
    "$(complete_bash rolehop --config="$T_DIR/rolehop.yaml" clusters ci-env "")" \
    "bash: clusters takes several targets; --config=FILE"
t_assert_eq "" "$(complete_bash rolehop creds target-env "")" \
    "bash: one TARGET only"
t_assert_eq "--json" "$(complete_bash rolehop list --j)" "bash: list --json"
t_assert_not_contains "$(complete_bash rolehop list --)" "--cluster" \
    "bash: list takes no --cluster"
t_assert_eq "$(lines --kubeconfig)" "$(complete_bash rolehop kubeconfig --k)" \
    "bash: kubeconfig's options"
t_assert_eq "$(lines --static)" "$(complete_bash rolehop exec target-env --s)" \
    "bash: exec --static"
t_assert_eq "" "$(complete_bash rolehop creds --f)" "bash: creds takes no --format"
t_assert_eq "$(lines fish json sh)" "$(complete_bash rolehop env target-env --format "")" \
    "bash: --format values"
t_assert_eq "--format=json" "$(complete_bash rolehop env target-env --format=j)" \
    "bash: --format=VALUE in one word"
t_assert_eq "json" "$(complete_bash rolehop env target-env --format = j)" \
    "bash: --format=VALUE split at ="
t_assert_eq "$(lines web web-eu)" \
    "$(complete_bash rolehop exec target-env --cluster "")" \
    "bash: the target's clusters from the cache"
t_assert_eq "ci-only" "$(complete_bash rolehop token ci-env --cluster "")" \
    "bash: only that target's clusters"
t_assert_eq "$(lines ci-only web web-eu)" \
    "$(complete_bash rolehop token --cluster "")" \
    "bash: every cached cluster before the target is known"
t_assert_eq "$(lines eu-west-1 us-east-1)" \
    "$(complete_bash rolehop kubeconfig target-env --region "")" \
    "bash: the target's regions from the cache"
t_assert_eq "web-eu" "$(complete_bash rolehop -v shell --static target-env --cluster web-)" \
    "bash: options before the target are skipped"
t_assert_contains "$(complete_bash rolehop exec target-env -- bas)" "bash" \
    "bash: a command after --"
XDG_CACHE_HOME=$T_DIR/nowhere
t_assert_eq "" "$(complete_bash rolehop exec target-env --cluster "")" \
    "bash: no cache, no clusters"
XDG_CACHE_HOME=$HOME/.cache

# --- zsh
if command -v zsh >/dev/null 2>&1; then
    t_run zsh -n "$C/_rolehop"
    t_assert_eq 0 "$T_RC" "zsh: syntax"
    for c in $commands; do
        t_assert_file_contains "$C/_rolehop" "'$c:" "zsh: command $c"
    done
    # The real thing, in an interactive zsh on a pseudo-terminal.
    complete_zsh() {
        t_run timeout 20 zsh -f "$top_srcdir/tests/cli/zsh-complete.zsh" \
            "$C" "$1" "$2"
        t_assert_eq 0 "$T_RC" "zsh: completing [$1]"
    }
    complete_zsh "rolehop " "*policy*whoami*"
    t_assert_contains "$(cat "$T_OUT")" "doctor" "zsh: commands"
    complete_zsh "rolehop whoami " "*target-env*"
    t_assert_contains "$(cat "$T_OUT")" "ci-env" "zsh: targets"
    complete_zsh "rolehop exec target-env --cluster " "*web-eu*"
    t_assert_not_contains "$(cat "$T_OUT")" "ci-only" "zsh: the target's clusters only"
    complete_zsh "rolehop env target-env --format " "*json*"
    t_assert_contains "$(cat "$T_OUT")" "fish" "zsh: --format values"
else
    echo "note: zsh is not installed; its completion is not checked" >&2
fi

# --- fish
if command -v fish >/dev/null 2>&1; then
    t_run fish -n "$C/rolehop.fish"
    t_assert_eq 0 "$T_RC" "fish: syntax"
    complete_fish() {
        fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
            "$C/rolehop.fish" "$1" | cut -f 1 | sort
    }
    got=$(complete_fish "rolehop ")
    for c in $commands; do
        t_assert_contains " $(echo $got) " " $c " "fish: command $c"
    done
    got=$(for c in $commands; do complete_fish "rolehop $c --"; done)
    for o in $options; do
        t_assert_contains " $(echo $got) " " $o " "fish: option $o"
    done
    t_assert_eq "$(lines ci-env target-env)" "$(complete_fish "rolehop whoami ")" \
        "fish: targets"
    t_assert_eq "$(lines ci-env from-yaml target-env)" \
        "$(complete_fish "rolehop --config $T_DIR/rolehop.yaml env ")" \
        "fish: --config reaches rolehop list"
    t_assert_eq "$(lines fish json sh)" "$(complete_fish "rolehop env target-env --format ")" \
        "fish: --format values"
    t_assert_eq "$(lines web web-eu)" "$(complete_fish "rolehop exec target-env --cluster ")" \
        "fish: clusters from the cache"
    t_assert_eq "$(lines eu-west-1 us-east-1)" \
        "$(complete_fish "rolehop token target-env --region ")" "fish: regions"
    t_assert_contains "$(complete_fish "rolehop policy --")" "--json" "fish: policy --json"
else
    echo "note: fish is not installed; its completion is not checked" >&2
fi
exit 0
