#!/usr/bin/env bash
# The repository stands alone (docs/architecture.md "Principles"): what a
# tracked file cites must be in the repository too.  Two rules, checked
# on every tracked text file:
#  - a Markdown document named anywhere (a name ending in .md, with or
#    without its directory), or a document cited by section under an
#    upper-case name (a section sign after it), must be a file of the
#    repository (a bare name may live in any directory);
#  - a relative path that climbs (starts with ../) must, resolved from
#    the citing file's directory, stay inside the repository and name
#    something in it (the build/ output directory included).
# Citations belong to docs/, Xen's public headers or the vendor manuals.
# Prints one line per offending citation; exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files)
else	# an exported tree: every file but build outputs
	mapfile -t files < <(find . -path ./build -prune -o -path ./.git -prune \
		-o -type f -print | sed 's|^\./||')
fi
declare -A have_path have_name
have_path[.]=1
have_path[build]=1
for f in "${files[@]}"; do
	have_name[${f##*/}]=1
	while [ -z "${have_path[$f]:-}" ]; do	# the file and its directories
		have_path[$f]=1
		[[ $f == */* ]] || break
		f=${f%/*}
	done
done

bad=0
report() { echo "standalone: $1: cites $2, which is not in the repository"; bad=1; }

for f in "${files[@]}"; do
	[ -f "$f" ] && grep -Iq . "$f" 2>/dev/null || continue	# text only
	dir=$(dirname "$f")
	# Markdown documents, by path or by name.
	while IFS=: read -r n doc; do
		if [[ $doc == */* ]]; then
			p=$(realpath -m --relative-to="$root" "$dir/$doc")
			[ -n "${have_path[$doc]:-}" ] || [ -n "${have_path[$p]:-}" ] ||
				report "$f:$n" "$doc"
		else
			[ -n "${have_name[$doc]:-}" ] || report "$f:$n" "$doc"
		fi
	done < <(grep -noE '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' "$f")
	# Documents cited by section under an upper-case name.
	while IFS=: read -r n doc; do
		doc=${doc% §*}
		[ -n "${have_name[${doc}.md]:-}" ] || report "$f:$n" "$doc"
	done < <(grep -noE '\b[A-Z][A-Z_]{2,}(\.md)? §' "$f" | sed 's/\.md / /')
	# Relative paths that leave the repository.
	while IFS=: read -r n rel; do
		p=$(realpath -m --relative-to="$root" "$dir/$rel")
		[[ $p != ..* ]] && { [ -n "${have_path[$p]:-}" ] ||
				     [ -n "${have_path[${p%%/*}]:-}" -a "${p%%/*}" = build ]; } ||
			report "$f:$n" "$rel"
	done < <(grep -noE '(^|[^A-Za-z0-9_.])(\.\./)+[A-Za-z0-9_.-]*' "$f" |
		 sed -E 's/:[^.]*(\.\.)/:\1/')
done
exit $bad
