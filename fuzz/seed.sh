#!/usr/bin/env bash
# Seed the fuzz corpora (run from anywhere): the shipped scenarios and the bad fixtures as
# policy text, the interop fixtures for the importers, and every past crash
# (fuzz/regressions/TARGET/), so that every run replays them first. Targets that read a mode
# byte first take text when it is a multiple of 4, so their text seeds start with a NUL
# (`differential` reads one more byte, the check to run, before it).
set -euo pipefail
cd "$(dirname "$0")"
for t in parse resolve diagnostics differential fmt_roundtrip whatif import_users import_json; do
  mkdir -p "corpus/$t"
done
for f in ../scenarios/*.ent ../tests/fixtures/bad/*.ent; do
  name=seed-$(basename "$f" .ent)
  cp "$f" "corpus/parse/$name"
  { printf '\0'; cat "$f"; } > "corpus/diagnostics/$name"
  for t in resolve fmt_roundtrip; do
    { printf '\0'; cat "$f"; } > "corpus/$t/$name"
  done
  { printf '\0\0'; cat "$f"; } > "corpus/differential/$name"
done
cp ../tests/fixtures/interop/users.csv corpus/import_users/seed-users.csv
{ printf '\0'; cat ../tests/fixtures/interop/northwind.entitle1.json; } > corpus/import_json/seed-northwind1
# earlier crashes
for d in regressions/*/; do
  [ -d "$d" ] || continue
  t=$(basename "$d")
  mkdir -p "corpus/$t"
  cp "$d"* "corpus/$t/" 2>/dev/null || true
done
for t in corpus/*/; do echo "seeded $(basename "$t"): $(ls "$t" | wc -l)"; done
