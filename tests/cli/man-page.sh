#!/bin/sh
# The man page keeps up with --help: every command and every option that
# --help lists has its entry in rolehop(1) (COMMANDS, OPTIONS), and the
# page renders without a groff warning.
. "${top_srcdir:-.}/tests/lib.sh"
t_init
command -v groff >/dev/null 2>&1 || t_skip "groff is not installed"

MAN=$top_srcdir/data/rolehop.1
t_run "$ROLEHOP" --help
t_assert_eq 0 "$T_RC" "--help status"
cp "$T_OUT" "$T_DIR/help"

groff -man -Tutf8 -ww -z "$MAN" 2>"$T_DIR/groff.err"
t_assert_eq "" "$(cat "$T_DIR/groff.err")" "groff warnings"

# Rendered without hyphenation, so an entry's term starts its line (7
# spaces of indent) and options read as typed.
render() {
    groff -man -Tutf8 -P-cbou -rHY=0 "$MAN" 2>/dev/null |
        sed -n "/^$1\$/,/^[A-Z][A-Z ]*\$/p" | sed '1d;$d'
}
render COMMANDS >"$T_DIR/commands"
render OPTIONS >"$T_DIR/options"
[ -s "$T_DIR/commands" ] || t_fail "no COMMANDS section rendered"
[ -s "$T_DIR/options" ] || t_fail "no OPTIONS section rendered"

commands=$(sed -n '/^Commands:/,/^$/p' "$T_DIR/help" |
    sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p' | sort -u)
[ -n "$commands" ] || t_fail "no command found in --help"
for c in $commands; do
    grep -Eq "^       $c( |\$)" "$T_DIR/commands" ||
        t_fail "command $c (in --help) has no entry in COMMANDS of rolehop(1)"
done

options=$(sed -n '/^Options:/,/^$/p' "$T_DIR/help" |
    grep -Eo -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] || t_fail "no option found in --help"
for o in $options; do
    grep -Eq -- "^       (-[a-zA-Z], )?$o( |,|\$)" "$T_DIR/options" ||
        t_fail "option $o (in --help) has no entry in OPTIONS of rolehop(1)"
done
exit 0
