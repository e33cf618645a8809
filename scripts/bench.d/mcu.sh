#!/bin/sh
# Benchmark hook (scripts/bench-run.sh): the Cortex-M section. A full run
# builds and runs the images (make mcu-check, docs/porting.md) and appends
# the rendered table to the page; smoke runs leave it to CI's own mcu step.
set -eu
build=$1 mode=$2 doc=${3:-}
if [ "$mode" != full ]; then
    echo "mcu: the Cortex-M section is measured in full runs and by make mcu-check"
    exit 0
fi
if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v qemu-system-arm >/dev/null; then
    echo "mcu: no arm-none-eabi-gcc or qemu-system-arm (scripts/install-deps.sh): section skipped"
    exit 0
fi
log=$build/bench/mcu-check.txt
mkdir -p "$build/bench"
make -j2 mcu >/dev/null
make mcu-check >"$log"
section=$(ports/cortex-m/bench-section.sh "$log" "$(git rev-parse --short HEAD)")
echo "$section"
if [ -n "$doc" ]; then printf '\n%s\n' "$section" >>"$doc"; fi
