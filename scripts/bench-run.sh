#!/bin/bash
# bench-run.sh BUILD full|smoke — runs the benchmarks of issue 6 and prints
# markdown tables. `full` also writes docs/benchmarks.md; `smoke` uses tiny
# counts so CI can run it in seconds (it checks that every program still
# runs, never how fast).
#
# Every server is started here, bound to 127.0.0.1, and killed by its PID.
set -eu
BUILD=${1:-build}
MODE=${2:-smoke}
B=$BUILD/bench
ROOT=$(pwd)

if [ "$MODE" = full ]; then
    HS_COUNT=50; BIG=$((32 * 1024 * 1024)); SCALE_NS="100 1000 10000"; PROBE_N=50
else
    HS_COUNT=3; BIG=$((1024 * 1024)); SCALE_NS="20"; PROBE_N=5
fi
BUFFERS="512 1024 2048 4096 16384"
STACKS="iotls openssl mbedtls wolfssl"
FETCH=1024 # bytes each handshake run fetches after the handshake

WORK=$(mktemp -d /tmp/iotls-bench.XXXXXX)
PIDS=""
FIFO_FD_OPEN=0
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    [ "$FIFO_FD_OPEN" = 1 ] && exec 3>&- || true
    rm -rf "$WORK"
}
trap cleanup EXIT

RESULTS=$WORK/results.txt
: >"$RESULTS"
log() { echo "bench: $*" >&2; }
# A run that fails is logged and left out of the tables; the script's exit
# status says that some did, so a smoke pass (CI) catches a program that
# no longer runs.
FAILS=0
failed() {
    log "FAILED: $*"
    FAILS=$((FAILS + 1))
}

# ---- PKI: ECDSA P-256 and RSA-2048 chains (CA -> leaf for localhost) --------
pki() { # pki NAME KEYALG...
    local n=$1; shift
    openssl req -x509 -newkey "$@" -nodes -days 30 -subj "/CN=bench $n CA" \
        -keyout "$WORK/$n-ca.key" -out "$WORK/$n-ca.pem" 2>/dev/null
    openssl req -newkey "$@" -nodes -subj "/CN=localhost" \
        -keyout "$WORK/$n.key" -out "$WORK/$n.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$WORK/ext"
    openssl x509 -req -in "$WORK/$n.csr" -CA "$WORK/$n-ca.pem" -CAkey "$WORK/$n-ca.key" \
        -CAcreateserial -days 30 -extfile "$WORK/ext" -out "$WORK/$n.pem" 2>/dev/null
    openssl x509 -in "$WORK/$n-ca.pem" -outform DER -out "$WORK/$n-ca.der"
    openssl x509 -in "$WORK/$n.pem" -outform DER -out "$WORK/$n.der"
    openssl pkey -in "$WORK/$n.key" -outform DER -out "$WORK/$n.key.der"
}
pki ec ec -pkeyopt ec_paramgen_curve:P-256
pki rsa rsa:2048

# Files s_server -WWW serves (from its working directory).
head -c "$FETCH" /dev/zero | tr '\0' 'a' >"$WORK/small"
head -c "$BIG" /dev/zero >"$WORK/big"

# ---- servers -------------------------------------------------------------
# Below the kernel's ephemeral range (ip_local_port_range, 32768.. on
# Linux), so outgoing connections of other programs cannot hold them.
PORT=$((20000 + $$ % 10000))
next_port() { PORT=$((PORT + 1)); }

wait_listen() { # port pid
    for _ in $(seq 1 100); do
        ss -ltnH "sport = :$1" 2>/dev/null | grep -q . && return 0
        kill -0 "$2" 2>/dev/null || { log "server on port $1 exited"; return 1; }
        sleep 0.05
    done
    log "server on port $1 never listened"; return 1
}

# The same openssl s_server for every client stack: TLS 1.2 only, X25519 as
# the only ECDHE group (all four stacks support it), one cipher suite.
S_COMMON="-tls1_2 -groups X25519 -no_dhe -4"
SUITE_AES_EC=ECDHE-ECDSA-AES128-GCM-SHA256
SUITE_AES_RSA=ECDHE-RSA-AES128-GCM-SHA256
SUITE_CC_EC=ECDHE-ECDSA-CHACHA20-POLY1305

start_www() { # var cert suite
    next_port
    (cd "$WORK" && exec openssl s_server $S_COMMON -accept "127.0.0.1:$PORT" -cert "$2.pem" \
        -key "$2.key" -cipher "$3" -WWW -quiet) >/dev/null 2>&1 &
    local pid=$!
    PIDS="$PIDS $pid"
    wait_listen "$PORT" "$pid"
    eval "$1=$PORT"
}

# Sink: s_server's default mode writes what it receives to stdout (here
# /dev/null). Its stdin is a FIFO nobody writes to: at EOF it would send.
mkfifo "$WORK/fifo"
exec 3<>"$WORK/fifo"
FIFO_FD_OPEN=1
start_sink() { # var cert suite
    next_port
    openssl s_server $S_COMMON -accept "127.0.0.1:$PORT" -cert "$WORK/$2.pem" \
        -key "$WORK/$2.key" -cipher "$3" -quiet <"$WORK/fifo" >/dev/null 2>&1 &
    local pid=$!
    PIDS="$PIDS $pid"
    wait_listen "$PORT" "$pid"
    eval "$1=$PORT"
}

start_www P_EC ec "$SUITE_AES_EC"
start_www P_RSA rsa "$SUITE_AES_RSA"
start_www P_EC_CC ec "$SUITE_CC_EC"
start_sink P_SINK ec "$SUITE_AES_EC"
start_sink P_SINK_CC ec "$SUITE_CC_EC"

# ---- client runs -----------------------------------------------------------
run() { # stack cert_label port [driver args...]; appends "cert=... <driver line>"
    local stack=$1 cert=$2 port=$3; shift 3
    local out
    if ! out=$("$B/bench-$stack" --port "$port" --ca "$WORK/$cert-ca.pem" "$@" 2>"$WORK/err"); then
        failed "bench-$stack $* : $(head -c 300 "$WORK/err")"
        echo "stack=$stack cert=$cert failed=1 $*" >>"$RESULTS"
        return 0
    fi
    echo "$out" | sed "s/^/cert=$cert /" >>"$RESULTS"
}

port_of() { [ "$1" = ec ] && echo "$P_EC" || echo "$P_RSA"; }

# Each client configuration: "stack buffer" (buffer only matters to iotls).
CONFIGS=""
for b in $BUFFERS; do CONFIGS="$CONFIGS iotls:$b"; done
CONFIGS="$CONFIGS openssl:0 mbedtls:0 wolfssl:0"

log "memory, stack, handshake time"
for cert in ec rsa; do
    for cfg in $CONFIGS; do
        s=${cfg%%:*}; b=${cfg#*:}
        p=$(port_of $cert)
        LD_PRELOAD=$ROOT/$B/malloc_count.so run "$s" "$cert" "$p" --mode mem --buffer "$b" --path /small
        run "$s" "$cert" "$p" --mode stack --buffer "$b" --path /small
        if [ "$s" != iotls ] || [ "$b" = 1024 ] || [ "$b" = 16384 ]; then
            run "$s" "$cert" "$p" --mode hs --buffer "$b" --count "$HS_COUNT" --path /small
            run "$s" "$cert" "$p" --mode resume --buffer "$b" --count "$HS_COUNT" --path /small
        fi
    done
done

log "instructions per handshake (callgrind)"
callgrind() { # stack cert buffer resume(0|1)
    local f="$WORK/cg.$1.$2.$4" extra=""
    [ "$4" = 1 ] && extra=--resume
    local out
    if out=$(valgrind -q --tool=callgrind --callgrind-out-file="$f" \
        --toggle-collect=bench_cg_connection "$B/bench-$1" --port "$(port_of "$2")" \
        --ca "$WORK/$2-ca.pem" --mode cg --buffer "$3" --path /small $extra 2>"$WORK/err"); then
        if echo "$out" | grep -q "na=1"; then
            echo "stack=$1 cert=$2 mode=cg resume=$4 na=1" >>"$RESULTS"
        else
            local ir
            ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
            echo "stack=$1 cert=$2 mode=cg resume=$4 ir=$ir" >>"$RESULTS"
        fi
    else
        failed "callgrind $1 $2: $(head -c 300 "$WORK/err")"
    fi
}
for cert in ec rsa; do
    for s in $STACKS; do
        b=0; [ "$s" = iotls ] && b=1024
        callgrind "$s" "$cert" "$b" 0
        callgrind "$s" "$cert" "$b" 1
    done
done

log "throughput"
for s in $STACKS; do
    bufs=0; [ "$s" = iotls ] && bufs="1024 16384"
    for b in $bufs; do
        run "$s" ec "$P_EC" --mode down --buffer "$b" --path /big
        run "$s" ec "$P_EC_CC" --mode down --buffer "$b" --path /big
        run "$s" ec "$P_SINK" --mode up --buffer "$b" --bytes "$BIG"
        run "$s" ec "$P_SINK_CC" --mode up --buffer "$b" --bytes "$BIG"
    done
done

log "net layer throughput by record size"
# Both ends in one process on CPU 0 (bench/net_throughput.c): the same run
# at 1 KiB and 16 KiB records, side by side.
taskset -c 0 "$B/net-throughput" --cert "$WORK/ec.pem" --key "$WORK/ec.key" --ca "$WORK/ec-ca.pem" \
    --bytes "$BIG" --buffer 1024 --buffer 16384 >>"$RESULTS" 2>"$WORK/err" ||
    failed "net-throughput: $(head -c 300 "$WORK/err")"

# ---- servers: scale, CPU per handshake, heap and stack per connection -----
# Each run: a bench server on CPU 0, an OpenSSL client on CPU 1 opening one
# warm-up connection and then N more, all held open (with --resume the N
# resume the warm-up's session). The server measures itself from the end of
# the first handshake to the end of the last (bench/server.h) and stops
# there, so nothing is killed mid-handshake and nothing is timed from here.
log "servers"
serve() { # label N resume(0|1) probe(scale|heap|stack) server-command...
    local label=$1 n=$2 resume=$3 probe=$4; shift 4
    next_port
    local sp=$PORT pre="" extra="" ropt=""
    [ "$probe" = heap ] && pre=$ROOT/$B/malloc_count.so
    [ "$probe" = stack ] && extra=--paint
    [ "$resume" = 1 ] && ropt=--resume
    local tag="mode=server probe=$probe server=$label n=$n resume=$resume"
    # shellcheck disable=SC2086
    env ${pre:+LD_PRELOAD=$pre} taskset -c 0 "$@" --port "$sp" --stop-after $((n + 1)) $extra \
        >"$WORK/srv.out" 2>"$WORK/srv.err" &
    local spid=$!
    PIDS="$PIDS $spid"
    wait_listen "$sp" "$spid" || { echo "$tag failed_run=1" >>"$RESULTS"; return 0; }
    : >"$WORK/load.out" # polled below: no stale READY from the last run
    # shellcheck disable=SC2086
    taskset -c 1 "$B/bench-openssl" --port "$sp" --ca "$WORK/ec-ca.pem" --mode hold \
        --count "$n" $ropt >"$WORK/load.out" 2>"$WORK/load.err" &
    local lpid=$!
    PIDS="$PIDS $lpid"
    while ! grep -q READY "$WORK/load.out" 2>/dev/null; do
        kill -0 "$lpid" 2>/dev/null || {
            failed "load for $label: $(head -c 300 "$WORK/load.err")"
            echo "$tag failed_run=1" >>"$RESULTS"
            kill "$spid"; return 0; }
        sleep 0.1
    done
    # The server stops by itself after its last handshake (--stop-after).
    wait "$spid" 2>/dev/null || true
    kill "$lpid"; wait "$lpid" 2>/dev/null || true
    local srv
    srv=$(grep "^impl=" "$WORK/srv.out" || true)
    [ -n "$srv" ] || failed "server $label: $(head -c 300 "$WORK/srv.err")"
    echo "$tag $srv" >>"$RESULTS"
}
SRV_IOTLS="$B/server-iotls --cert $WORK/ec.pem --key $WORK/ec.key"
SRV_OPENSSL="$B/server-openssl --cert $WORK/ec.pem --key $WORK/ec.key"
servers() { # N resume probe
    # shellcheck disable=SC2086
    serve iotls "$1" "$2" "$3" $SRV_IOTLS
    # shellcheck disable=SC2086
    serve iotls-own-buffers "$1" "$2" "$3" $SRV_IOTLS --own-buffers
    # shellcheck disable=SC2086
    serve openssl "$1" "$2" "$3" $SRV_OPENSSL
    # shellcheck disable=SC2086
    serve openssl-release-buffers "$1" "$2" "$3" $SRV_OPENSSL --release-buffers
}
for r in 0 1; do
    servers "$PROBE_N" "$r" heap
    servers "$PROBE_N" "$r" stack
    for n in $SCALE_NS; do servers "$n" "$r" scale; done
done

# ---- code size ---------------------------------------------------------------
log "code size"
sections_by_archive() { # map file -> "archive flash ram" lines (after --gc-sections)
    awk '
    function hex(s,   i, c, v) {
        v = 0; s = tolower(substr(s, 3))
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
        return v
    }
    /^Linker script and memory map/ { on = 1; next }
    !on { next }
    {
        if (NF == 1 && $1 ~ /^\./) { sec = $1; next }
        if (NF >= 4 && $1 ~ /^\./ && $2 ~ /^0x/ && $3 ~ /^0x/) { sec = $1; size = hex($3); file = $4 }
        else if (NF >= 3 && $1 ~ /^0x/ && $2 ~ /^0x/ && $3 !~ /^0x/ && $3 ~ /\(/) { size = hex($2); file = $3 }
        else next
        if (file ~ /libiotls-size\.a\(/) a = "iotls"; else if (file ~ /libbearssl\.a\(/) a = "bearssl"; else next
        if (sec ~ /^\.(text|rodata)/) flash[a] += size
        else if (sec ~ /^\.data/) { flash[a] += size; ram[a] += size }
        else if (sec ~ /^\.bss/) ram[a] += size
    }
    END { for (k in flash) print k, flash[k] + 0, ram[k] + 0 }' "$1"
}
for prog in min-client min-server; do
    map=$B/size/$prog.map
    members=$(sed -n '/^Archive member included/,/^Allocating common\|^Discarded/p' "$map" |
        grep '^[^ ]' |
        sed -n 's/.*libiotls-size\.a(\([^)]*\)).*/\1/p' | sort -u)
    objs=""
    for m in $members; do objs="$objs $(find "$B/size/src" -name "$m" | head -1)"; done
    # shellcheck disable=SC2086
    raw=$(size -t $objs | awk 'END {print $1 + $2, $2 + $3}')
    iot=$(sections_by_archive "$map" | awk '$1 == "iotls" {print $2, $3}')
    br=$(sections_by_archive "$map" | awk '$1 == "bearssl" {print $2, $3}')
    nobj=$(echo "$members" | wc -w)
    echo "mode=size prog=$prog objs=$nobj raw_flash=${raw% *} raw_ram=${raw#* } iotls_flash=${iot% *} iotls_ram=${iot#* } bearssl_flash=${br% *} bearssl_ram=${br#* } binary_text=$(size "$B/size/$prog" | awk 'NR==2 {print $1}')" >>"$RESULTS"
done
LIBDIR=/usr/lib/x86_64-linux-gnu
libsize() { size "$@" | awk 'NR > 1 {t += $1 + $2} END {print t}'; }
echo "mode=libsize iotls=$(libsize "$BUILD/libiotls.so") bearssl=$(libsize $LIBDIR/libbearssl.so.0) openssl=$(libsize $LIBDIR/libssl.so.3 $LIBDIR/libcrypto.so.3) mbedtls=$(libsize $LIBDIR/libmbedtls.so.14 $LIBDIR/libmbedx509.so.1 $LIBDIR/libmbedcrypto.so.7) wolfssl=$(libsize $LIBDIR/libwolfssl.so.35)" >>"$RESULTS"

# ---- report ------------------------------------------------------------------
CPU=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
NCPU=$(nproc)
DATE=$(date -u +%Y-%m-%d)
VERS="OpenSSL $(openssl version | awk '{print $2}'), mbedTLS $(dpkg-query -W -f='${Version}' libmbedtls-dev), wolfSSL $(dpkg-query -W -f='${Version}' libwolfssl-dev), BearSSL $(dpkg-query -W -f='${Version}' libbearssl-dev)"
TABLES=$WORK/tables.md
scripts/bench-report.sh "$RESULTS" >"$TABLES"
echo "## Run: $DATE, $CPU ($NCPU CPUs), mode $MODE"
echo "Libraries: $VERS"
echo
cat "$TABLES"
# The page is rendered in smoke mode too (so its script cannot rot), but only
# a full run replaces docs/benchmarks.md.
HS_COUNT=$HS_COUNT scripts/bench-doc.sh "$DATE" "$CPU ($NCPU CPUs)" "$VERS" "$TABLES" "$RESULTS" \
    >"$WORK/benchmarks.md"
cp "$RESULTS" "$BUILD/bench/results-$MODE.txt"
if [ "$MODE" = full ]; then
    cp "$WORK/benchmarks.md" docs/benchmarks.md
    log "wrote docs/benchmarks.md"
fi

# Layers add their own benchmarks as scripts/bench.d/NAME.sh BUILD MODE [DOC]:
# each prints its section and, in a full run, appends it to the page.
for extra in scripts/bench.d/*.sh; do
    [ -x "$extra" ] || continue
    if [ "$MODE" = full ]; then
        "$extra" "$BUILD" "$MODE" docs/benchmarks.md
    else
        "$extra" "$BUILD" "$MODE"
    fi
done

if [ "$FAILS" -gt 0 ]; then
    log "$FAILS run(s) failed (see the FAILED lines above)"
    exit 1
fi
