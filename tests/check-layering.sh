#!/usr/bin/env bash
# The include direction of docs/architecture.md ("Layering"), checked on
# the sources as written.  The compiler's include roots (xen/Makefile)
# already make most violations fail to build; this also catches what a
# root cannot express: vendor-private headers, relative includes that
# climb out of their directory, and common code reaching into the
# architecture's vCPU state.  Prints one line per violation; exits 1 if
# there is any.
set -u
cd "$(dirname "$0")/.."
bad=0

violation() {	# violation FILE[:LINE] WHAT
	echo "layering: $1: $2"
	bad=1
}

# grep_violations WHAT GREP-ARGS...: each grep -rn hit is a violation.
grep_violations() {
	local what=$1 line
	shift
	while IFS= read -r line; do
		violation "$(cut -d: -f1,2 <<<"$line")" "$what: $(cut -d: -f3- <<<"$line" | sed 's/^[[:space:]]*//')"
	done < <(grep -rnE --include='*.c' --include='*.h' --include='*.S' "$@")
}

# check_includes DIR ALLOWED-REGEX: every <...> include under DIR names
# an allowed root (the C headers the freestanding build has are allowed).
check_includes() {
	local dir=$1 allowed=$2 line file rest hdr
	while IFS= read -r line; do
		file=${line%%:*}; rest=${line#*:}
		hdr=$(sed -E 's/.*#include <([^>]*)>.*/\1/' <<<"$rest")
		[[ $hdr =~ ^(stdarg|stdbool|stddef|stdint)\.h$ ]] && continue
		[[ $hdr =~ $allowed ]] ||
			violation "$file:${rest%%:*}" "<$hdr> is outside the include roots of $dir/"
	done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$dir" \
		--include='*.c' --include='*.h' --include='*.S' --include='*.lds.S')
}

check_includes xen '^(xen|asm|public)/'
check_includes hvm '^(xen|asm|public|hvm)/'
check_includes pv '^(xen|asm|public|pv)/|^hvm/vcpu\.h$'
[ -d devmodel ] && check_includes devmodel '^(xen|asm|public|hvm|devmodel)/'

# "..." includes stay in their own directory.
grep_violations "relative include climbs out of its directory" \
	-e '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' xen hvm pv

# Only svm/ sees the VMCB, only vmx/ the VMCS.
for v in svm vmx; do
	while IFS= read -r line; do
		case ${line%%:*} in hvm/$v/*) continue ;; esac
		violation "${line%%:*}" "includes a $v-private header"
	done < <(grep -rnE "#[[:space:]]*include[[:space:]]*[<\"](hvm/)?$v/" \
		xen hvm pv --include='*.c' --include='*.h' --include='*.S')
done

# Common code and the boot-time builders see the vCPU's architecture
# state only through xen/arch_vcpu.h: v->hvm is an opaque pointer there.
grep_violations "dereferences architecture vCPU state" -e '->hvm(->|\.)' xen pv

# sched.h must not pull in HVM state (already implied by the roots).
grep -qE '#[[:space:]]*include[[:space:]]*<hvm/' xen/include/xen/sched.h &&
	violation xen/include/xen/sched.h "includes an hvm/ header"

exit $bad
