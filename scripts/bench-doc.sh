#!/bin/sh
# bench-doc.sh DATE CPU VERSIONS TABLES RESULTS — writes docs/benchmarks.md
# (stdout) around the tables of one `make bench` run: how it was measured,
# headline ratios and the MCU cost model, all computed from that run.
set -eu
DATE=$1 CPU=$2 VERS=$3 TABLES=$4 RESULTS=$5

# Headline: iotls (1024-byte buffer, ECDSA P-256 server) against each stack.
headline() {
    awk '
    function parse(   i, kv) { delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) } }
    { parse() }
    f["cert"] != "ec" { next }
    f["mode"] == "mem" && (f["stack"] != "iotls" || f["buffer"] == 1024) { peak[f["stack"]] = f["peak"] }
    f["mode"] == "stack" && (f["stack"] != "iotls" || f["buffer"] == 1024) { stk[f["stack"]] = f["stack_bytes"] }
    f["mode"] == "cg" && f["resume"] == 0 { ir[f["stack"]] = f["ir"] }
    f["mode"] == "hs" && (f["stack"] != "iotls" || f["buffer"] == 1024) { cpu[f["stack"]] = f["cpu_ms"] }
    END {
        printf "| | iotls (1 KiB buffer) | OpenSSL | mbedTLS | wolfSSL |\n|---|---:|---:|---:|---:|\n"
        printf "| Heap peak per connection | %.1f KiB | %.1f KiB (%.1fx) | %.1f KiB (%.1fx) | %.1f KiB (%.1fx) |\n",
            peak["iotls"] / 1024, peak["openssl"] / 1024, peak["openssl"] / peak["iotls"],
            peak["mbedtls"] / 1024, peak["mbedtls"] / peak["iotls"], peak["wolfssl"] / 1024, peak["wolfssl"] / peak["iotls"]
        printf "| Peak stack of a connection | %.1f KiB | %.1f KiB (%.1fx) | %.1f KiB (%.1fx) | %.1f KiB (%.1fx) |\n",
            stk["iotls"] / 1024, stk["openssl"] / 1024, stk["openssl"] / stk["iotls"],
            stk["mbedtls"] / 1024, stk["mbedtls"] / stk["iotls"], stk["wolfssl"] / 1024, stk["wolfssl"] / stk["iotls"]
        printf "| Instructions per full handshake | %.1f M | %.1f M (%.2fx) | %.1f M (%.2fx) | %.1f M (%.2fx) |\n",
            ir["iotls"] / 1e6, ir["openssl"] / 1e6, ir["openssl"] / ir["iotls"],
            ir["mbedtls"] / 1e6, ir["mbedtls"] / ir["iotls"], ir["wolfssl"] / 1e6, ir["wolfssl"] / ir["iotls"]
        printf "| Client CPU per connection (native) | %.2f ms | %.2f ms (%.2fx) | %.2f ms (%.2fx) | %.2f ms (%.2fx) |\n",
            cpu["iotls"], cpu["openssl"], cpu["openssl"] / cpu["iotls"],
            cpu["mbedtls"], cpu["mbedtls"] / cpu["iotls"], cpu["wolfssl"], cpu["wolfssl"] / cpu["iotls"]
    }' "$RESULTS"
}

# Server headline: iotls server (shared record buffers, the listener
# default) against the OpenSSL epoll server with default buffers and with
# SSL_MODE_RELEASE_BUFFERS; heap/stack from the probe runs, handshakes/s and
# RSS from the largest N.
server_headline() {
    awk '
    function parse(   i, kv) { delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) } }
    function cell(fmt, unit, a, b) {
        if (b == "") return "n/a"
        if (a == "" || a == 0) return sprintf(fmt, b) unit
        return sprintf(fmt "%s (%.2fx)", b, unit, b / a)
    }
    function row(what, unit, fmt, a, b, c) {
        printf "| %s | %s | %s | %s |\n", what, a == "" ? "n/a" : sprintf(fmt, a) unit, cell(fmt, unit, a, b), cell(fmt, unit, a, c)
    }
    { parse() }
    f["mode"] != "server" || f["failed_run"] == "1" { next }
    { k = f["server"] }
    k != "iotls" && k != "openssl" && k != "openssl-release-buffers" { next }
    f["probe"] == "heap" && f["resume"] == 0 { peak[k] = f["heap_peak"] / 1024; live[k] = f["heap_live"] / 1024 }
    f["probe"] == "stack" && f["resume"] == 0 { stk[k] = f["stack_bytes"] / 1024 }
    f["probe"] == "scale" && f["measured"] > 0 && f["n"] + 0 >= top[k f["resume"]] + 0 {
        top[k f["resume"]] = f["n"]; hs[k f["resume"]] = f["measured"] / (f["cpu_ns"] / 1e9)
        if (f["resume"] == 0) { rss[k] = f["rss_end_kb"] / 1024; if (f["conn_memory"] != "") self[k] = f["conn_memory"] / 1024 }
    }
    END {
        o = "openssl"; r = "openssl-release-buffers"
        printf "| Server side | iotls server | OpenSSL epoll server | OpenSSL, SSL_MODE_RELEASE_BUFFERS |\n|---|---:|---:|---:|\n"
        row("Heap per idle connection (steady, counted around the process)", " KiB", "%.1f", live["iotls"], live[o], live[r])
        printf "| Idle connection as iotls reports it (`iotls_conn_memory`) | %.1f KiB | | |\n", self["iotls"]
        row("Heap peak of one accept + handshake (beyond the shared workspace)", " KiB", "%.1f", peak["iotls"], peak[o], peak[r])
        row("RSS of the whole process with " top["iotls0"] "+1 idle connections", " MiB", "%.1f", rss["iotls"], rss[o], rss[r])
        row("Peak stack of the server loop", " KiB", "%.1f", stk["iotls"], stk[o], stk[r])
        row("Full handshakes/s on one core (N=" top["iotls0"] ")", "", "%.0f", hs["iotls0"], hs[o "0"], hs[r "0"])
        row("Resumed handshakes/s on one core (N=" top["iotls1"] ")", "", "%.0f", hs["iotls1"], hs[o "1"], hs[r "1"])
    }' "$RESULTS"
}

# Cost model: t = I * K / f for the iotls client handshake counts.
costmodel() {
    awk '
    function parse(   i, kv) { delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) } }
    { parse() }
    f["mode"] == "cg" && f["resume"] == 0 && f["ir"] != "" { ir[f["stack"] " " f["cert"]] = f["ir"] }
    END {
        printf "| Client handshake | I (x86-64 instructions) | K | 80 MHz | 160 MHz | 240 MHz |\n|---|---:|---:|---:|---:|---:|\n"
        n = split("iotls ec,iotls rsa,mbedtls ec,mbedtls rsa", rows, ",")
        for (r = 1; r <= n; r++) {
            if (!(rows[r] in ir)) continue
            split(rows[r], p, " ")
            for (k = 1; k <= 4; k *= 4)
                printf "| %s, %s server | %.1f M | %d | %.2f s | %.2f s | %.2f s |\n", p[1],
                    p[2] == "ec" ? "ECDSA P-256" : "RSA-2048", ir[rows[r]] / 1e6, k,
                    ir[rows[r]] * k / 80e6, ir[rows[r]] * k / 160e6, ir[rows[r]] * k / 240e6
        }
    }' "$RESULTS"
}

cat <<EOF
# Benchmarks

Numbers from one run of \`make bench\` (bench/, scripts/bench-run.sh), nothing
edited by hand. Re-run it to refresh this page; \`make bench-smoke\` runs the same
programs with tiny counts (CI does, without looking at the numbers).

- **Date:** $DATE
- **Machine:** $CPU, Debian 12, gcc 12, loopback only
- **Libraries (Debian packages):** $VERS; iotls at commit ${IOTLS_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}

## What is measured, and how

Every stack is a client of the **same \`openssl s_server\`** on 127.0.0.1: TLS 1.2
forced on both sides (iotls/BearSSL is TLS 1.2 only), **X25519** as the only ECDHE
group (all four stacks support it), and one cipher suite per server
(ECDHE-{ECDSA,RSA}-AES128-GCM-SHA256, or ECDHE-ECDSA-CHACHA20-POLY1305 for the
ChaCha20 rows). Server certificates: ECDSA P-256 and RSA-2048 leaves for
\`localhost\`, each signed by its own CA, generated by the bench with the openssl
CLI. Every client verifies the chain and the host name.

One driver (bench/driver.c) runs every measurement the same way for all stacks;
a stack is one small file (bench/stack_*.c) saying how it opens, handshakes,
reads, writes and closes over a blocking socket. The iotls one is the sans-IO
session driven by a ~60-line loop, as a device port would write it.

- **Heap:** bench/malloc_count.c, an LD_PRELOAD counter of malloc/calloc/realloc/
  aligned allocations (bytes as glibc hands them out). A warm-up connection runs
  first, so one-time lazy initialisation is not charged to the measured
  connection. For iotls the driver mallocs the caller-owned block itself
  (\`iotls_session_size()\` bytes), so it is in the heap numbers.
- **Stack:** the connection runs on a thread whose 1 MiB stack was painted with a
  pattern; the deepest overwritten byte, minus what an empty thread touches.
  Binaries are linked \`-z now\` so lazy symbol binding is not counted.
- **Servers:** the iotls net API listener and an OpenSSL epoll server of the
  same shape measure themselves at every completed handshake
  (bench/server_probe.c): CPU time, RSS, heap (with the same counter) and, on a
  painted thread, the stack of their whole loop. See the server tables.
- **Instructions:** \`valgrind --tool=callgrind --toggle-collect=bench_cg_connection\`:
  only the function that creates the connection object and completes the
  handshake is counted (client side only; the server is another process).
- **Wall time:** median of $( [ -n "${HS_COUNT:-}" ] && echo "$HS_COUNT" || echo "50") handshakes, from TCP connect to handshake complete.
- **Resumption:** every client resumes with the session of a previous connection
  to the same server (iotls: \`iotls_session_save()\` bytes passed back as
  \`cfg.resume\`, as a device would keep them across deep sleep). iotls, OpenSSL
  and wolfSSL confirm each resumption through their API (the run fails if the
  server did not resume); mbedTLS 2.28 has no public call to confirm it.

## Headline (same run, ECDSA P-256 server)

Ratios are the other stack divided by iotls (above 1: iotls uses less). The
wolfSSL instruction count is inflated by valgrind (see the caveat below the
handshake table); its native CPU time is the fair figure.

$(headline)

The same run's server side (ECDSA P-256; iotls with its listener default of
shared record buffers: one pair of full-size buffers and a spill pool per loop,
not charged per connection; ratio = OpenSSL divided by iotls: above 1 iotls uses
less memory, below 1 it does fewer handshakes per second; details in the server
tables below):

$(server_headline)

$(cat "$TABLES")

## Cost model: a handshake on an MCU

These are **estimates, not measurements**. The input is the instruction count
callgrind measured above; the rest is a stated assumption:

    t  ≈  I × K / f

- **I**: x86-64 instructions of one client handshake (callgrind, table above).
- **f**: the MCU clock, 80 / 160 / 240 MHz.
- **K**: MCU cycles per x86-64 instruction of this workload. It folds together the
  MCU's cycles per instruction and how many of its (32-bit) instructions one
  x86-64 instruction becomes. K = 1 is a floor that no 32-bit core reaches for
  big-number code (a 64×64-bit multiply is one x86-64 instruction and many on a
  32-bit core; BearSSL also picks its 64-bit EC/RSA code on x86-64 and its 15/31-bit
  code on 32-bit targets). **K = 4 is an assumption** chosen for illustration, not
  derived from any measurement here; measure one handshake on the target to get
  the real K, then the table scales linearly.
- Not modelled: hardware crypto accelerators, flash wait states, the server's
  share and network round trips.

$(costmodel)

For comparison only (published elsewhere, not measured here): DESIGN.md cites
1.5 s HTTPS handshakes on an ESP32 (240 MHz) with ESP-IDF's mbedTLS.

## Not measured (yet)

- Server-side figures for mbedTLS and wolfSSL (only iotls and OpenSSL servers
  exist in bench/), and server heap/stack with RSA certificates.
- OpenSSL's ticket-based resumption (its server here uses the session cache
  like iotls, which has no tickets).
- Code size of minimal static clients of the other stacks (Debian ships no
  static wolfSSL; only whole-library sizes are shown).
- Real MCU hardware: the Cortex-M figures (make mcu-check, section at the end)
  come from qemu (instruction counts, not cycles); the cost model above is for
  other MCUs.
EOF
