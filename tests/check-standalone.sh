#!/usr/bin/env bash
# The repository stands alone (docs/architecture.md "Principles"): no
# tracked file outside docs/ may send a reader to the team's notes outside
# it.  Citations belong to docs/, Xen's public headers or the vendor
# manuals; tools/dev/fix-doc-citations.sh rewrites the old ones.  (docs/
# itself may name the old notes, e.g. to describe this check.)  Prints one
# line per offending line; exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
pat='\.\./shared|/work/shared|xen-abi-map|xen-toolstack-hvm-notes|DESIGN\.md|DESIGN §|STYLE\.md|bochs\.md'
exclude=(":!docs/" ":!tests/check-standalone.sh" ":!tools/dev/fix-doc-citations.sh")

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -nE "$pat" -- . "${exclude[@]}")
else	# an exported tree: every file but build outputs
	hits=$(grep -rnE "$pat" . --exclude-dir=build --exclude-dir=.git \
		--exclude-dir=docs \
		--exclude=check-standalone.sh --exclude=fix-doc-citations.sh)
fi
[ -z "$hits" ] && exit 0
sed 's/^/standalone: cites a note outside the repository: /' <<<"$hits"
echo "standalone: run tools/dev/fix-doc-citations.sh, or cite docs/ instead"
exit 1
