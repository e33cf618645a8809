#!/bin/sh
# Runs every test program given as arguments (cmocka binaries), prints each
# program's output, and ends with one summary line "N passed, N failed" that
# totals cmocka's per-test results. Exit status 0 only when nothing failed.
set -u

passed=0
failed=0
crashed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
    echo "=== $t"
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p))
    failed=$((failed + f))
    # A program that died, or exited non-zero without cmocka reporting a
    # failure, counts as one failed test so a crash can never pass.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
        crashed="$crashed $t(rc=$rc)"
    fi
done

[ -n "$crashed" ] && echo "programs that failed outside cmocka:$crashed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
