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
# Scale row (in f): what the server says, else the same server'"'"'s steady heap
# from the heap-probe run (same handshake kind). Saves and restores f.
function allocated(   save, h, k) {
    if (f["conn_memory"] != "") return kib(f["conn_memory"]) " KiB (`iotls_conn_memory`)"
    save = $0; k = f["server"] SUBSEP f["resume"] SUBSEP "heap"
    if (!(k in probe)) return "-"
    $0 = probe[k]; parse(); h = f["heap_live"]
    $0 = save; parse()
    return h == "" ? "-" : kib(h) " KiB (heap, table above)"
}
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
    if (f["mode"] == "server" && f["probe"] == "scale") scale[++sn] = $0
    if (f["mode"] == "server" && f["probe"] != "scale") {
        k = f["server"] SUBSEP f["resume"]
        if (!(k in pseen)) { pseen[k] = 1; porder[++pn] = k }
        probe[k SUBSEP f["probe"]] = $0
    }
    if (f["mode"] == "netput") { np[f["buffer"] SUBSEP f["dir"]] = $0; if (!(f["buffer"] in npseen)) { npseen[f["buffer"]] = 1; nporder[++npn] = f["buffer"] } }
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
    print "### Throughput of the net layer by record size"
    print ""
    print "bench/net_throughput.c: an iotls listener and an iotls client in one process,"
    print "one event loop, pinned to one core, so both ends'"'"' work is in the figure (it"
    print "compares record sizes, not stacks). The client'"'"'s buffer_size sets the record"
    print "size (max_fragment_length, acknowledged by the shared-buffer server). Median"
    print "of 5 runs (range beside it: the machine may be shared). recv() and send() are"
    print "counted by wrapping them at link time."
    print ""
    print "| Record size | Direction | MB/s (median) | range of 5 runs | 16 KiB / this | recv() per record | send() per record |"
    print "|---:|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= npn; i++) {
        b = nporder[i]
        for (d = 0; d < 2; d++) {
            dir = d ? "up" : "down"
            $0 = np[b SUBSEP dir]; parse()
            if (f["mb_s"] == "") { printf "| %s | %s | failed | | | | |\n", b, dir; continue }
            ref = np["16384" SUBSEP dir]; split(ref, rr, "mb_s="); split(rr[2], rv, " ")
            printf "| %s | %s | %.1f | %.1f-%.1f | %s | %.2f | %.2f |\n", b, d ? "upload" : "download", f["mb_s"],
                f["min_mb_s"], f["max_mb_s"], (rv[1] > 0 ? sprintf("%.2fx", rv[1] / f["mb_s"]) : "-"),
                f["recv_calls"] / f["records"], f["send_calls"] / f["records"]
        }
    }
    print ""
    print "### RAM and stack per server connection"
    print ""
    print "The bench servers (bench/server_iotls.c: the net API listener with a session"
    print "cache; bench/server_openssl.c: a single-threaded epoll server of the same"
    print "shape with its session cache, no tickets) accept one warm-up connection from"
    print "an OpenSSL client and then N more, all kept open; with resumption the N"
    print "resume the warm-up'"'"'s session. The server measures itself at the end of each"
    print "handshake (bench/server_probe.c), from the first on, so its one-time set-up is"
    print "not charged. Heap (malloc_count.so preloaded): peak = the largest rise of the"
    print "heap during one connection'"'"'s accept and handshake over the state before it;"
    print "steady = heap growth per connection once its handshake is done (includes the"
    print "session-cache entry OpenSSL allocates per session; iotls'"'"'s cache is one block"
    print "allocated at start, 100 bytes per session, sized like OpenSSL'"'"'s default of 20480"
    print "sessions); allocations = allocation calls per connection. Stack: the"
    print "whole server loop on a painted thread, minus an empty thread: the deepest use"
    print "over all its accepts and handshakes (without the counter preloaded). iotls:"
    print "`iotls` = connections share the loop'"'"'s record workspace (the listener default:"
    print "two full-size record buffers and a spill pool, allocated once per loop at the"
    print "first connection, so NOT in the per-connection columns; its size is below the"
    print "scale table), `iotls-own-buffers` = each connection owns 16384-byte buffers"
    print "(before 0.2). The heap columns come from the counter around the whole process;"
    print "the scale table adds what each connection reports itself (`iotls_conn_memory`)."
    print ""
    print "| Server | Handshake | N | Heap peak per connection | Heap steady per connection | Allocations per connection | Peak stack of the server loop |"
    print "|---|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= pn; i++) {
        k = porder[i]
        $0 = probe[k SUBSEP "heap"]; parse()
        hp = f["heap_peak"]; hl = f["heap_live"]; ha = f["heap_allocs"]; nn = f["measured"]
        srv = f["server"]; res = f["resume"]; hfail = f["failed_run"] == "1" || hp == ""
        $0 = probe[k SUBSEP "stack"]; parse()
        sb = f["stack_bytes"]
        printf "| %s | %s | %s | %s | %s | %s | %s |\n", srv, res == 1 ? "resumed" : "full", orna(nn),
            hfail ? "failed" : kib(hp) " KiB", hfail ? "failed" : kib(hl) " KiB", hfail ? "failed" : ha,
            sb == "" ? "failed" : kib(sb) " KiB"
    }
    print ""
    print "### Server scale and CPU: N idle TLS connections, full and resumed handshakes"
    print ""
    print "Same servers and load as above, without the heap counter: the server on CPU 0,"
    print "the OpenSSL client on CPU 1 (ECDSA P-256, X25519, AES-128-GCM). Server CPU ="
    print "its own user + system time (`CLOCK_PROCESS_CPUTIME_ID`) from the end of the"
    print "warm-up handshake to the end of the last: accept, handshake and epoll of N"
    print "connections, nothing of the client. Handshakes per second on one core = N /"
    print "that CPU time. RSS from `/proc/self/statm` at the end of the first handshake"
    print "and of the last (RSS counts pages touched, so it can be below what is"
    print "allocated). OpenSSL with and without `SSL_MODE_RELEASE_BUFFERS`."
    print ""
    print "| Server | Handshake | N | RSS after warm-up | RSS with N+1 open | RSS per connection | Allocated per connection | Server CPU per handshake | Handshakes/s on one core |"
    print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= sn; i++) {
        $0 = scale[i]; parse()
        kind = f["resume"] == 1 ? "resumed" : "full"
        if (f["failed_run"] == "1" || f["measured"] == "" || f["measured"] == 0) {
            printf "| %s | %s | %s | failed (see the bench log) | | | | | |\n", f["server"], kind, f["n"]; continue
        }
        m = f["measured"]; cpu = f["cpu_ns"] / 1e9
        printf "| %s | %s | %s | %.1f MiB | %.1f MiB | %.1f KiB | %s | %.3f ms | %s |\n", f["server"], kind, m,
            f["rss_first_kb"] / 1024, f["rss_end_kb"] / 1024, (f["rss_end_kb"] - f["rss_first_kb"]) / m,
            allocated(),
            cpu * 1e3 / m, (cpu > 0 ? sprintf("%.0f", m / cpu) : "n/a")
        bad = ""
        if (f["handshakes"] != f["n"] + 1) bad = bad sprintf(" %s handshakes of %s;", f["handshakes"], f["n"] + 1)
        if (f["resume"] == 1 && f["resumed"] != f["n"]) bad = bad sprintf(" %s resumed of %s;", f["resumed"], f["n"])
        if (f["failed"] != "" && f["failed"] != 0) bad = bad sprintf(" %s failed;", f["failed"])
        if (bad != "") printf "\n(server %s, %s, N=%s:%s)\n\n", f["server"], kind, f["n"], bad
    }
    wsn = 0
    for (i = 1; i <= sn; i++) {
        $0 = scale[i]; parse()
        if (f["server"] == "iotls" && f["workspace_bytes"] != "") {
            wsb = f["workspace_bytes"]; wsc = f["spill_capacity"]; wsn = f["n"]
            wsp = (f["spill_peak"] > wsp ? f["spill_peak"] : wsp); wsf += f["spill_failures"]
        }
    }
    if (wsn) {
        print ""
        printf "The `iotls` server'"'"'s one shared workspace per loop: %.1f KiB (record buffers %.1f KiB +", wsb / 1024, (wsb - wsc) / 1024
        printf " spill pool %.0f KiB), once for all N; largest spill pool use in these runs %.1f KiB, %d spill failures.\n", wsc / 1024, wsp / 1024, wsf
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
