#!/bin/sh
# bench-section.sh LOG COMMIT — the Cortex-M section of docs/benchmarks.md,
# rendered from the output of ports/cortex-m/check.sh (its "mcu:" lines).
# Used by scripts/bench.d/mcu.sh; nothing in it is typed by hand.
set -eu
log=$1
commit=$2
cat <<EOF2
## Cortex-M: size and cost from \`make mcu-check\`

Measured by \`make mcu-check\` on $(date -u +%Y-%m-%d) at commit $commit ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'),
$(nproc) CPUs; $(arm-none-eabi-gcc --version | head -n 1); newlib-nano; BearSSL 0.6 from the Debian
source package; $(qemu-system-arm --version | head -n 1 | sed 's/ (.*//') \`-M mps2-an386 -icount shift=0\`).
Method in [porting.md](porting.md#building-for-cortex-m-make-mcu-make-mcu-check):

- **flash**: \`.text + .rodata + .data\` of a minimal device application of
  that profile (\`ports/cortex-m/test/probe.c\`), split by the linker map;
  **iotls + BearSSL** is what the \`mcu:\` line calls \`flash\`. Start-up,
  board and application code (about 1 KiB) are in none of the columns. No
  image links \`printf\`, \`strftime\` or \`malloc\` (check.sh fails otherwise).
- **session**: \`iotls_session_size\` on 32-bit for 2048-byte half-duplex
  records (a client verifying a chain; a server without client
  certificates). **spare**: what \`iotls_session_spare\` gives back after the
  handshake (the X.509 validator, the block's tail).
- **stack**: peak of the device session (init, handshake, echo, close) on a
  painted stack of its own.
- **handshake**: instructions of the device's session init and full
  handshake (client: ECDSA P-256 server with a leaf + intermediate chain, so
  three ECDSA verifications plus ECDHE; server: ECDSA signature plus ECDHE),
  counted by qemu. **1-cert**: the same client handshake with a leaf the
  anchor issued directly (a private CA), two verifications plus ECDHE. The
  milliseconds assume one instruction per cycle, a lower bound (no flash wait states or stalls); Cortex-M0+ code is counted
  on the an386's M4 core (its instructions, not its cycles). For scale,
  seed \`002_*\`: 1.5 s per TLS setup on an ESP32 at 240 MHz (mbedTLS).
- **build**: \`-Os\` except BearSSL's $(sed -n 's/^BR_SPEED *?= *//p' ports/cortex-m/build.mk | sed 's/ /, /g')
  (\`$(sed -n 's/^OPT_SPEED *?= *//p' ports/cortex-m/build.mk)\`, BR_SPEED in
  \`ports/cortex-m/build.mk\`; the trade-off is in porting.md).

| profile | CPU | iotls KiB | BearSSL KiB | iotls + BearSSL KiB | libc KiB | session B | spare B | stack B | handshake | at 80 / 160 / 240 MHz | 1-cert |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF2
sed -n 's/^mcu: //p' "$log" | sort -t' ' -k2,2r -k1,1 | awk '{
    delete v
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    one = ("handshake_instr_1cert" in v) ? sprintf("%.1f M", v["handshake_instr_1cert"] / 1e6) : "-"
    printf "| %s | %s | %.1f | %.1f | **%.1f** | %.1f | %d | %d | %d | %.1f M | %.0f / %.0f / %.0f ms | %s |\n",
        v["profile"], v["cpu"], v["flash_iotls"] / 1024, v["flash_bearssl"] / 1024, v["flash"] / 1024,
        v["flash_libc"] / 1024, v["session"], v["spare"], v["stack"], v["handshake_instr"] / 1e6,
        v["handshake_instr"] / 80e3, v["handshake_instr"] / 160e3, v["handshake_instr"] / 240e3, one
}'
split=$(sed -n 's/^\[cortex-m4\/client-ec-min\] mcu-split: //p' "$log" | head -n 1)
sed -n 's/^mcu: //p' "$log" | awk -v opsplit="$split" '
    /^profile=client-ec[-a-z]* cpu=cortex-m4 / {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        p = v["profile"]
        f[p] = v["flash"]; ss[p] = v["session"]; sp[p] = v["spare"]; st = v["stack"]; hs[p] = v["handshake_instr"]
        hs1[p] = v["handshake_instr_1cert"]
    }
    END {
        if (!st) exit
        m = ("client-ec-min" in ss) ? "client-ec-min" : "client-ec"
        h = hs[m]; h1 = hs1[m]
        printf "\nAgainst the targets of issue 15 (Cortex-M4, EC device client): flash %.1f KiB in\n", f[m] / 1024
        printf "%s (%.1f KiB with sentences) for a 48 KiB target: %s; session block %d B during the\n", m, f["client-ec"] / 1024, f[m] <= 48 * 1024 ? "met" : "not met", ss[m]
        printf "handshake in %s (%d B with names and sentences; %d B after the handshake,\n", m, ss["client-ec"], ss[m] - sp[m]
        printf "with the spare tail given back) for 10 KiB: %s; peak stack %d B for 5 KiB: %s;\n", ss[m] <= 10240 ? "met" : "not met", st, st <= 5120 ? "met" : "not met"
        printf "%.1f M handshake instructions for 30 M with a leaf + intermediate chain: %s", h / 1e6, h <= 30e6 ? "met" : "not met"
        printf " (%.1f M with a one-certificate chain: %s).\n", h1 / 1e6, h1 <= 30e6 ? "met" : "not met"
        if (opsplit == "") exit
        n = split(opsplit, kvs, " ")
        for (i = 1; i <= n; i++) { split(kvs[i], kv, "="); c[kv[1]] = kv[2] }
        vr = c["ecdsa_p256_verify"]; xg = c["x25519_keygen"]; xs = c["x25519_shared"]
        printf "\nWhere the client-ec-min handshake goes on Cortex-M4 (each operation counted\n"
        printf "alone by the image, mcu-split): one ECDSA P-256 verification %.1f M (three with\n", vr / 1e6
        printf "leaf + intermediate: both certificates and the ServerKeyExchange; two with a\n"
        printf "one-certificate chain), X25519 %.1f M to make the key share and %.1f M for the\n", xg / 1e6, xs / 1e6
        printf "shared secret (P-256 ECDHE would take %.1f M + %.1f M: the client offers X25519\n", c["p256_keygen"] / 1e6, c["p256_shared"] / 1e6
        printf "first); everything else (hashes, AES-GCM, records, X.509 parsing, iotls checks)\n"
        printf "%.1f M.\n", (h - 3 * vr - xg - xs) / 1e6
    }'
