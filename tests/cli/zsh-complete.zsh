# tests/cli/zsh-complete.zsh FPATH_DIR LINE PATTERN: type LINE and Tab in an
# interactive zsh (zsh/zpty) with compinit and FPATH_DIR on $fpath; wait
# until the screen matches the glob PATTERN, print it (escape sequences and
# carriage returns removed). The caller bounds the wait with timeout(1).
zmodload zsh/zpty || exit 99
zpty -b z zsh -f -i
zpty -w z "PS1='%% '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D; setopt nobeep; unsetopt listambiguous; LISTMAX=1000; echo READY"
zpty -r -m z out '*READY*' || exit 99
zpty -w -n z "$2"$'\t'
zpty -r -m z out "$3" || exit 1
print -r -- "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
zpty -d z
