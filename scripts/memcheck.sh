#!/usr/bin/env bash
# `npm run test:memcheck`: the napi addon under valgrind's memcheck, loaded in Node for the
# kernels' known-answer tests (scripts/memcheck-kat.mjs). Node and V8 themselves report plenty
# under valgrind (JIT code, their own allocators, intentional leaks at exit), so the verdict is
# about spindle only: an error record (invalid read/write, use of uninitialised memory, bad
# free) or a definite leak whose stack passes through spindle's .node fails the run. The totals
# for the whole process are printed too. Needs `valgrind` (apt-get install valgrind).
set -uo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
# The addon's test build (the release one plus the `test-hooks` feature: __panicForTest), which the
# known-answer tests load through NAPI_RS_NATIVE_LIBRARY_PATH.
node scripts/build-test-binding.mjs >/dev/null || { echo "building the test addon failed"; exit 2; }
addon=$(ls .cache/test-binding/*.node 2>/dev/null | head -1)
[ -n "$addon" ] || { echo "no .cache/test-binding/*.node"; exit 2; }
export NAPI_RS_NATIVE_LIBRARY_PATH="$PWD/$addon"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# --smc-check: V8 writes and runs its own machine code. --jitless keeps that to a minimum.
valgrind --tool=memcheck --smc-check=all-non-file --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --num-callers=40 --error-exitcode=0 --log-file="$log" \
  node --jitless --expose-gc scripts/memcheck-kat.mjs
kat=$?
seconds=$(( $(date +%s) - start ))

# Records are separated by blank lines once valgrind's "==PID== " prefix is gone. An access
# error (invalid read/write/free, uninitialised use, overlap, bad syscall param) or a definite
# leak whose stack passes through the addon counts against spindle.
name=$(basename "$addon")
plain=$(mktemp)
trap 'rm -f "$log" "$plain"' EXIT
sed -E 's/^==[0-9]+== ?//' "$log" > "$plain"
# MEMCHECK_LOG=path keeps valgrind's whole report there.
[ -n "${MEMCHECK_LOG:-}" ] && cp "$plain" "$MEMCHECK_LOG"
pattern='Invalid (read|write|free)|uninitialised|Mismatched|definitely lost in|overlap|Syscall param'
spindle_errors=$(awk -v RS= -v name="$name" -v pat="$pattern" 'index($0, name) && $0 ~ pat {n++} END {print n+0}' "$plain")
all_errors=$(awk -v RS= -v pat="$pattern" '$0 ~ pat {n++} END {print n+0}' "$plain")
summary=$(grep -E 'ERROR SUMMARY|definitely lost:' "$plain" | tr '\n' ' ')
echo "valgrind memcheck, $seconds s: known-answer tests exit $kat; whole process: $summary"
echo "error and definite-leak records: $all_errors in the whole process, $spindle_errors through $name"
if [ "$spindle_errors" -ne 0 ]; then
  awk -v RS= -v ORS='\n\n' -v name="$name" -v pat="$pattern" 'index($0, name) && $0 ~ pat' "$plain" | head -120
fi
[ "$kat" -eq 0 ] && [ "$spindle_errors" -eq 0 ]
