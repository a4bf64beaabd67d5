#!/usr/bin/env bash
# The editor integration's checks (editors/vscode/), without VS Code itself:
#
# 1. npm packages: `npm ci` into editors/vscode/node_modules when it is missing or older than
#    package-lock.json (the lock file is in git; a warm npm cache makes this a few seconds);
# 2. the client type-checks: `tsc --noEmit` over src/extension.ts against vscode-languageclient
#    and the VS Code API's types;
# 3. the TextMate grammar passes its unit tests: vscode-tmgrammar-test over
#    editors/vscode/tests/*.test.ent (`# SYNTAX TEST` files asserting the scopes of keywords,
#    names, strings, comments, emails, numbers, rule names);
# 4. the grammar tokenises every shipped scenario (scenarios/*.ent) with vscode-textmate on
#    oniguruma, as VS Code would: no invalid token, no text outside comments and strings that
#    no rule matched, every line's leading keyword highlighted (editors/vscode/tests/tokenize.js).
#
# Exit status 0 when all pass. Needs node and npm (the npm registry, or a warm cache).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ext=editors/vscode
cd "$ext"

passed=0
failed=0
step() {
  local name=$1
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "editor-check: FAILED: $name" >&2
    failed=$((failed + 1))
  fi
}

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --loglevel=error || {
    echo "editor-check: npm ci failed" >&2
    exit 1
  }
fi

step "tsc --noEmit (the client type-checks)" npx --no-install tsc --noEmit -p .
step "vscode-tmgrammar-test (grammar unit tests)" \
  npx --no-install vscode-tmgrammar-test -g syntaxes/entitle.tmLanguage.json 'tests/*.test.ent'
step "tokenise scenarios/*.ent" node tests/tokenize.js "$root"/scenarios/*.ent

echo "editor-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
