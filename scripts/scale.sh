#!/usr/bin/env bash
# End-to-end figures on generated organisations, for the README's table: wall time and peak
# memory (/usr/bin/time) of the commands people run on a large account.
#
#   scripts/scale.sh [USERS...]        default: 200000 (add 1000000 for the largest accounts)
#
# Then a second table, "hostile inputs": the inputs of tests/hostile.rs with their exit status,
# wall time and peak memory (cargo test asserts no time or memory figure; they are measured here).
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

# Hostile inputs: the files of tests/hostile.rs (which asserts exit codes and messages, and no
# figure), rebuilt here with the release binary; one row per run with its exit status, wall
# time and peak memory. Random bytes come from a fixed seed, so every run sees the same input.
hostile="$dir/hostile"
mkdir -p "$hostile"
rand_bytes() { # bytes, seed
  { openssl enc -aes-128-ctr -nosalt -pass "pass:$2" -pbkdf2 </dev/zero 2>/dev/null || true; } | head -c "$1"
}
measure_exit() { # label, expected exit, command...
  local label="$1" expected="$2"
  shift 2
  local times="$dir/time.txt"
  /usr/bin/time -o "$times" -f '%x %e %M' "$@" >/dev/null 2>&1 || true
  read -r code secs kb < <(tail -1 "$times")
  local mark=""
  [ "$code" = "$expected" ] || mark=" (expected $expected)"
  printf '| %s | %s%s | %s s | %s MB |\n' "$label" "$code" "$mark" "$secs" "$((kb / 1024))"
}
list() { # count, prefix: "P0, P1, …" on one line
  awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s%s%d", (i ? ", " : ""), p, i }'
}
h="$hostile"
rand_bytes 1048576 random >"$h/random.bin"
rand_bytes 1048576 text | LC_ALL=C tr -c ' -~\n' ' ' >"$h/ascii.ent"
printf '%*s' 100000 '' | tr ' ' '{' >"$h/open.ent"
{ printf 'product A\ncountry US {\n  covers '; list 1000000 C; printf '\n}\nuser u@x.io { country C999999 }\n'; } >"$h/million.ent"
big="P$(head -c 5242880 /dev/zero | tr '\0' x)"
{
  printf 'product %s\ncountry US { }\ngroup G in US { allowed %s }\n' "$big" "$big"
  printf 'user u@x.io { country US  groups G  roles account-admin, fulfillment-contact }\n'
  printf 'expect u@x.io %s allow by group-allowed G\n' "$big"
} >"$h/ident.ent"
unset big
list_policy() { # count, declared (1/0)
  [ "$2" = 1 ] && awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "product P%d\n", i }'
  printf 'country US { }\ngroup G in US {\n  allowed '
  list "$1" P
  printf '\n}\nuser u@x.io {\n  country US\n  groups G\n  roles account-admin, fulfillment-contact\n}\n'
}
list_policy 200000 1 >"$h/list.ent"
list_policy 200000 0 >"$h/unknown.ent"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "product Product%d\n", i
             print "country US { }\ngroup G in US {"
             for (i = 0; i < 20000; i++) printf "  allowed Prodcut%d\n", i
             print "}" }' >"$h/typos.ent"
{
  printf 'product A\nproduct B\ncountry US { }\ngroup G0 in US { allowed A }\n'
  awk 'BEGIN { for (i = 1; i < 100000; i++) printf "group G%d in US { }\n", i }'
  printf 'user u@x.io {\n  country US\n  roles account-admin, fulfillment-contact\n  groups '
  list 100000 G
  printf '\n}\n'
} >"$h/groups.ent"

{
  printf 'product A\nscenario "left open" {\ncountry US { default allow }\n'
  awk 'BEGIN { for (i = 0; i < 20000; i++) printf "user u%d@x.io { country US }\n", i }'
} >"$h/open-scenario.ent"

echo
echo "| hostile input | exit | wall | peak memory |"
echo "|---|---|---|---|"
measure_exit "1 MiB of random bytes: \`lint\`" 2 "$bin" lint "$h/random.bin"
measure_exit "1 MiB of random printable text: \`lint\`" 2 "$bin" lint "$h/ascii.ent"
measure_exit "100,000 \`{\`: \`lint\`" 2 "$bin" lint "$h/open.ent"
measure_exit "a \`scenario\` left open above 20,000 declarations: \`lint\`" 2 "$bin" lint "$h/open-scenario.ent"
measure_exit "\`/dev/zero\`: \`check\`" 2 "$bin" check /dev/zero a b
measure_exit "a million-entry \`covers\` list: \`check\`" 0 "$bin" check "$h/million.ent" u@x.io A
measure_exit "a 5 MB identifier: \`test\`" 0 "$bin" test "$h/ident.ent"
measure_exit "a 5 MB identifier: \`fmt\`" 0 "$bin" fmt "$h/ident.ent"
measure_exit "200,000 products in one list: \`check\`" 0 "$bin" check "$h/list.ent" u@x.io P199999
measure_exit "200,000 products in one list: \`lint\`" 0 "$bin" lint "$h/list.ent"
measure_exit "200,000 unknown products: \`lint\`" 2 "$bin" lint "$h/unknown.ent"
measure_exit "20,000 misspelt among 20,000 declared: \`lint\`" 2 "$bin" lint "$h/typos.ent"
measure_exit "a user in 100,000 groups: \`check\`" 0 "$bin" check "$h/groups.ent" u@x.io A
measure_exit "a user in 100,000 groups: \`explain\`" 1 "$bin" explain "$h/groups.ent" u@x.io B
