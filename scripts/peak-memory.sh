#!/usr/bin/env bash
# Peak memory and wall time of `entitle` on a synthetic 1M-user × 256-product organisation.
#
#   scripts/peak-memory.sh            # 1M users
#   USERS=100000 NGROUPS=200 scripts/peak-memory.sh
#   KEEP=1 scripts/peak-memory.sh     # keep the generated policy (path printed)
#   PHASES=1 scripts/peak-memory.sh   # also print per-stage timings (examples/phases.rs)
#
# It builds the release binary, generates the policy with
# `entitle gen --users 1000000 --products 256 --groups 2000 --seed 1`, then measures
#   - `entitle matrix FILE --format summary > /dev/null`  (peak RSS and wall time), and
#   - `entitle check FILE PRINCIPAL PRODUCT`               (wall time: loading dominates).
#
# Measurements use GNU time (`/usr/bin/time -v`: "Maximum resident set size", "Elapsed (wall
# clock) time"). If it is missing, install it (Debian/Ubuntu: `apt-get install -y time`);
# without it the script falls back to polling VmHWM in /proc/PID/status and timing with `date`.
set -euo pipefail

cd "$(dirname "$0")/.."

USERS=${USERS:-1000000}
PRODUCTS=${PRODUCTS:-256}
NGROUPS=${NGROUPS:-2000}
SEED=${SEED:-1}
BIN=target/release/entitle

FILE=$(mktemp "${TMPDIR:-/tmp}/entitle-peak-memory.XXXXXX.ent")
LOG=$(mktemp "${TMPDIR:-/tmp}/entitle-peak-memory.XXXXXX.log")
cleanup() {
    rm -f "$LOG"
    if [ "${KEEP:-0}" = 1 ]; then echo "policy kept at $FILE"; else rm -f "$FILE"; fi
}
trap cleanup EXIT

echo "building release binary ..."
cargo build --release --quiet

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

start=$(now)
"$BIN" gen --users "$USERS" --products "$PRODUCTS" --groups "$NGROUPS" --seed "$SEED" -o "$FILE"
end=$(now)
size=$(stat -c %s "$FILE")
echo "gen: $USERS users × $PRODUCTS products, $NGROUPS groups: $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }') in $(secs "$start" "$end") s"

# the first user (always an active account-admin) and the first product
PRINCIPAL=$(awk '/^user / { print $2; exit }' "$FILE")
PRODUCT=$(awk '/^product / { print $2; exit }' "$FILE")

# measure LABEL CMD...: run CMD (stdout discarded), print its exit status, peak RSS and wall time
measure() {
    local label=$1
    shift
    local status=0 rss wall cpu=""
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$LOG" "$@" > /dev/null || status=$?
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$LOG")
        wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ { print $2 }' "$LOG")
        cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } /Percent of CPU/ { p = $2 }
            END { printf "%s s user + %s s system (%s CPU)", u, s, p }' "$LOG")
    else
        local start end pid hwm
        rss=0
        start=$(now)
        "$@" > /dev/null &
        pid=$!
        while kill -0 "$pid" 2> /dev/null; do
            hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || true)
            if [ -n "$hwm" ] && [ "$hwm" -gt "$rss" ]; then rss=$hwm; fi
            sleep 0.05
        done
        wait "$pid" || status=$?
        end=$(now)
        wall="$(secs "$start" "$end") s (date; RSS polled from VmHWM, may miss a last spike)"
    fi
    printf '%s\n  exit status %s\n  Maximum resident set size: %s kB (%s MB)\n  wall time: %s\n' \
        "$label" "$status" "$rss" "$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')" "$wall"
    if [ -n "$cpu" ]; then echo "  cpu time: $cpu"; fi
}

measure "matrix --format summary" "$BIN" matrix "$FILE" --format summary
measure "check $PRINCIPAL $PRODUCT" "$BIN" check "$FILE" "$PRINCIPAL" "$PRODUCT"

if [ "${PHASES:-0}" = 1 ] && [ -f examples/phases.rs ]; then
    echo "per-stage timings (examples/phases.rs):"
    cargo run --release --quiet --example phases -- "$FILE"
fi
