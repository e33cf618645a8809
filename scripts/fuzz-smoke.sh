#!/bin/sh
# fuzz-smoke.sh [SECONDS] — builds every libFuzzer target (make fuzz) and runs
# each for SECONDS (default 10).  Seeds come from fuzz/corpus/<name>/ and are
# never written to: new inputs go to a temporary corpus that is deleted at the
# end.  A crash leaves its reproducer as build-fuzz/crash-<name>-* and makes
# the script exit non-zero, so CI fails loudly with the input to replay:
#     build-fuzz/fuzz_<name> build-fuzz/crash-<name>-...
set -eu
secs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
make -j"$(nproc)" fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# UBSan in "make fuzz" recovers by default; make any report fatal here.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for bin in build-fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    case "$bin" in *.*) continue ;; esac
    name=${bin#build-fuzz/fuzz_}
    mkdir -p "$work/$name"
    seeds=""
    [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
    echo "=== fuzz_$name for ${secs}s"
    # -timeout: a single input taking > 10 s means a hang, which is a bug.
    if ! "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
            -artifact_prefix="build-fuzz/crash-$name-" "$work/$name" $seeds \
            >"$work/$name.log" 2>&1; then
        tail -n 40 "$work/$name.log"
        echo "fuzz_$name: FAILED"
        status=1
    else
        grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$name.log" || true
        echo "fuzz_$name: ok"
    fi
done
exit $status
