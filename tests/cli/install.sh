#!/bin/sh
# make install / make uninstall under DESTDIR: the binary, the man page,
# the three shell completions and the Kubernetes manifests land where the
# documentation says; the installed binary runs; uninstall leaves no file.
. "${top_srcdir:-.}/tests/lib.sh"
t_init
[ -f "$top_builddir/Makefile" ] || t_skip "no Makefile in $top_builddir"
dest=$T_DIR/dest
# A make inside make check: no inherited jobserver or flags.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { ${MAKE:-make} -C "$top_builddir" "$@"; }

t_run mk install DESTDIR="$dest"
t_assert_eq 0 "$T_RC" "make install DESTDIR"
prefix=$(sed -n 's|^prefix = ||p' "$top_builddir/Makefile")
[ -n "$prefix" ] || t_error "no prefix in the Makefile"
root=$dest$prefix
for f in bin/rolehop share/man/man1/rolehop.1 \
    share/bash-completion/completions/rolehop \
    share/zsh/site-functions/_rolehop \
    share/fish/vendor_completions.d/rolehop.fish \
    share/doc/rolehop/k8s/deployment.yaml \
    share/doc/rolehop/k8s/serviceaccount.yaml \
    share/doc/rolehop/k8s/aws-config.yaml \
    share/doc/rolehop/k8s/rolehop-config.yaml \
    share/doc/rolehop/k8s/00-namespace.yaml \
    share/doc/rolehop/k8s/Kustomization; do
    [ -f "$root/$f" ] || t_fail "not installed: $prefix/$f"
done
[ -x "$root/bin/rolehop" ] || t_fail "the installed binary is not executable"
cmp -s "$top_srcdir/data/completions/rolehop.bash" \
    "$root/share/bash-completion/completions/rolehop" ||
    t_fail "the bash completion is not data/completions/rolehop.bash"
t_run "$root/bin/rolehop" --version
t_assert_eq 0 "$T_RC" "installed rolehop --version"
t_assert_contains "$(cat "$T_OUT")" "rolehop " "installed rolehop --version output"
# The installed completion loads and completes with the installed binary.
if command -v bash >/dev/null 2>&1; then
    t_run bash --norc --noprofile -c '. "$1"; COMP_WORDS=(rolehop wh); COMP_CWORD=1;
        _rolehop; printf "%s\n" "${COMPREPLY[@]}"' bash \
        "$root/share/bash-completion/completions/rolehop"
    t_assert_eq whoami "$(cat "$T_OUT")" "the installed bash completion"
fi

t_run mk uninstall DESTDIR="$dest"
t_assert_eq 0 "$T_RC" "make uninstall DESTDIR"
left=$(find "$dest" -type f -o -type l)
t_assert_eq "" "$left" "no file left after uninstall"
exit 0
