#!/bin/sh
# make mcu-check: run every Cortex-M image of `make mcu` in qemu
# (mps2-an386, semihosting, -icount shift=0 so the image can count its
# instructions) with fresh entropy from /dev/urandom, check each one passed,
# check no probe image links printf or strftime, and end with one line per
# profile and CPU:
#   mcu: profile=P cpu=C flash=N session=N stack=N handshake_instr=N spare=N flash_iotls=N flash_bearssl=N flash_libc=N [handshake_instr_1cert=N]
# flash = iotls + BearSSL bytes (.text + .rodata + .data) of the profile's
# probe image; session, stack and handshake_instr are measured by the image
# itself (see test/measure.h). Clients also get handshake_instr_1cert (a
# one-certificate chain, the leaf issued by the anchor; handshake_instr is
# leaf + intermediate) and print a "mcu-split:" line (test/split.h). Cortex-M0+ code runs on the an386's M4 core
# (ARMv6-M is a subset of ARMv7-M): its instruction count is that of the
# M0+ build. Exit status 0 only when every image passed.
set -u
build=${1:-build-mcu}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
summary=""

# The core must stay portable (docs/porting.md): newlib has no %zu, bare
# metal has no thread-local storage, and only src/port/ may include OS
# headers. The cross build catches the headers; these two it cannot.
if grep -rnE '"[^"]*%[-+ #0-9.]*z[udixX]' src/tls || grep -rnE '__thread|_Thread_local' src/tls; then
    echo "mcu-check: src/tls uses %z or thread-local storage (see docs/porting.md)"
    status=1
fi

for dir in "$build"/cortex-m*/*/; do
    [ -f "$dir/run.elf" ] || continue
    cpu=$(basename "$(dirname "$dir")")
    profile=$(basename "$dir")
    # The test supplies the entropy: a new random file for every run.
    head -c 16384 /dev/urandom > "$tmp/entropy"
    out="$tmp/out"
    timeout 600 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -icount shift=0 \
        -semihosting-config enable=on,target=native,arg=run.elf,arg="$tmp/entropy" \
        -kernel "$dir/run.elf" > "$out" 2>&1
    rc=$?
    sed "s|^|[$cpu/$profile] |" "$out"
    if [ $rc -ne 0 ] || ! grep -q '^mcu-run: all cases passed' "$out"; then
        echo "mcu-check: $cpu/$profile FAILED (qemu exit $rc)"
        status=1
        continue
    fi
    if arm-none-eabi-nm "$dir/probe.elf" |
        grep -qE ' T _?(printf|vfprintf|_vfprintf_r|_svfprintf_r|snprintf|vsnprintf|strftime|malloc)$'; then
        echo "mcu-check: $cpu/$profile: the probe image links printf, strftime or malloc"
        status=1
    fi
    m=$(sed -n 's/^mcu-measure: //p' "$out")
    extra=$(sed -n 's/^mcu-measure-extra: / /p' "$out")
    sizes=$(awk -f "$here/mapsize.awk" "$dir/probe.map")
    iotls=$(echo "$sizes" | sed 's/.*iotls=\([0-9]*\).*/\1/')
    br=$(echo "$sizes" | sed 's/.*bearssl=\([0-9]*\).*/\1/')
    libc=$(echo "$sizes" | sed 's/.*libc=\([0-9]*\).*/\1/')
    summary="${summary}mcu: profile=$profile cpu=$cpu flash=$((iotls + br)) $m flash_iotls=$iotls flash_bearssl=$br flash_libc=$libc$extra
"
done
printf '%s' "$summary"
[ -n "$summary" ] || { echo "mcu-check: no images in $build (run make mcu)"; status=1; }
exit $status
