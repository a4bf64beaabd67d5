#!/usr/bin/env bash
# Seed the fuzz corpora (run from anywhere): the shipped scenarios and the bad fixtures as
# policy text, the interop fixtures for the importers, and every past crash
# (fuzz/regressions/TARGET/), so that every run replays them first. Targets that read a mode
# byte first take text when it is a multiple of 4, so their text seeds start with a NUL
# (`explain` reads one more byte, the check to run, before it).
#
# `seed.sh [DIR]` writes the seeds to DIR/TARGET/ (an absolute path), by default to
# corpus/TARGET/. scripts/fuzz.sh seeds a scratch folder that it passes to libFuzzer beside
# the corpus, so fuzz/corpus/ (in git) only gains the seeds that the merge keeps.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-corpus}
for t in parse resolve diagnostics differential explain fmt_roundtrip whatif import_users import_json serve_request lsp_document fast_path; do
  mkdir -p "$out/$t"
done
for f in ../scenarios/*.ent ../tests/fixtures/bad/*.ent; do
  name=seed-$(basename "$f" .ent)
  cp "$f" "$out/parse/$name"
  cp "$f" "$out/lsp_document/$name"
  { printf '\0'; cat "$f"; } > "$out/diagnostics/$name"
  for t in resolve differential fmt_roundtrip fast_path; do
    { printf '\0'; cat "$f"; } > "$out/$t/$name"
  done
  # (text again, with the other check: the lean load, the author's layout)
  for t in fmt_roundtrip fast_path; do
    { printf '\4'; cat "$f"; } > "$out/$t/$name-4"
  done
  { printf '\0\0'; cat "$f"; } > "$out/explain/$name"
done
cp ../tests/fixtures/interop/users.csv "$out"/import_users/seed-users.csv
# requests: one line of `check --requests` each (the documented example file)
n=0
while IFS= read -r line; do
  n=$((n + 1))
  printf '%s' "$line" > "$out/serve_request/seed-$n"
done < ../docs/examples/requests.jsonl
{ printf '\0'; cat ../tests/fixtures/interop/northwind.entitle1.json; } > "$out"/import_json/seed-northwind1
# earlier crashes
for d in regressions/*/; do
  [ -d "$d" ] || continue
  t=$(basename "$d")
  mkdir -p "$out/$t"
  cp "$d"* "$out/$t/" 2>/dev/null || true
done
for t in "$out"/*/; do echo "seeded $(basename "$t"): $(ls "$t" | wc -l)"; done
