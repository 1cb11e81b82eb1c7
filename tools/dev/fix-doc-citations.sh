#!/usr/bin/env bash
# Rewrite citations of the team's out-of-tree notes into citations of the
# repository's own docs/ (the repository must stand alone; see
# docs/architecture.md "Principles").  Mechanical and idempotent: run it
# after merging code written against the old notes, then
# tests/check-standalone.sh must pass.
#
#   tools/dev/fix-doc-citations.sh [FILE...]    (default: every tracked file)
#
# Mapping (docs/xen-abi.md and docs/xen-toolstack.md keep the section
# identifiers of the notes they replace, so "§A.6 step 5" stays valid):
#   ../shared/X, /work/shared/X           -> X, then as below
#   xen-abi-map.md [§]S                   -> docs/xen-abi.md §S
#   xen-toolstack-hvm-notes.md [§]S       -> docs/xen-toolstack.md §S
#   ONE table (DESIGN.md §3)              -> ONE table (docs/architecture.md "Hypercalls")
#   DESIGN.md §1 / §2                     -> docs/architecture.md "Principles" / "The running system"
#   DESIGN.md §3                          -> docs/architecture.md "Layering"
#   DESIGN.md §4                          -> docs/xen-abi.md §0
#   DESIGN.md §5                          -> docs/architecture.md "The vCPU interface"
#   DESIGN.md §6                          -> docs/architecture.md "Scheduling"
#   DESIGN.md §7                          -> docs/testing.md
#   DESIGN.md (other)                     -> docs/architecture.md
#   STYLE.md error table                  -> docs/style.md "Errors"
#   STYLE.md                              -> docs/style.md
#   bochs.md                              -> docs/testing.md "Bochs"
# Lines that grow past 80 columns are listed at the end for rewrapping.
set -euo pipefail
cd "$(dirname "$0")/../.."
self=tools/dev/fix-doc-citations.sh
check=tests/check-standalone.sh
pat='\.\./shared|/work/shared|xen-abi-map|xen-toolstack-hvm-notes|DESIGN(\.md)? §|DESIGN\.md|STYLE\.md|bochs\.md'

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git grep -lE "$pat" -- . ":!$self" ":!$check" ":!docs/" || true)
fi
[ ${#files[@]} -gt 0 ] || { echo "fix-doc-citations: nothing to rewrite"; exit 0; }

# ASCII sed with the UTF-8 section sign spelled out, so any locale works.
S=$'\xc2\xa7'
for f in "${files[@]}"; do
	LC_ALL=C sed -E -i \
		-e 's#(\.\./|/work/)shared/##g' \
		-e "s#xen-abi-map\\.md ([A-F0-9])#docs/xen-abi.md $S\\1#g" \
		-e 's#xen-abi-map\.md#docs/xen-abi.md#g' \
		-e "s#xen-toolstack-hvm-notes\\.md ([A-F][.0-9])#docs/xen-toolstack.md $S\\1#g" \
		-e 's#xen-toolstack-hvm-notes\.md#docs/xen-toolstack.md#g' \
		-e "s#ONE table \\(DESIGN(\\.md)? $S""3\\)#ONE table (docs/architecture.md \"Hypercalls\")#g" \
		-e "s#DESIGN(\\.md)? $S""1#docs/architecture.md \"Principles\"#g" \
		-e "s#DESIGN(\\.md)? $S""2#docs/architecture.md \"The running system\"#g" \
		-e "s#DESIGN(\\.md)? $S""3#docs/architecture.md \"Layering\"#g" \
		-e "s#DESIGN(\\.md)? $S""4#docs/xen-abi.md $S""0#g" \
		-e "s#DESIGN(\\.md)? $S""5#docs/architecture.md \"The vCPU interface\"#g" \
		-e "s#DESIGN(\\.md)? $S""6#docs/architecture.md \"Scheduling\"#g" \
		-e "s#DESIGN(\\.md)? $S""7#docs/testing.md#g" \
		-e "s#DESIGN(\\.md)? $S""[0-9]+#docs/architecture.md#g" \
		-e 's#DESIGN\.md#docs/architecture.md#g' \
		-e 's#STYLE\.md error table#docs/style.md "Errors"#g' \
		-e 's#STYLE\.md#docs/style.md#g' \
		-e 's#bochs\.md#docs/testing.md "Bochs"#g' \
		"$f"
	echo "fix-doc-citations: $f"
done

# Report (do not rewrap) lines the longer names pushed past 80 columns.
for f in "${files[@]}"; do
	case $f in *.c|*.h|*.S|*.sh|Makefile|*/Makefile) ;; *) continue ;; esac
	expand -t 8 "$f" | awk -v f="$f" 'length > 80 && /docs\// { printf "fix-doc-citations: %s:%d is %d columns\n", f, NR, length }'
done
