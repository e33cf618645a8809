#!/usr/bin/env bash
# Cortex-M port (docs/porting.md): build BearSSL 0.6 (Debian source
# package) and iotls for Cortex-M4 and M0+, run every image in qemu
# (mps2-an386) with entropy from /dev/urandom, and print the "mcu:" lines
# (flash, session block, peak stack, handshake instructions per profile).
set -euo pipefail
make -j2 mcu
make mcu-check
