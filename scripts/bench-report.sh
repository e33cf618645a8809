#!/bin/sh
# bench-report.sh RESULTS — turns the key=value lines scripts/bench-run.sh
# collected into markdown tables (stdout). Kept apart from the runner so a
# saved results file can be re-rendered without re-measuring.
set -eu
exec awk '
function parse(   i, kv) {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
}
function name(s, b) { return s == "iotls" ? "iotls " b : s }
function certname(c) { return c == "ec" ? "ECDSA P-256" : "RSA-2048" }
function kib(x) { return x == "" ? "-" : sprintf("%.1f", x / 1024) }
function family(s) { return s ~ /CHACHA/ ? "ChaCha20-Poly1305" : "AES-128-GCM" }
function mi(x) { return x == "" ? "n/a" : sprintf("%.2f", x / 1e6) }
function orna(x) { return x == "" ? "n/a" : x }
{
    parse()
    if (f["failed"] == "1") { failed[++nfail] = $0; next }
    k = f["stack"] SUBSEP f["cert"] SUBSEP f["buffer"]
    if (f["mode"] == "mem") { mem[k] = $0; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    if (f["mode"] == "stack") stk[k] = f["stack_bytes"]
    if (f["mode"] == "hs") { hs[f["stack"] SUBSEP f["cert"] SUBSEP f["buffer"]] = f["median_ms"]; hcpu[f["stack"] SUBSEP f["cert"] SUBSEP f["buffer"]] = f["cpu_ms"] }
    if (f["mode"] == "resume") rs[f["stack"] SUBSEP f["cert"] SUBSEP f["buffer"]] = f["na"] == "1" ? "na" : f["median_ms"]
    if (f["mode"] == "cg") cg[f["stack"] SUBSEP f["cert"] SUBSEP f["resume"]] = f["na"] == "1" ? "na" : f["ir"]
    if (f["mode"] == "down" || f["mode"] == "up") {
        t = f["stack"] SUBSEP f["buffer"] SUBSEP family(f["suite"])
        if (!(t in tseen)) { tseen[t] = 1; torder[++tn] = t; tsuite[t] = f["suite"] }
        tp[t SUBSEP f["mode"]] = f["mb_s"]
    }
    if (f["mode"] == "scale") scale[++sn] = $0
    if (f["mode"] == "size") size[++zn] = $0
    if (f["mode"] == "libsize") lib = $0
}
END {
    print "### RAM and stack per client connection"
    print ""
    print "One connection: handshake, fetch 1 KiB, close. Heap counted by an LD_PRELOAD"
    print "allocator counter (bytes glibc hands out, `malloc_usable_size`) from just before"
    print "the connection object is created, after a warm-up connection; what all connections"
    print "share (CA store, library context, RNG) is not counted. iotls: the caller-owned"
    print "block (`iotls_session_size()`) is allocated with malloc by the driver, so it is"
    print "part of the heap columns, shown separately too. Stack: painted thread, minus an"
    print "empty thread."
    print ""
    print "| Stack | Server cert | Caller-owned block | Heap peak | Heap after handshake | Allocations | Peak stack |"
    print "|---|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) {
        k = order[i]; $0 = mem[k]; parse()
        printf "| %s | %s | %s | %s KiB | %s KiB | %s | %s KiB |\n", name(f["stack"], f["buffer"]),
            certname(f["cert"]), f["owned"] == "0" ? "-" : f["owned"] " B", kib(f["peak"]),
            kib(f["live_after_hs"]), f["allocs"], kib(stk[k])
    }
    print ""
    print "### Handshake cost (client side)"
    print ""
    print "Instructions: callgrind, counting only inside the function that creates the"
    print "connection object and runs the handshake (deterministic up to the random"
    print "values). Wall time: median over the run, TCP connect to handshake done, against"
    print "`openssl s_server` on the other core (so the server share is in it). iotls with"
    print "a 1024-byte record buffer. Client CPU: this process'"'"'s user + system time per"
    print "connection (full handshake, 1 KiB fetch, close), native, no server share."
    print ""
    print "Caveat on instructions: valgrind runs code on a virtual CPU without some x86"
    print "extensions (e.g. ADX), and OpenSSL and wolfSSL pick their big-number code by"
    print "CPUID at run time, so under callgrind they may run slower generic paths. wolfSSL"
    print "is the clear case: its callgrind count is far above what its native CPU time"
    print "allows. BearSSL (iotls) and mbedTLS choose their EC/RSA code at compile time,"
    print "so their counts are the code that runs natively."
    print ""
    print "| Stack | Server cert | Instructions, full | Instructions, resumed | Client CPU ms per connection | Median ms, full | Median ms, resumed |"
    print "|---|---|---:|---:|---:|---:|---:|"
    split("iotls openssl mbedtls wolfssl", st, " ")
    split("ec rsa", cs, " ")
    for (c = 1; c <= 2; c++) for (s = 1; s <= 4; s++) {
        b = st[s] == "iotls" ? 1024 : 0
        full = cg[st[s] SUBSEP cs[c] SUBSEP 0]; res = cg[st[s] SUBSEP cs[c] SUBSEP 1]
        r = rs[st[s] SUBSEP cs[c] SUBSEP b]
        printf "| %s | %s | %s M | %s | %s | %s | %s |\n", name(st[s], b), certname(cs[c]), mi(full),
            res == "na" ? "n/a (resumption not implemented yet)" : mi(res) " M",
            orna(hcpu[st[s] SUBSEP cs[c] SUBSEP b]),
            orna(hs[st[s] SUBSEP cs[c] SUBSEP b]),
            r == "na" ? "n/a (resumption not implemented yet)" : orna(r)
    }
    print ""
    print "### Throughput (client side, ECDSA server, MB/s of application data)"
    print ""
    print "Download: the client fetches a file from `s_server -WWW`. Upload: the client"
    print "writes 16 KiB chunks to `s_server` in its sink mode, then close_notify; the"
    print "clock stops when the server answers it (it has read everything before it)."
    print "The suite is chosen by the server (`-cipher`): every client offers its default"
    print "list (iotls could narrow it with `cfg.suites`; not needed here)."
    print ""
    print "| Stack | Suite negotiated | Download MB/s | Upload MB/s |"
    print "|---|---|---:|---:|"
    for (i = 1; i <= tn; i++) {
        t = torder[i]; split(t, p, SUBSEP)
        printf "| %s | %s | %s | %s |\n", name(p[1], p[2]), tsuite[t], orna(tp[t SUBSEP "down"]), orna(tp[t SUBSEP "up"])
    }
    print ""
    print "### Server scale: N idle TLS connections"
    print ""
    print "Server on CPU 0, an OpenSSL client on CPU 1 opening N connections one after"
    print "another (ECDSA P-256, X25519, AES-128-GCM) and keeping them open. RSS from"
    print "`/proc/PID/status` before and after; server CPU time from `/proc/PID/stat`"
    print "(10 ms ticks, so small N is coarse). Handshakes per second on one core ="
    print "N / server CPU seconds. iotls: `iotls listen`-shaped net API server with the"
    print "default 16384-byte buffers; OpenSSL: a single-threaded epoll server of the same"
    print "shape (bench/server_openssl.c), with and without `SSL_MODE_RELEASE_BUFFERS`."
    print "RSS counts only pages touched, so it can be below what is allocated."
    print ""
    print "| Server | N | RSS before | RSS with N open | RSS per connection | Allocated per connection | Server CPU | Full handshakes/s on one core |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= sn; i++) {
        $0 = scale[i]; parse()
        if (f["failed_run"] == "1") { printf "| %s | %s | failed (see the bench log) | | | | | |\n", f["server"], f["n"]; continue }
        cpu = f["cpu_ticks"] / f["tck"]
        ok = f["connected"] != "" ? f["connected"] : "?"
        printf "| %s | %s | %.1f MiB | %.1f MiB | %.1f KiB | %s | %.2f s | %s |\n", f["server"], f["n"],
            f["rss0_kb"] / 1024, f["rss1_kb"] / 1024, (f["rss1_kb"] - f["rss0_kb"]) * 1024 / f["n"] / 1024,
            f["conn_memory"] != "" ? kib(f["conn_memory"]) " KiB (`iotls_conn_memory`)" : "-", cpu, (cpu > 0 ? sprintf("%.0f", f["n"] / cpu) : "n/a (below tick)")
        if (ok != "?" && ok != f["n"]) printf "\n(server %s reported %s handshakes completed of %s)\n\n", f["server"], ok, f["n"]
    }
    print ""
    print "### Code size"
    print ""
    print "iotls compiled again with `-Os -ffunction-sections -fdata-sections`; a minimal"
    print "client (bench/min_client.c: trust from DER, one session, blocking socket) and"
    print "server (bench/min_server.c) linked statically against it and Debian'"'"'s"
    print "`libbearssl.a` with `--gc-sections`, libc dynamic. Flash = text + rodata + data,"
    print "RAM = data + bss (static only; the session block is the caller'"'"'s, sized above)."
    print "x86-64 code; Debian'"'"'s BearSSL archive has one section per object file, so"
    print "--gc-sections can only drop whole objects of it."
    print ""
    print "| Program | iotls objects pulled in | `size` of those objects (flash / RAM) | iotls after gc (flash / RAM) | BearSSL after gc (flash / RAM) | iotls + BearSSL flash |"
    print "|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= zn; i++) {
        $0 = size[i]; parse()
        printf "| %s | %s | %s / %s KiB | %s / %s KiB | %s / %s KiB | %s KiB |\n", f["prog"], f["objs"],
            kib(f["raw_flash"]), kib(f["raw_ram"]), kib(f["iotls_flash"]), kib(f["iotls_ram"]),
            kib(f["bearssl_flash"]), kib(f["bearssl_ram"]), kib(f["iotls_flash"] + f["bearssl_flash"])
    }
    if (lib != "") {
        $0 = lib; parse()
        print ""
        print "Whole shared libraries as Debian ships them (text + data of `size`, every feature"
        print "built in; not what a minimal client needs, shown for scale):"
        print ""
        print "| libiotls.so (all layers) | libbearssl.so | libssl + libcrypto | libmbedtls + x509 + crypto | libwolfssl |"
        print "|---:|---:|---:|---:|---:|"
        printf "| %s KiB | %s KiB | %s KiB | %s KiB | %s KiB |\n", kib(f["iotls"]), kib(f["bearssl"]),
            kib(f["openssl"]), kib(f["mbedtls"]), kib(f["wolfssl"])
    }
    if (nfail > 0) {
        print ""
        print "### Runs that failed"
        print ""
        for (i = 1; i <= nfail; i++) print "    " failed[i]
    }
}' "$1"
