#!/usr/bin/env bash
# Runs every test program given as arguments (cmocka binaries), up to
# IOTLS_TEST_JOBS of them at once (default 2, the cores of a CI machine;
# most programs spend their time waiting for peers, not computing), prints
# each program's output whole and in argument order, and ends with one
# summary line "N passed, N failed" that totals cmocka's per-test results.
# Exit status 0 only when nothing failed.
set -u

jobs_max=${IOTLS_TEST_JOBS:-2}
case $jobs_max in '' | *[!0-9]* | 0) jobs_max=1 ;; esac
passed=0
failed=0
crashed=""
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
progs=("$@")
shown=0

# Prints program i's output and adds its counts to the totals.
report() {
    local t=${progs[$1]} log="$dir/$1.log" rc p f
    rc=$(cat "$dir/$1.rc")
    echo "=== $t"
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
    echo "=== $t: $(cat "$dir/$1.secs")s"
}

# Reports, in argument order, every program that has finished so far.
flush() {
    while [ "$shown" -lt "${#progs[@]}" ] && [ -f "$dir/$shown.rc" ]; do
        report "$shown"
        shown=$((shown + 1))
    done
}

running=0
for i in "${!progs[@]}"; do
    if [ "$running" -ge "$jobs_max" ]; then
        wait -n
        running=$((running - 1))
        flush
    fi
    (
        start=$SECONDS
        "${progs[$i]}" >"$dir/$i.log" 2>&1 </dev/null
        rc=$?
        echo $((SECONDS - start)) >"$dir/$i.secs"
        echo "$rc" >"$dir/$i.rc.tmp"
        mv "$dir/$i.rc.tmp" "$dir/$i.rc"
    ) &
    running=$((running + 1))
done
wait
flush

[ -n "$crashed" ] && echo "programs that failed outside cmocka:$crashed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
