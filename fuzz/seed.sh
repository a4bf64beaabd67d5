#!/usr/bin/env bash
# Seed the fuzz corpora from the shipped scenarios (run from the repository root or from fuzz/).
# `check_all` and `fmt_roundtrip` read their first byte as a mode: 0 takes the rest as policy
# text (anything else drives the policy generator), so their seeds get a leading NUL.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse corpus/check_all corpus/fmt_roundtrip corpus/whatif
for f in ../scenarios/*.ent ../tests/fixtures/bad/*.ent; do
  name=$(basename "$f" .ent)
  cp "$f" "corpus/parse/$name"
  for t in check_all fmt_roundtrip; do
    { printf '\0'; cat "$f"; } > "corpus/$t/$name"
  done
done
# earlier crashes, so that every run replays them first
for t in regressions/*/; do
  t=$(basename "$t")
  mkdir -p "corpus/$t"
  cp "regressions/$t"/* "corpus/$t/"
done
echo "seeded: $(ls corpus/parse | wc -l) parse, $(ls corpus/check_all | wc -l) check_all, $(ls corpus/fmt_roundtrip | wc -l) fmt_roundtrip, $(ls corpus/whatif | wc -l) whatif"
