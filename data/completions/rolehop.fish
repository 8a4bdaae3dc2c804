# fish completion for rolehop(1).
#
# Completes commands, global and command options, --format values, TARGET
# names (from `rolehop list`, which reads only the configuration) and, for
# --cluster and --region, the names `rolehop clusters` last found (the
# cluster cache, read directly: no network).
#
# Installed to $(datadir)/fish/vendor_completions.d/rolehop.fish.

set -l __rolehop_commands list whoami clusters creds env exec shell kubeconfig token prompt doctor policy ui

# The words before the cursor, parsed: prints "CONFIG<TAB>COMMAND<TAB>TARGET".
function __rolehop_scan
    set -l words (commandline -opc)
    set -l config ''
    set -l cmd ''
    set -l target ''
    set -l skip 0
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        set i (math $i + 1)
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --
                break
            case '--config=*'
                set config (string replace -- --config= '' $w)
            case -c --config
                if test $i -le (count $words)
                    set config $words[$i]
                end
                set skip 1
            case --timeout --format --cluster --region --kubeconfig --alias
                set skip 1
            case '-*'
            case '*'
                if test -z "$cmd"
                    set cmd $w
                else if test -z "$target"
                    set target $w
                end
        end
    end
    printf '%s\t%s\t%s\n' $config $cmd $target
end

function __rolehop_prog
    set -l p (commandline -opc)[1]
    if string match -q -- '*/*' $p; and test -x $p
        echo $p
    else
        echo rolehop
    end
end

function __rolehop_command
    __rolehop_scan | cut -f 2
end

function __rolehop_needs_target
    set -l s (string split \t -- (__rolehop_scan))
    contains -- $s[2] whoami creds env exec shell kubeconfig token doctor policy clusters
    and begin
        test -z "$s[3]"; or test "$s[2]" = clusters
    end
end

function __rolehop_targets
    set -l config (__rolehop_scan | cut -f 1)
    set -l prog (__rolehop_prog)
    if test -n "$config"
        $prog --config $config list 2>/dev/null
    else
        $prog list 2>/dev/null
    end | awk 'NR > 1 && $1 != "" { print $1 }'
end

# Column $argv[1] (2 region, 3 cluster) of the cluster cache.
function __rolehop_cached
    set -l base $XDG_CACHE_HOME
    string match -q -- '/*' "$base"; or set base $HOME/.cache
    set -l file $base/rolehop/clusters
    test -r $file; or return 0
    set -l target (__rolehop_scan | cut -f 3)
    awk -F '\t' -v t="$target" -v col=$argv[1] \
        'NF == 3 && (t == "" || $1 == t) && !seen[$col]++ { print $col }' $file
end

function __rolehop_in
    contains -- (__rolehop_command) $argv
end

complete -c rolehop -f

# Global options: before or after the command.
complete -c rolehop -s c -l config -r -F -d 'the rolehop config'
complete -c rolehop -l no-cache -d 'neither read nor write the caches'
complete -c rolehop -l timeout -x -d 'the most one request may take (seconds)'
complete -c rolehop -s y -l yes -d 'no question for confirm: true targets'
complete -c rolehop -s v -l verbose -d 'diagnostics on standard error'
complete -c rolehop -s h -l help -d 'print the usage'
complete -c rolehop -s V -l version -d 'print the version'

# Commands.
complete -c rolehop -n 'test -z (__rolehop_command)' -a list -d 'every target with its chain of hops'
complete -c rolehop -n 'test -z (__rolehop_command)' -a whoami -d 'assume the chain, show every hop'
complete -c rolehop -n 'test -z (__rolehop_command)' -a clusters -d 'EKS clusters of the targets'
complete -c rolehop -n 'test -z (__rolehop_command)' -a creds -d 'credential_process JSON'
complete -c rolehop -n 'test -z (__rolehop_command)' -a env -d 'statements that load the credentials'
complete -c rolehop -n 'test -z (__rolehop_command)' -a exec -d 'run a command as the target'
complete -c rolehop -n 'test -z (__rolehop_command)' -a shell -d 'an interactive shell as the target'
complete -c rolehop -n 'test -z (__rolehop_command)' -a kubeconfig -d 'merge a kubeconfig context'
complete -c rolehop -n 'test -z (__rolehop_command)' -a token -d 'ExecCredential JSON for kubectl'
complete -c rolehop -n 'test -z (__rolehop_command)' -a prompt -d 'a PS1 segment for rolehop shells'
complete -c rolehop -n 'test -z (__rolehop_command)' -a doctor -d 'diagnose the setup and each hop'
complete -c rolehop -n 'test -z (__rolehop_command)' -a policy -d 'the IAM and EKS setup a target needs'
complete -c rolehop -n 'test -z (__rolehop_command)' -a ui -d 'the interactive interface'

# TARGET.
complete -c rolehop -n __rolehop_needs_target -a '(__rolehop_targets)'

# Command options.
complete -c rolehop -n '__rolehop_in list whoami env clusters doctor policy' -l json -d 'print JSON'
complete -c rolehop -n '__rolehop_in env' -l format -x -a 'sh fish json' -d 'the statements\' shell'
complete -c rolehop -n '__rolehop_in clusters' -l all -d 'every target'
complete -c rolehop -n '__rolehop_in exec shell' -l static -d 'plain keys in the environment'
complete -c rolehop -n '__rolehop_in exec shell kubeconfig token' -l cluster -x -a '(__rolehop_cached 3)' -d 'the EKS cluster'
complete -c rolehop -n '__rolehop_in exec shell kubeconfig token clusters' -l region -x -a '(__rolehop_cached 2)' -d 'the AWS region'
complete -c rolehop -n '__rolehop_in kubeconfig' -l kubeconfig -r -F -d 'the kubeconfig to merge into'
complete -c rolehop -n '__rolehop_in kubeconfig' -l alias -x -d 'the context name'
