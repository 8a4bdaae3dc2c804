# bash completion for rolehop(1)                          -*- shell-script -*-
#
# Completes commands, global and command options, --format values, TARGET
# names (from `rolehop list`, which reads only the configuration) and, for
# --cluster and --region, the names `rolehop clusters` last found (the
# cluster cache, read directly: no network). Self-contained: it needs
# neither the bash-completion package nor python or jq.
#
# Installed to $(datadir)/bash-completion/completions/rolehop; or load it
# by hand with: . /path/to/rolehop.bash

# The value options, and which options each command takes (see
# rolehop --help and spec/cli.md).
_rolehop_value_opts=" -c --config --timeout --format --cluster --region \
--kubeconfig --alias "
_rolehop_global_opts="-c --config --no-cache --timeout -y --yes -v --verbose \
-h --help -V --version"
_rolehop_commands="list whoami clusters creds env exec shell kubeconfig token \
prompt doctor policy ui"

_rolehop_cmd_opts() {
    case $1 in
    list | whoami | doctor | policy) echo "--json" ;;
    env) echo "--format --json" ;;
    clusters) echo "--all --region --json" ;;
    exec) echo "--static --cluster --region --" ;;
    shell) echo "--static --cluster --region" ;;
    kubeconfig) echo "--cluster --region --kubeconfig --alias" ;;
    token) echo "--cluster --region" ;;
    esac
}

# TARGET names, one a line: the first column of `rolehop list` (its header
# skipped), with the --config of the command line being completed.
_rolehop_targets() {
    local prog=$1 config=$2
    if [[ -n $config ]]; then
        "$prog" --config "$config" list 2>/dev/null
    else
        "$prog" list 2>/dev/null
    fi | awk 'NR > 1 && $1 != "" { print $1 }'
}

# The cluster cache: TARGET<TAB>REGION<TAB>CLUSTER lines.
_rolehop_cache_file() {
    local base=${XDG_CACHE_HOME-}
    [[ $base == /* ]] || base=${HOME-}/.cache
    printf '%s\n' "$base/rolehop/clusters"
}

# Column $2 (2 region, 3 cluster) of the cache lines of target $1 (every
# target when $1 is empty).
_rolehop_cached() {
    local file
    file=$(_rolehop_cache_file)
    [[ -r $file ]] || return 0
    awk -F '\t' -v t="$1" -v col="$2" \
        'NF == 3 && (t == "" || $1 == t) && !seen[$col]++ { print $col }' \
        "$file"
}

_rolehop() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" prefix=""
    local prog=${COMP_WORDS[0]} cmd="" config="" target="" w i
    local after_dashdash="" dashdash_at=0
    local -a args=()

    [[ $prog == */* && -x $prog ]] || prog=rolehop
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # "--opt=value": bash splits at "=" (COMP_WORDBREAKS), or not.
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        prefix=$prev=
        cur=${cur#*=}
    fi

    # What the words before the cursor say.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $after_dashdash ]]; then
            continue
        fi
        case $w in
        --)
            after_dashdash=1
            dashdash_at=$i
            ;;
        --config=*) config=${w#--config=} ;;
        -*=* | =) ;;
        -*)
            if [[ $_rolehop_value_opts == *" $w "* ]]; then
                # the value: the next word, or "=" and the one after
                ((i++))
                [[ ${COMP_WORDS[i]-} == = ]] && ((i++))
                if [[ $w == -c || $w == --config ]] && ((i < COMP_CWORD)); then
                    config=${COMP_WORDS[i]}
                fi
            fi
            ;;
        *)
            if [[ -z $cmd ]]; then
                cmd=$w
            else
                args+=("$w")
            fi
            ;;
        esac
    done
    config=${config/#\~/$HOME}
    target=${args[0]-}
    COMPREPLY=()

    # exec ... -- CMD [ARG]...: a command, then files.
    if [[ -n $after_dashdash ]]; then
        if ((COMP_CWORD == dashdash_at + 1)); then
            mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
        else
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        return 0
    fi

    case $prev in
    -c | --config | --kubeconfig)
        type compopt >/dev/null 2>&1 && compopt -o filenames
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    --format)
        mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "sh fish json" -- "$cur")
        return 0
        ;;
    --cluster)
        mapfile -t COMPREPLY < <(compgen -P "$prefix" \
            -W "$(_rolehop_cached "$target" 3)" -- "$cur")
        return 0
        ;;
    --region)
        mapfile -t COMPREPLY < <(compgen -P "$prefix" \
            -W "$(_rolehop_cached "$target" 2)" -- "$cur")
        return 0
        ;;
    --timeout | --alias)
        return 0
        ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W \
            "$_rolehop_global_opts $(_rolehop_cmd_opts "$cmd")" -- "$cur")
        return 0
    fi
    if [[ -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$_rolehop_commands" -- "$cur")
        return 0
    fi
    case $cmd in
    clusters)
        mapfile -t COMPREPLY < <(compgen -W \
            "$(_rolehop_targets "$prog" "$config")" -- "$cur")
        ;;
    whoami | creds | env | exec | shell | kubeconfig | token | doctor | policy)
        if ((${#args[@]} == 0)); then
            mapfile -t COMPREPLY < <(compgen -W \
                "$(_rolehop_targets "$prog" "$config")" -- "$cur")
        fi
        ;;
    esac
    return 0
}

complete -F _rolehop rolehop
