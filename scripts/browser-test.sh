#!/usr/bin/env bash
# The HTML report and the page of `entitle serve` in a real browser. The report: generate
# reports, open them in headless Chromium with a search in the URL (`report.html#q=…`, read by
# the page's script at load), and check the rendered DOM: the counter over every principal and
# the matching rows.
#
# The page: scripts/serve-page-test.py drives it through chromedriver (WebDriver).
#
# Installs Chromium and its driver from the Debian packages when they are missing
# (`apt-get install chromium chromium-driver`);
# fails loudly when it cannot. Runs in well under 30 s.
#
#   scripts/browser-test.sh            # uses $CARGO_TARGET_DIR/debug/entitle, building it
#   SCREENSHOTS=docs/serve scripts/browser-test.sh    # also keeps the page's screenshots
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "browser-test: FAIL: $*" >&2; exit 1; }

chromium_bin() { command -v chromium || command -v chromium-browser || true; }
if [ -z "$(chromium_bin)" ] || ! command -v chromedriver >/dev/null; then
  echo "browser-test: chromium or chromedriver is missing; installing the Debian packages" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null ||
    fail "cannot install chromium (apt-get install chromium chromium-driver)"
fi
chrome="$(chromium_bin)"
[ -n "$chrome" ] || fail "no chromium after installing it"
command -v chromedriver >/dev/null || fail "no chromedriver after installing it"

cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/entitle"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Dump the DOM of PAGE after its script ran.
dom() {
  "$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --dump-dom "file://$1" 2>/dev/null
}
# The counter's text in a dumped DOM.
counter() { grep -o 'id="shown"[^>]*>[^<]*' | sed 's/.*>//'; }
# The names of the rendered rows in a dumped DOM, one per line.
names() { grep -o '<tr data-i="[0-9]*"><th class="who"><span class="name">[^<]*' | sed 's/.*>//'; }

# Whether the last dumped DOM ($d) matches a pattern (no pipe: `grep -q` would end it early).
has() { grep -q -- "$1" <<<"$d"; }
# 12345 -> 12,345
thousands() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
expect_eq() { # WHAT GOT WANT
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
  echo "ok: $1: $2"
}

# 1. a generated organisation of 2,000 users: search finds people past the first page
"$bin" gen --users 2000 --seed 7 >"$work/org.ent"
"$bin" report "$work/org.ent" -o "$work/org.html" --max-rows 100
total=$(grep -c '^user \|^key ' "$work/org.ent")
last=$(grep '^user ' "$work/org.ent" | tail -1 | sed 's/^user \([^ ]*\).*/\1/')
d=$(dom "$work/org.html")
shown_all=$(printf '%s' "$d" | counter)
expect_eq "no search" "$shown_all" "$(thousands "$total") of $(thousands "$total") match; showing 100 (1–100)"
expect_eq "rows rendered" "$(printf '%s\n' "$d" | names | wc -l)" 100

d=$(dom "$work/org.html#q=$last")
expect_eq "search for the last user ($last)" "$(printf '%s' "$d" | counter)" "1 of $(thousands "$total") match; showing 1"
expect_eq "the row found" "$(printf '%s\n' "$d" | names)" "$last"
has '<td class="[adx]" title="[^"]*: \(allow\|deny\) by [a-z-]*[^"]*">\(✓\|✕\)[a-z][a-z]</td>' ||
  fail "the row has no cell with a glyph, a code and a hover text"

# 2. a shipped scenario: a display-name search and a group filter, and escaped text
"$bin" report ../shared/spec/examples-r2/portal-countries.ent -o "$work/r2.html"
d=$(dom "$work/r2.html#q=GLOBEX.COM&g=roads")
expect_eq "group filter" "$(printf '%s' "$d" | counter)" "1 of 6 match; showing 1"
expect_eq "the member" "$(printf '%s\n' "$d" | names)" "yann@globex.com"
has 'US <small>by entitlement-country</small>' || fail "no country badge"
has 'title="OpenRoads: allow by group-allowed, group Roads">✓ga</td>' ||
  fail "no credited group in the hover text"

d=$(dom "$work/r2.html#q=ines")
has 'title="entitlement country US, chosen by the fallback: the profile country matches no country, and US has the highest revenue (2_400_000)"' ||
  fail "no fallback explanation for ines"

d=$(dom "$work/r2.html#q=nobody-at-all")
expect_eq "no match" "$(printf '%s' "$d" | counter)" "0 of 6 match; showing 0"
has '<p id="none" class="empty">No principal matches the search.</p>' ||
  fail "the no-match note is hidden"

# 3. hostile names are text, not markup, once rendered
cat >"$work/tricky.ent" <<'POLICY'
product "<b>x</b>"
country US { }
user evil@x.com "<img src=x onerror=alert(1)>" { country US }
POLICY
"$bin" report "$work/tricky.ent" -o "$work/tricky.html"
d=$(dom "$work/tricky.html#q=evil")
has '<span class="sub">&lt;img src=x onerror=alert(1)&gt;</span>' ||
  fail "the display name is not escaped in the row"
if has '<img'; then fail "markup from a name in the DOM"; fi
echo "browser-test: report passed"

# 4. the web page of `entitle serve`, driven over WebDriver: search, an explanation, a what-if,
# the product view ($SCREENSHOTS: a folder for the screenshots, e.g. docs/serve)
python3 scripts/serve-page-test.py "$bin" ${SCREENSHOTS:+"$SCREENSHOTS"} || fail "the serve page"
echo "browser-test: all passed"
