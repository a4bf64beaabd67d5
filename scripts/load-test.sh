#!/usr/bin/env bash
# A bounded load test of `entitle serve` on loopback, for the README's figures:
#
#   scripts/load-test.sh [USERS] [SECONDS]      default: 200000 users, 20 seconds a run
#
# 1. single `POST /v1/check` over keep-alive, 64 connections: requests/s and latency
#    percentiles (wrk --latency);
# 2. the batch form (`{"requests":[…]}`, 1,000 decisions a request): decisions/s;
# 3. the single check again while the policy file is rewritten every 5 seconds (two valid
#    versions in turn): the server reloads under load; every response must be a 200.
#
# Needs `wrk` (Debian: `apt-get install wrk`); one wrk thread, so that on a 2-core machine the
# load generator takes one core and the server the other. The server listens on 127.0.0.1 only, with a
# port the kernel picks; every run is bounded by SECONDS, and the server is stopped at the end.
# Uses the release binary (built first) and a scratch folder ($LOAD_DIR, default
# /tmp/entitle-load). Prints Markdown rows.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "load-test.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
users="${1:-200000}"
secs="${2:-20}"
cargo build --release --quiet
bin="$PWD/target/release/entitle"
dir="${LOAD_DIR:-/tmp/entitle-load}"
mkdir -p "$dir"
export ENTITLE_CACHE_DIR="$dir/cache"
groups=$((users / 500))
[ "$groups" -lt 20 ] && groups=20
[ "$groups" -gt 2000 ] && groups=2000
base="$dir/org-$users.base.ent"
[ -f "$base" ] || "$bin" gen --users "$users" --products 256 --groups "$groups" --seed 1 -o "$base"
policy="$dir/org-$users.ent"
cp "$base" "$policy"

"$bin" serve "$policy" --listen 127.0.0.1:0 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
addr=""
for _ in $(seq 1 600); do # up to 60 s to load the policy
  addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.log" | head -1 || true)
  [ -n "$addr" ] && break
  kill -0 $server 2>/dev/null || { cat "$dir/serve.log" >&2; exit 2; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start" >&2; exit 2; }

# 200 principals spread over the file, every one asked about MicroStation
mapfile -t ids < <(grep -o '^user [^ ]*' "$policy" | cut -d' ' -f2 | awk -v n="$users" 'NR % int(n / 200 + 1) == 1' | head -200)
lua_ids=$(printf '"%s",' "${ids[@]}")
cat >"$dir/single.lua" <<EOF
local ids = { ${lua_ids} }
local reqs = {}
init = function()
  for i, id in ipairs(ids) do
    reqs[i] = wrk.format("POST", "/v1/check", { ["Content-Type"] = "application/json" },
      '{"principal":"' .. id .. '","product":"MicroStation"}')
  end
end
local n = 0
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
EOF
batch_size=1000
cat >"$dir/batch.lua" <<EOF
local ids = { ${lua_ids} }
local products = { "MicroStation", "OpenRoads", "ProjectWise", "LumenRT", "STAAD.Pro" }
local req
init = function()
  local items = {}
  for i = 1, ${batch_size} do
    local id = ids[(i - 1) % #ids + 1]
    local product = products[(i - 1) % #products + 1]
    items[i] = '{"principal":"' .. id .. '","product":"' .. product .. '"}'
  end
  req = wrk.format("POST", "/v1/check", { ["Content-Type"] = "application/json" },
    '{"requests":[' .. table.concat(items, ",") .. ']}')
end
request = function() return req end
EOF

# wrk's summary: requests/s, latency percentiles, failures
report() { # label, wrk output file, decisions per request
  local label="$1" out="$2" per="$3"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  bad=$(awk '/Non-2xx/ {print $5} /Socket errors/ {s = $4 + $6 + $8 + $10} END {print (s == "" ? 0 : s)}' "$out" | paste -sd+ | bc)
  printf '| %s | %s req/s | %s decisions/s | p50 %s | p99 %s | %s failed |\n' \
    "$label" "${rps%.*}" "$(echo "$rps * $per" | bc | cut -d. -f1)" "$p50" "$p99" "$bad"
}

echo "| what | requests | decisions | latency p50 | latency p99 | failures |"
echo "|---|---|---|---|---|---|"
wrk -t1 -c64 -d"${secs}s" --latency -s "$dir/single.lua" "$addr" >"$dir/single.txt"
report "single \`/v1/check\`, 64 connections" "$dir/single.txt" 1
wrk -t1 -c8 -d"${secs}s" --latency -s "$dir/batch.lua" "$addr" >"$dir/batch.txt"
report "batch \`/v1/check\`, ${batch_size} a request, 8 connections" "$dir/batch.txt" "$batch_size"

# the same single check while the file changes every 5 seconds
(
  end=$((SECONDS + secs))
  flip=0
  while [ $SECONDS -lt "$end" ]; do
    sleep 5
    if [ $flip -eq 0 ]; then
      sed 's/^\(  default \)allow$/\1deny/' "$base" >"$policy.next"
    else
      cp "$base" "$policy.next"
    fi
    mv "$policy.next" "$policy"
    flip=$((1 - flip))
  done
) &
writer=$!
wrk -t1 -c64 -d"${secs}s" --latency -s "$dir/single.lua" "$addr" >"$dir/reload.txt"
wait $writer
report "single, the policy rewritten every 5 s" "$dir/reload.txt" 1
sleep 1
curl -s "$addr/metrics" | grep -E '^entitle_reloads' | sed 's/^/    /' || true
