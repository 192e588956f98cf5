#!/usr/bin/env bash
# Adds the public API the compiler sees but PublicAPI.*.txt does not declare (the analyzer's RS0016 diagnostics) to
# each library's PublicAPI.Unshipped.txt, or with --shipped to PublicAPI.Shipped.txt (the first baseline). Only libraries
# that have a PublicAPI.Shipped.txt are checked; create it (and PublicAPI.Unshipped.txt), each with the line
# "#nullable enable", to enrol a library. Removals (RS0017) are left to a person: a removed API is a breaking change.
# Usage: bash eng/update-public-api.sh [--shipped] [src/Project ...]
set -euo pipefail
cd "$(dirname "$0")/.."
target=PublicAPI.Unshipped.txt
if [ "${1:-}" = "--shipped" ]; then target=PublicAPI.Shipped.txt; shift; fi
if [ $# -eq 0 ]; then set -- $(ls -d src/*/ | sed 's:/$::'); fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for dir in "$@"; do
  [ -f "$dir/PublicAPI.Shipped.txt" ] || continue
  # Debug and not incremental: every diagnostic is reported again; warnings stay warnings so all of them are listed.
  dotnet build "$dir" -c Debug --no-incremental -p:TreatWarningsAsErrors=false -nologo > "$log" 2>&1 || true
  project="$(cd "$dir" && pwd)/$(basename "$dir").csproj"
  new=$(grep -F "warning RS0016" "$log" | grep -F "[$project]" \
    | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" | sort -u)
  if [ -n "$new" ]; then
    { cat "$dir/$target"; printf '%s\n' "$new"; } | { read -r first; echo "$first"; sort -u; } > "$log.txt"
    mv "$log.txt" "$dir/$target"
    echo "$dir: $(printf '%s\n' "$new" | wc -l) entries added to $target"
  else
    echo "$dir: nothing to add"
  fi
done
