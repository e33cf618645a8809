#!/bin/bash
# Benchmark hook (scripts/bench-run.sh): crypto providers (docs/crypto.md).
# The same iotls programs with BearSSL's own public-key code and with the
# host provider (IOTLS_BENCH_CRYPTO=host: libiotls-hostcrypto, OpenSSL's
# libcrypto), beside OpenSSL itself:
#   - client CPU per connection (bench-<stack> --mode hs against one
#     openssl s_server, X25519 and P-256 key exchange, ECDSA P-256 server);
#   - server full handshakes per second of one core's CPU time (server on
#     CPU 0, an OpenSSL load client holding N connections on CPU 1);
#   - where the iotls server's and client's time goes with the host
#     provider (perf, user time): libcrypto, BearSSL's handshake
#     interpreter (br_ssl_hs_*_run), the rest of BearSSL, iotls, libc.
# Prints the section; a full run appends it to the page (DOC).
set -eu
build=$1 mode=$2 doc=${3:-}
B=$build/bench
if [ "$mode" = full ]; then
    COUNT=300 SRV_N=3000 REPEAT=3 SRV_ROUNDS=5
else
    COUNT=3 SRV_N=10 REPEAT=1 SRV_ROUNDS=1
fi

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/iotls-bench-crypto.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
say() { echo "bench crypto: $*" >&2; }

# An ECDSA P-256 CA and a leaf for localhost.
(
    cd "$work"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
        -subj "/CN=bench crypto CA" -keyout ca.key -out ca.pem
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout leaf.key -out leaf.csr
    printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 \
        -extfile leaf.ext -out leaf.pem
    head -c 1024 /dev/zero >small
) 2>/dev/null

port=$((20000 + $$ % 10000)) # below the ephemeral range, as bench-run.sh
listening() { # port pid
    for _ in $(seq 1 100); do
        ss -ltnH "sport = :$1" 2>/dev/null | grep -q . && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# ---- client CPU per connection ------------------------------------------
s_server() { # groups -> sets $port
    port=$((port + 1))
    (cd "$work" && exec taskset -c 1 openssl s_server -tls1_2 -groups "$1" -no_dhe -4 \
        -accept "127.0.0.1:$port" -cert leaf.pem -key leaf.key \
        -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -WWW -quiet) >/dev/null 2>&1 &
    pids="$pids $!"
    listening "$port" "$!"
}
# Best of REPEAT runs: the machine is shared, the least disturbed run is
# the closest to the code's own cost.
client_cpu() { # stack crypto -> "cpu_ms median_ms"
    local best="" line
    for _ in $(seq 1 "$REPEAT"); do
        line=$(IOTLS_BENCH_CRYPTO=$2 taskset -c 0 "$B/bench-$1" --port "$port" \
            --ca "$work/ca.pem" --mode hs --buffer 1024 --count "$COUNT" --path /small) || {
            say "bench-$1 ($2) failed"
            echo "- -"
            return 0
        }
        best=$(printf '%s\n%s\n' "$best" "$line" | awk '
            { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
            f["cpu_ms"] != "" && (b == "" || f["cpu_ms"] + 0 < b) { b = f["cpu_ms"] + 0; m = f["median_ms"] }
            END { if (b != "") print b, m }')
    done
    echo "$best"
}
declare -A CPU MED
for group in X25519 P-256; do
    # In TLS 1.2 the groups also name the curves of ECDSA keys a client
    # takes: P-256 stays listed after X25519.
    groups=$group
    [ "$group" = X25519 ] && groups=X25519:P-256
    s_server "$groups" || { say "s_server ($groups) did not start"; exit 1; }
    for run in iotls:bearssl iotls:host openssl:-; do
        read -r c m < <(client_cpu "${run%%:*}" "${run#*:}")
        CPU[$group/$run]=$c
        MED[$group/$run]=$m
    done
done

# ---- server full handshakes per second on one core ------------------------
# One run of a server: sets RATE (runs in this shell: the port counter and
# the PIDs must stick). 0 if it failed.
server_run() { # crypto server-args...
    local crypto=$1 out
    shift
    RATE=0
    port=$((port + 1))
    IOTLS_BENCH_CRYPTO=$crypto taskset -c 0 "$@" --port "$port" --stop-after $((SRV_N + 1)) \
        >"$work/srv.out" 2>"$work/srv.err" &
    local spid=$!
    pids="$pids $spid"
    listening "$port" "$spid" || {
        say "server $1 did not listen: $(head -c 300 "$work/srv.err")"
        return 0
    }
    taskset -c 1 "$B/bench-openssl" --port "$port" --ca "$work/ca.pem" --mode hold \
        --count "$SRV_N" >"$work/load.out" 2>"$work/load.err" &
    local lpid=$!
    pids="$pids $lpid"
    wait "$spid" 2>/dev/null || true
    kill "$lpid" 2>/dev/null || true
    wait "$lpid" 2>/dev/null || true
    out=$(grep '^impl=' "$work/srv.out" || true)
    RATE=$(echo "$out" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
        f["cpu_ns"] > 0 { printf "%.0f", f["measured"] / (f["cpu_ns"] / 1e9) }')
    [ -n "$RATE" ] || { say "server failed: $(head -c 300 "$work/srv.err")"; RATE=0; }
}
# Rounds: each runs the three servers one after the other, so the columns
# of a round see about the same load. The table gives each column's best
# round (the least disturbed run is the closest to the code's own cost) and
# the median of the rounds' host/OpenSSL ratios (the machine is shared: one
# round's ratio can be off by 0.1 either way).
CERT="--cert $work/leaf.pem --key $work/leaf.key"
SRV_BEARSSL=0 SRV_HOST=0 SRV_OPENSSL=0 SRV_RATIOS=""
best() { [ "$2" -gt "$1" ] && echo "$2" || echo "$1"; }
for _ in $(seq 1 "$SRV_ROUNDS"); do
    # shellcheck disable=SC2086
    server_run bearssl "$B/server-iotls" $CERT
    SRV_BEARSSL=$(best "$SRV_BEARSSL" "$RATE")
    # shellcheck disable=SC2086
    server_run host "$B/server-iotls" $CERT
    host=$RATE
    SRV_HOST=$(best "$SRV_HOST" "$RATE")
    # shellcheck disable=SC2086
    server_run - "$B/server-openssl" $CERT
    SRV_OPENSSL=$(best "$SRV_OPENSSL" "$RATE")
    [ "$host" -gt 0 ] && [ "$RATE" -gt 0 ] &&
        SRV_RATIOS="$SRV_RATIOS $(awk -v a="$host" -v b="$RATE" 'BEGIN { printf "%.3f", a / b }')"
done
SRV_MEDIAN=$(echo "$SRV_RATIOS" | tr ' ' '\n' | grep . | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
SRV_RANGE=$(echo "$SRV_RATIOS" | tr ' ' '\n' | grep . | sort -n | sed -n '1p;$p' | paste -sd' ')

# ---- instructions per server handshake (callgrind, host provider) ---------
# Deterministic where wall-clock rates are not: the server under callgrind
# for a few and for more handshakes; the difference divided by the
# difference in handshakes leaves out start-up. The interpreter's share
# counts the same addresses as the perf shares below.
BR_LIB=$(ldd "$B/server-iotls" | awk '/libbearssl/ { print $3 }')
lookup() { nm -D -S --defined-only "$BR_LIB" 2>/dev/null | awk -v s="$1" '$4 == s { print $1, $2 }'; }
read -r lo_at lo_len < <(lookup br_ssl_choose_hash)
read -r hi_at _ < <(lookup br_sslio_init)
BR_RANGE="$((16#$lo_at + 16#$lo_len)) $((16#$hi_at))"
cg_counts() { # handshakes -> "total interpreter" instructions
    port=$((port + 1))
    # shellcheck disable=SC2086
    IOTLS_BENCH_CRYPTO=host valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
        "$B/server-iotls" $CERT --port "$port" --stop-after $(($1 + 1)) >/dev/null 2>&1 &
    local spid=$!
    pids="$pids $spid"
    listening "$port" "$spid" || { echo "0 0"; return 0; }
    "$B/bench-openssl" --port "$port" --ca "$work/ca.pem" --mode hold --count "$1" >/dev/null 2>&1 &
    local lpid=$!
    pids="$pids $lpid"
    wait "$spid" 2>/dev/null || true
    kill "$lpid" 2>/dev/null || true
    callgrind_annotate --threshold=100 "$work/cg.out" 2>/dev/null | awk -v range="$BR_RANGE" '
        function hex(v,   i, n) {
            v = tolower(substr(v, 3)); n = 0
            for (i = 1; i <= length(v); i++) n = n * 16 + index("0123456789abcdef", substr(v, i, 1)) - 1
            return n
        }
        BEGIN { split(range, r, " ") }
        /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
        /libbearssl/ && !/PROGRAM TOTALS/ {
            n = $1; gsub(",", "", n); sym = $0; sub(/^.*:/, "", sym); sub(/ .*/, "", sym)
            if (sym ~ /^br_ssl_hs_(client|server)_run$/ || (sym ~ /^0x/ && hex(sym) >= r[1] && hex(sym) < r[2])) t += n
        }
        END { printf "%d %d\n", total, t }'
}
CG_TOTAL="-" CG_INTERP="-"
if [ "$mode" = full ] && command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
    read -r a_total a_interp < <(cg_counts 20)
    read -r b_total b_interp < <(cg_counts 120)
    if [ "$a_total" -gt 0 ] && [ "$b_total" -gt "$a_total" ]; then
        CG_TOTAL=$(awk -v a="$a_total" -v b="$b_total" 'BEGIN { printf "%.2f", (b - a) / 100 / 1e6 }')
        CG_INTERP=$(awk -v a="$a_interp" -v b="$b_interp" 'BEGIN { printf "%.2f", (b - a) / 100 / 1e6 }')
    fi
fi

# ---- where the time goes (perf, host provider) -----------------------------
# Shares of the process's CPU-time samples (user and, where perf may see
# it, kernel) by library. BearSSL's handshake interpreter is its T0
# virtual machine: br_ssl_hs_client_run / br_ssl_hs_server_run and the
# static helpers of those two units, which the stripped library leaves
# unnamed: every address between br_ssl_choose_hash (the unit before) and
# br_sslio_init (the unit after) counts.
shares() { # perf.data -> "libcrypto interp bearssl iotls kernel other"
    perf report -i "$1" --stdio --sort dso,sym -q 2>/dev/null | awk -v range="$BR_RANGE" '
        function hex(v,   i, n) {
            v = tolower(substr(v, 3)); n = 0
            for (i = 1; i <= length(v); i++) n = n * 16 + index("0123456789abcdef", substr(v, i, 1)) - 1
            return n
        }
        BEGIN { split(range, r, " ") }
        /%/ {
            p = $1; sub("%", "", p); dso = $2; sym = $NF
            if (dso ~ /libcrypto/) c += p
            else if (dso ~ /libbearssl/ && (sym ~ /^br_ssl_hs_(client|server)_(run|init_main)$/ ||
                     (sym ~ /^0x/ && hex(sym) >= r[1] && hex(sym) < r[2]))) t += p
            else if (dso ~ /libbearssl/) b += p
            else if (dso ~ /(server|bench)-iotls/) i += p
            else if (dso ~ /kernel/) k += p
            else o += p
        }
        END { printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", c, t, b, i, k, o }'
}
PERF_SRV="- - - - - -" PERF_CLI="- - - - - -"
if command -v perf >/dev/null && perf record -o "$work/probe.data" -e cpu-clock true >/dev/null 2>&1; then
    port=$((port + 1))
    IOTLS_BENCH_CRYPTO=host taskset -c 0 perf record -q -e cpu-clock -F 4000 -o "$work/srv.data" \
        "$B/server-iotls" $CERT --port "$port" --stop-after $((SRV_N + 1)) >/dev/null 2>&1 &
    spid=$!
    pids="$pids $spid"
    if listening "$port" "$spid"; then
        taskset -c 1 "$B/bench-openssl" --port "$port" --ca "$work/ca.pem" --mode hold \
            --count "$SRV_N" >/dev/null 2>&1 &
        lpid=$!
        pids="$pids $lpid"
        wait "$spid" 2>/dev/null || true
        kill "$lpid" 2>/dev/null || true
        PERF_SRV=$(shares "$work/srv.data")
    fi
    s_server X25519:P-256 || say "s_server did not start for the client profile"
    IOTLS_BENCH_CRYPTO=host taskset -c 0 perf record -q -e cpu-clock -F 4000 -o "$work/cli.data" \
        "$B/bench-iotls" --port "$port" --ca "$work/ca.pem" --mode hs --buffer 1024 \
        --count "$COUNT" --path /small >/dev/null 2>&1 && PERF_CLI=$(shares "$work/cli.data")
else
    say "perf cannot sample here: time shares skipped"
fi

# ---- the section --------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else printf "-" }'; }
verdict() { [ "$1" = yes ] && echo "met" || echo "NOT met"; }
cli_ok=$(awk -v h="${CPU[X25519/iotls:host]}" -v o="${CPU[X25519/openssl:-]}" \
    'BEGIN { print (h + 0 > 0 && h + 0 <= o + 0) ? "yes" : "no" }')
srv_ok=$(awk -v m="$SRV_MEDIAN" 'BEGIN { print (m + 0 >= 0.75) ? "yes" : "no" }')
commit=$(git rev-parse --short HEAD)
{
    echo "## Crypto providers: BearSSL's code, the host provider, OpenSSL"
    echo
    echo "Run $(date -u +%Y-%m-%d), commit $commit, mode $mode ($(nproc) CPUs: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1));"
    echo "load average $load_at_start at the start (a shared machine: absolute rates are below an idle"
    echo "machine's, the columns of one table were measured under the same load)."
    echo "scripts/bench.d/crypto.sh: the same iotls programs with BearSSL's own public-key code"
    echo "and with the host provider (libiotls-hostcrypto: X25519, P-256, ECDSA P-256 by OpenSSL's"
    echo "libcrypto), beside OpenSSL. Client: CPU time of the client process per connection (full"
    echo "handshake, 1 KiB fetch, close; iotls with a 1 KiB record buffer) against one"
    echo "\`openssl s_server\` (ECDSA P-256 certificate, AES-128-GCM), best of $REPEAT runs of $COUNT."
    echo "Server: full handshakes per second of the server's CPU time on one core, N=$SRV_N"
    echo "connections held by an OpenSSL client on the other core (X25519); $SRV_ROUNDS rounds, each running"
    echo "the three servers one after the other: each column's best round, and the median of the"
    echo "rounds' host/OpenSSL ratios (lowest and highest: $SRV_RANGE)."
    echo
    echo "| Client, key exchange | iotls, BearSSL | iotls, host provider | OpenSSL | host / OpenSSL |"
    echo "|---|---:|---:|---:|---:|"
    for g in X25519 P-256; do
        echo "| CPU ms per connection, $g | ${CPU[$g/iotls:bearssl]} | ${CPU[$g/iotls:host]} | ${CPU[$g/openssl:-]} | $(ratio "${CPU[$g/iotls:host]}" "${CPU[$g/openssl:-]}") |"
        echo "| median ms to handshake done, $g | ${MED[$g/iotls:bearssl]} | ${MED[$g/iotls:host]} | ${MED[$g/openssl:-]} | |"
    done
    echo
    echo "| Server | iotls, BearSSL | iotls, host provider | OpenSSL | host / OpenSSL |"
    echo "|---|---:|---:|---:|---:|"
    echo "| Full handshakes/s on one core (best round) | $SRV_BEARSSL | $SRV_HOST | $SRV_OPENSSL | $(ratio "$SRV_HOST" "$SRV_OPENSSL") |"
    echo "| Median of the rounds' ratios | | | | ${SRV_MEDIAN:--}x |"
    echo
    echo "Instructions per full handshake of the host-provider server (callgrind, the same"
    echo "programs, 120 handshakes less 20): $CG_TOTAL M, of which BearSSL's handshake interpreter"
    echo "(T0) $CG_INTERP M ($(awk -v a="$CG_INTERP" -v b="$CG_TOTAL" 'BEGIN { if (b + 0 > 0) printf "%.0f%%", 100 * a / b; else printf "-" }'))."
    echo
    read -r sc st sb si sk so <<<"$PERF_SRV"
    read -r cc ct cb ci ck co <<<"$PERF_CLI"
    echo "Where the time goes with the host provider (perf record -e cpu-clock on a separate run of"
    echo "the same server and client programs; share of samples, %):"
    echo
    echo "| Process | libcrypto (public-key work) | BearSSL handshake interpreter (T0) | rest of BearSSL (hashes, PRF, AES-GCM, X.509, records, CPU feature probes) | iotls + bench program | kernel | libc, other |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| server | $sc | $st | $sb | $si | $sk | $so |"
    echo "| client | $cc | $ct | $cb | $ci | $ck | $co |"
    echo
    echo "Issue 10 targets with the host provider: client CPU per connection <= OpenSSL's"
    echo "(X25519): $(verdict "$cli_ok"); server full handshakes/s >= 0.75x OpenSSL's (median of the"
    echo "rounds): $(verdict "$srv_ok")."
} >"$work/section.md"
cat "$work/section.md"
if [ -n "$doc" ]; then
    # Run on its own, the hook replaces its section of the page (a full
    # `make bench` renders the page anew first). The section goes before
    # the Cortex-M one, which its own script re-renders to the end of the
    # page (ports/cortex-m/bench-section.sh).
    awk -v sec="$work/section.md" '
        function put() { while ((getline l < sec) > 0) print l; print ""; done = 1 }
        /^## Crypto providers: / { skip = 1; next }
        skip && /^## / { skip = 0 }
        skip { next }
        /^## Cortex-M/ && !done { put() }
        { print }
        END { if (!done) { print ""; put() } }' "$doc" >"$work/doc.md"
    sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$work/doc.md" >"$doc"
fi
