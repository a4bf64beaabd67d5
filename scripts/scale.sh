#!/usr/bin/env bash
# End-to-end figures on generated organisations, for the README's table: wall time and peak
# memory (/usr/bin/time) of the commands people run on a large account.
#
#   scripts/scale.sh [USERS...]        default: 200000 (add 1000000 for the largest accounts)
#
# Uses the release binary (built first) and a scratch folder ($SCALE_DIR, default
# /tmp/entitle-scale); the cache of compiled policies goes to a folder of its own there, so a
# "first run" is a real first run. Prints one Markdown row per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/entitle"
dir="${SCALE_DIR:-/tmp/entitle-scale}"
mkdir -p "$dir"
export ENTITLE_CACHE_DIR="$dir/cache"
sizes=("$@")
[ "${#sizes[@]}" -eq 0 ] && sizes=(200000)

measure() { # label, command...
  local label="$1"
  shift
  local times="$dir/time.txt"
  /usr/bin/time -o "$times" -f '%e %M' "$@" >/dev/null 2>&1 || true
  read -r secs kb < <(tail -1 "$times")
  printf '| %s | %s s | %s MB |\n' "$label" "$secs" "$((kb / 1024))"
}

echo "| what | wall | peak memory |"
echo "|---|---|---|"
for users in "${sizes[@]}"; do
  groups=$((users / 500))
  [ "$groups" -lt 20 ] && groups=20
  [ "$groups" -gt 2000 ] && groups=2000
  policy="$dir/org-$users.ent"
  [ -f "$policy" ] || "$bin" gen --users "$users" --products 256 --groups "$groups" --seed 1 -o "$policy"
  user=$(grep -m1 -o '^user [^ ]*' "$policy" | cut -d' ' -f2)
  n=$(echo "$users" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
  rm -rf "$ENTITLE_CACHE_DIR"
  measure "$n users: \`check\`, first run" "$bin" check "$policy" "$user" MicroStation
  measure "$n users: \`check\` again (cached)" "$bin" check "$policy" "$user" MicroStation
  measure "$n users: \`check --no-cache\`" "$bin" check --no-cache "$policy" "$user" MicroStation
  measure "$n users: \`explain\`" "$bin" explain "$policy" "$user" MicroStation
  measure "$n users: \`simulate --what-if 'set default US deny'\`" "$bin" simulate "$policy" --what-if 'set default US deny'
  measure "$n users: the same, \`--json\`" "$bin" simulate "$policy" --what-if 'set default US deny' --json
  measure "$n users: the same, \`--threads 1\`" "$bin" simulate "$policy" --what-if 'set default US deny' --threads 1
  measure "$n users: \`matrix --summary\`" "$bin" matrix "$policy" --summary
  measure "$n users: \`lint\`" "$bin" lint "$policy"
  measure "$n users: REPL, load and leave" sh -c "printf ':quit!\n' | '$bin' repl '$policy'"
  measure "$n users: REPL, load, one edit with its count, undo" sh -c "printf 'set default US deny\n:undo\n:quit!\n' | '$bin' repl '$policy'"
done
