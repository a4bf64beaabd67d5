#!/usr/bin/env bash
# The fuzzing routine: scripts/fuzz.sh [TARGET|all] [SECONDS]
#
# For each target: seeds a scratch corpus (fuzz/seed.sh), runs it for SECONDS (default 60) with the
# project's flags (RUSTC_BOOTSTRAP for a stable toolchain, -max_len=4096, -timeout=10, the
# dictionary for the targets that read policy text), replaying fuzz/regressions/TARGET first,
# then merges and minimises fuzz/corpus/TARGET (kept in git: the smallest set of inputs that
# keeps its coverage, each cut to 512 bytes, FUZZ_KEEP_LEN=N for another size) and appends a row
# (target, executions, exec/s, coverage, seconds, date, machine) to the table in
# docs/fuzzing.md. A crash stops that target (its input is in fuzz/artifacts/TARGET/; keep it
# in fuzz/regressions/TARGET/ with a test under tests/) and makes the script exit 1.
#
# FUZZ_SANITIZER=address|none (default address): the sanitizer the targets are built with
# (cargo fuzz -s; each has its own build folder, fuzz/target/SANITIZER). FUZZ_RUNS=N: stop each run after N
# executions (libFuzzer's -runs=N); SECONDS is then an upper bound. FUZZ_DEBUG_ASSERTIONS=1|0
# (default 1): debug assertions and overflow checks in the release build (cargo fuzz -a), which
# with the panics Rust always checks are what finds a bug in safe code. FUZZ_COUNTERS=1|0
# (default 0): libFuzzer's hit counts as features (-use_counters), see below.
set -uo pipefail
cd "$(dirname "$0")/.."
ALL=(parse resolve diagnostics differential explain fmt_roundtrip whatif import_users import_json serve_request lsp_document fast_path)
which=${1:-all}
secs=${2:-60}
if [[ $which == all ]]; then targets=("${ALL[@]}"); else targets=("$which"); fi
export RUSTC_BOOTSTRAP=1
# one thread: rayon's pool (used by the resolver and the simulator) is global and made once per
# process, but on a shared 2-core machine its workers only compete with the target
export RAYON_NUM_THREADS=1
# the build flags, the same for the run and the merge (another set rebuilds everything):
# release with AddressSanitizer, and no trace-compares instrumentation, which was more than
# half of every execution (pest compares byte by byte); the dictionary and the policy
# generator give what comparison tracing would find: the language's words and shapes
sanitizer=${FUZZ_SANITIZER:-address}
case $sanitizer in
  address | none) ;;
  *) echo "FUZZ_SANITIZER must be address or none, not $sanitizer" >&2; exit 2 ;;
esac
build=(-O --no-trace-compares -s "$sanitizer")
case ${FUZZ_DEBUG_ASSERTIONS:-1} in
  1) build+=(-a) ;;
  0) ;;
  *) echo "FUZZ_DEBUG_ASSERTIONS must be 1 or 0, not $FUZZ_DEBUG_ASSERTIONS" >&2; exit 2 ;;
esac
# libFuzzer's search: entropic scheduling off (its bookkeeping for the rarest of the ~10^5
# features these targets have was two thirds of every execution, and the coverage reached in
# a minute is the same or higher without it), and no table of recent comparisons (fed here
# only by memcmp interception: the dictionary and the generator give the language's words),
# and no leak check after each input (its malloc and free hooks were 5% of every execution; a
# leak is not a memory error in Rust, where leaking is safe). The targets define their own
# bcmp and memcmp (fuzz/src/compare.rs): AddressSanitizer's interceptors called libFuzzer's
# comparison hook, whose records only -use_cmp and -use_value_profile read, on every keyword
# pest tried (9%).
# Edges, not hit counts (-use_counters=0): with hit counts every edge is up to eight features
# (how many times it ran, in buckets), each a lookup in libFuzzer's 8 MB table of features after
# every execution, and the corpus keeps five times more inputs for the same edges; the edges
# reached in five minutes were the same or more without them (docs/fuzzing.md, "Eighth
# pass"). FUZZ_COUNTERS=1 brings them back.
search=(-entropic=0 -use_cmp=0 -detect_leaks=0)
case ${FUZZ_COUNTERS:-0} in
  0) search+=(-use_counters=0) ;;
  1) ;;
  *) echo "FUZZ_COUNTERS must be 1 or 0, not $FUZZ_COUNTERS" >&2; exit 2 ;;
esac
# AddressSanitizer: no fake stacks for use-after-return (a safe-Rust crate cannot return a
# reference to a local; 8% of an execution), short allocation stacks in reports (taking 30
# frames at every allocation was 12%) and no filling of fresh allocations with a pattern (up to
# 4 KiB each, there to make reads of uninitialised memory visible, which safe Rust cannot do
# and AddressSanitizer does not check: 5-20% of an execution), and a quarantine of 1 MB
# instead of 256 (freed memory stays poisoned until a megabyte more has been freed, so a use
# soon after a free is still caught; recycling chunks freed 256 MB before, cold in the cache,
# was 14% of an execution); ASAN_OPTIONS from the environment overrides these
# (ASAN_OPTIONS=quarantine_size_mb=256 for the default quarantine)
export ASAN_OPTIONS="detect_stack_use_after_return=0:malloc_context_size=2:max_malloc_fill_size=0:quarantine_size_mb=1:thread_local_quarantine_size_kb=64${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
runs_limit=()
if [[ -n ${FUZZ_RUNS:-} ]]; then
  [[ $FUZZ_RUNS =~ ^[0-9]+$ ]] || { echo "FUZZ_RUNS must be a number, not $FUZZ_RUNS" >&2; exit 2; }
  runs_limit=(-runs="$FUZZ_RUNS")
fi
# inputs kept in fuzz/corpus/ are cut to this many bytes (the runs still try 4 KiB)
keep_len=${FUZZ_KEEP_LEN:-512}
# one build folder per sanitizer: switching does not rebuild the other's
export CARGO_TARGET_DIR="$PWD/fuzz/target/$sanitizer"
# the seeds go to a scratch folder read beside the corpus: fuzz/corpus/ keeps only what the
# merge keeps
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
fuzz/seed.sh "$seeds" >/dev/null
machine="$(nproc --all) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
status=0
for t in "${targets[@]}"; do
  case $t in
    parse | resolve | diagnostics | fmt_roundtrip | differential | explain | lsp_document | fast_path) dict=(-dict=entitle.dict) ;;
    *) dict=() ;;
  esac
  corpus=fuzz/corpus/$t
  mkdir -p "$corpus" "fuzz/regressions/$t"
  log=$(mktemp)
  cpu=$(mktemp)
  (cd fuzz && /usr/bin/time -o "$cpu" -f '%U %S' cargo fuzz run "${build[@]}" "$t" "../$corpus" "../fuzz/regressions/$t" "$seeds/$t" -- \
    -max_len=4096 -timeout=10 -rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
    "${search[@]}" "${runs_limit[@]}" "${dict[@]}" 2>&1) | tee "$log" | grep -E '^(#[0-9]+[[:space:]]+DONE|==[0-9]+==|SUMMARY|thread .* panicked)' || true
  rc=${PIPESTATUS[0]}
  # "#123456 DONE cov: 1234 ft: 5678 corp: 90/12Kb lim: 4096 exec/s: 2057 rss: 80Mb"
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  runs=$(grep -oE '^stat::number_of_executed_units:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  time=$(grep -oE '^stat::average_exec_per_sec:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  # executions per second of CPU time (user + system): what one core gives when the machine
  # is shared and the wall-clock rate is not
  per_cpu=$(awk -v n="${runs:-0}" '$1 ~ /^[0-9.]+$/ { s = $1 + $2; if (s > 0) printf "%d", n / s }' "$cpu")
  if [[ -z $done_line ]]; then
    crash=$(grep -oE 'artifact_prefix=.*|Test unit written to .*' "$log" | tail -1)
    echo "$t: stopped (exit $rc): ${crash:-see $log}"
    result="crash"
    status=1
  else
    result="ok"
  fi
  # merge and minimise: the smallest set of inputs that keeps the corpus's coverage
  # (-set_cover_merge; edges, not hit counts: -use_counters=0), each cut to $keep_len bytes, so
  # that the corpus stays small in git
  merged=$(mktemp -d)
  (cd fuzz && cargo fuzz run "${build[@]}" "$t" "$merged" "../$corpus" "$seeds/$t" -- -set_cover_merge=1 -use_counters=0 -max_len="$keep_len" -timeout=10 -rss_limit_mb=2048 >/dev/null 2>&1) &&
    rm -rf "$corpus" && mkdir -p "$corpus" && cp "$merged"/* "$corpus"/ 2>/dev/null
  rm -rf "$merged"
  if [[ $sanitizer == address ]]; then san_note="ASan (quarantine ${ASAN_OPTIONS##*quarantine_size_mb=}"; san_note="${san_note%%:*} MB)"; else san_note="no sanitizer"; fi
  if [[ ${FUZZ_DEBUG_ASSERTIONS:-1} == 1 ]]; then san_note+=", debug assertions"; fi
  if [[ -n ${FUZZ_RUNS:-} ]]; then san_note+=", -runs=$FUZZ_RUNS"; fi
  san_note+=", ${search[*]}"
  row="| $t | ${runs:-?} | ${time:-?} | ${cov:-?} | $secs | $(date -u +%Y-%m-%d) | $machine | $result, $san_note, ${per_cpu:-?} exec per CPU second, corpus $(ls "$corpus" | wc -l) files, $(du -sk --apparent-size "$corpus" | cut -f1) KB |"
  echo "$row"
  # the row goes after the last row of the first table under "## Runs" (the table of runs:
  # the tables of later subsections are summaries written by hand)
  awk -v row="$row" '
    /^## Runs/ { in_runs = 1 }
    { lines[NR] = $0 }
    in_runs && /^\|/ { last = NR; in_table = 1 }
    in_runs && in_table && !/^\|/ { in_runs = 0 }
    /^#/ && !/^## Runs/ { in_runs = 0 }
    END { for (i = 1; i <= NR; i++) { print lines[i]; if (i == last) print row } }
  ' docs/fuzzing.md > docs/fuzzing.md.tmp && mv docs/fuzzing.md.tmp docs/fuzzing.md
  rm -f "$log" "$cpu"
done
exit $status
