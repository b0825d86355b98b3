#!/usr/bin/env bash
# Builds the fuzz corpora from the project's fixtures and rule files.
# Run from anywhere; writes fuzz/corpus/<target>/ (not committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus"
mkdir -p "$corpus"/{extract_html,date,rules,robots,sitemap}

n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "$corpus/extract_html/fixture-$n.html"
  # Lines with a date-ish character feed the date parser.
  grep -aE '年|[0-9]{4}[-/.]' "$f" | head -n 20 |
    awk -v d="$corpus/date" -v n="$n" '{ print > (d "/fixture-" n "-" NR ".txt") }' || true
done < <(find "$root/fixtures" -type f \( -name '*.html' -o -name '*.htm' -o -name '*.shtml' \) -print0)

for f in "$root"/rules/*.toml; do
  cp "$f" "$corpus/rules/$(basename "$f")"
done
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "$corpus/rules/fixture-$n.toml"
done < <(find "$root/fixtures" "$root/tests" -type f -name '*.toml' -print0)

cp "$here"/seeds/date/* "$corpus/date/"
cp "$here"/seeds/robots/* "$corpus/robots/"
cp "$here"/seeds/sitemap/* "$corpus/sitemap/"
# A gzipped sitemap, as many CMSs serve them.
gzip -c "$here/seeds/sitemap/urlset.xml" > "$corpus/sitemap/urlset.xml.gz"

for t in extract_html date rules robots sitemap; do
  echo "$t: $(find "$corpus/$t" -type f | wc -l) seeds"
done
