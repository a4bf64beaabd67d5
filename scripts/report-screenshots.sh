#!/usr/bin/env bash
# Screenshots of the HTML report in headless Chromium, to look at the page:
# a shipped scenario, and a generated organisation of 10,000 users (whole top of the page,
# then a search with a group filter).
#
#   scripts/report-screenshots.sh [OUT_DIR]     # default: target/report-screenshots
#
# Needs `chromium` (Debian: apt-get install chromium). docs/report/ holds copies of two of
# these screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${CARGO_TARGET_DIR:-target}/report-screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
chrome="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chrome" ] || { echo "report-screenshots: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/entitle"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

shot() { # FILE.png WIDTHxHEIGHT URL
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size="$2" --screenshot="$out/$1" "$3" 2>/dev/null
  echo "$out/$1"
}

"$bin" report ../shared/spec/examples-r2/portal-countries.ent -o "$work/portal-countries.html"
shot portal-countries.png 1400,2000 "file://$work/portal-countries.html"
shot portal-countries-search.png 1400,2000 "file://$work/portal-countries.html#q=globex&g=Roads"

"$bin" report scenarios/microstation-ab.ent -o "$work/microstation-ab.html"
shot microstation-ab.png 1400,1800 "file://$work/microstation-ab.html"

"$bin" gen --users 10000 >"$work/org10k.ent"
"$bin" report "$work/org10k.ent" -o "$work/org10k.html"
echo "org10k.html: $(wc -c <"$work/org10k.html") bytes"
shot org10k.png 1400,1800 "file://$work/org10k.html"
shot org10k-search.png 1400,3000 "file://$work/org10k.html#q=white&g=GB-Rail"
