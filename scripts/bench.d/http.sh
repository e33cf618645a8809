#!/bin/bash
# bench.d/http.sh BUILD full|smoke [DOC] — the HTTPS server benchmark of
# issue 11: `iotls serve` beside nginx (Debian nginx-light, one worker), the
# same ECDSA P-256 certificate, TLS 1.2 and ECDHE-ECDSA-AES128-GCM-SHA256,
# session cache on and tickets off on both. The server runs on CPU 0, the
# client (bench/http_load.c, OpenSSL, verifying) on CPU 1; every figure is
# the server's own, read from /proc/PID (RSS, utime + stime). Prints a
# markdown section; with DOC (full mode) appends it to that file.
# Servers bind 127.0.0.1 and are killed by PID.
set -eu
BUILD=${1:-build}
MODE=${2:-smoke}
DOC=${3:-}
LOAD=$BUILD/bench/http-load
if [ "$MODE" = full ]; then
    IDLE_N=1000; HS_N=2000; RESUME_N=4000; RPS_S=5
else
    IDLE_N=20; HS_N=20; RESUME_N=20; RPS_S=1
fi
WORK=$(mktemp -d /tmp/iotls-bench-http.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "bench-http: $*" >&2; }
ulimit -n 8192 2>/dev/null || log "cannot raise the descriptor limit (ulimit -n): $(ulimit -n)"

"$BUILD/iotls" cert ca --out "$WORK" --force >/dev/null
"$BUILD/iotls" cert server --ca "$WORK" --cn localhost --san DNS:localhost --san IP:127.0.0.1 \
    --out "$WORK" --force >/dev/null
CA=$WORK/ca.pem
PIN0="taskset -c 0"
PIN1="taskset -c 1"
[ "$(nproc)" -ge 2 ] || { PIN0=""; PIN1=""; }

# ---- iotls serve -----------------------------------------------------------
$PIN0 "$BUILD/iotls" serve --cert "$WORK/server.pem" --key "$WORK/server.key" \
    --max-conns $((IDLE_N + 100)) --idle-timeout 600000 --session-cache 65536 \
    127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
IOTLS_PID=$!
PIDS="$PIDS $IOTLS_PID"
IOTLS_PORT=""
for _ in $(seq 100); do
    IOTLS_PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$WORK/serve.out")
    [ -n "$IOTLS_PORT" ] && break
    sleep 0.05
done
[ -n "$IOTLS_PORT" ] || { cat "$WORK/serve.err" >&2; log "iotls serve did not start"; exit 1; }

# ---- nginx (one worker) ------------------------------------------------------
NGINX_PID=""
NGINX_PORT=$((40000 + $$ % 20000))
BODY=$(head -c 250 /dev/zero | tr '\0' 'x')
if command -v nginx >/dev/null; then
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $WORK/nginx/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections $((IDLE_N * 2 + 200)); }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_timeout 600s;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $WORK/server.pem;
        ssl_certificate_key $WORK/server.key;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;
        ssl_session_cache shared:iotlsbench:1m;
        ssl_session_tickets off;
        location /api/status { default_type application/json; return 200 '{"x":"$BODY"}'; }
    }
}
CONF
    $PIN0 nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx.err" &
    NGINX_MASTER=$!
    PIDS="$PIDS $NGINX_MASTER"
    for _ in $(seq 100); do
        NGINX_PID=$(pgrep -P "$NGINX_MASTER" | head -1 || true)
        [ -n "$NGINX_PID" ] && (echo >/dev/tcp/127.0.0.1/$NGINX_PORT) 2>/dev/null && break
        sleep 0.05
    done
    [ -n "$NGINX_PID" ] || { cat "$WORK/nginx.err" >&2; log "nginx did not start"; NGINX_PID=""; }
else
    log "nginx is not installed (Debian nginx-light): measuring iotls only"
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$WORK/results.txt
: >"$RESULTS"
run() { # run NAME PID PORT ARGS...
    local name=$1 pid=$2 port=$3
    shift 3
    local out
    out=$($PIN1 "$LOAD" "$pid" "$CA" "$port" /api/status "$@")
    echo "server=$name mode=$* $out" >>"$RESULTS"
}
measure() { # measure NAME PID PORT
    run "$1" "$2" "$3" idle "$IDLE_N"
    run "$1" "$2" "$3" hs new "$HS_N"
    run "$1" "$2" "$3" hs reuse "$RESUME_N"
    run "$1" "$2" "$3" rps 1 "$RPS_S"
    run "$1" "$2" "$3" rps 10 "$RPS_S"
}
measure iotls "$IOTLS_PID" "$IOTLS_PORT"
STATUS=$("$BUILD/iotls" get --ca "$CA" "https://localhost:$IOTLS_PORT/api/status")
[ -n "$NGINX_PID" ] && measure nginx "$NGINX_PID" "$NGINX_PORT"

val() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
pick() { grep "^server=$1 mode=$2" "$RESULTS" | head -1; }

CPU=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
NGV=$(nginx -v 2>&1 | sed 's/.*nginx\///' || echo none)
{
    echo
    echo "## HTTPS server: iotls serve beside nginx"
    echo
    echo "One run of \`make bench\` (scripts/bench.d/http.sh), $(date -u +%Y-%m-%d), $CPU ($(nproc) CPUs), mode $MODE."
    echo "\`iotls serve\` (iotls at $(git rev-parse --short HEAD 2>/dev/null || echo ?)) and nginx $NGV (Debian"
    echo "nginx-light, one worker, OpenSSL $(openssl version | awk '{print $2}')) with the same ECDSA P-256 certificate,"
    echo "TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256, a session cache and no tickets. Server on"
    echo "CPU 0, client (bench/http_load.c: OpenSSL, verifies chain and name) on CPU 1."
    echo "Requests: \`GET /api/status\` (iotls: the live JSON, ~250 bytes; nginx: a"
    echo "fixed 258-byte JSON). Every figure is the server process's own, from"
    echo "/proc/PID: RSS (VmRSS) and CPU (utime + stime, 10 ms ticks). RSS counts touched"
    echo "pages, so buffers allocated but not written do not show. Load average when the run"
    echo "started: $LOAD_BEFORE (a shared machine: wall times and rates vary with it;"
    echo "server CPU per operation varies less)."
    echo
    echo "### RAM per HTTPS connection (RSS growth / N; seed 002's ESP32 server: 40-50 KB)"
    echo
    echo "| Server | N | RSS before | RSS, N idle keep-alive | per idle connection | RSS, N mid-request | per active connection |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for s in iotls nginx; do
        l=$(pick $s "idle") || continue
        [ -n "$l" ] || continue
        echo "| $s | $(echo "$l" | val conns) | $(kib $(($(echo "$l" | val rss_before_kib) * 1024))) | $(kib $(($(echo "$l" | val rss_idle_kib) * 1024))) | $(kib "$(echo "$l" | val idle_per_conn_b)") | $(kib $(($(echo "$l" | val rss_active_kib) * 1024))) | $(kib "$(echo "$l" | val active_per_conn_b)") |"
    done
    echo
    echo "iotls's own accounting for the same server (from \`/api/status\` after the run):"
    echo "TLS bytes per connection $(echo "$STATUS" | sed -n 's/.*"tls_bytes_per_connection":\([0-9]*\).*/\1/p')"
    echo "(\`iotls_conn_memory\`: connection + session block; record buffers come from the loop's shared"
    echo "workspace), HTTP state per idle connection $(echo "$STATUS" | sed -n 's/.*"http_bytes_per_connection":\([0-9]*\).*/\1/p') bytes; a request in"
    echo "progress adds its head buffer (1 KB, doubled up to max_header_bytes only for larger heads) and, once the head is parsed, a small block sized for it (field table, path and parameter copies)."
    echo
    echo "### Handshakes and requests per second"
    echo
    echo "| Server | what | count | server CPU | wall | per second of server CPU (one core) |"
    echo "|---|---|---:|---:|---:|---:|"
    for s in iotls nginx; do
        l=$(pick $s "hs new")
        [ -n "$l" ] && echo "| $s | full handshake + 1 request | $(echo "$l" | val handshakes) | $(echo "$l" | val server_cpu_s) s | $(echo "$l" | val wall_s) s | $(echo "$l" | val per_cpu_s) |"
        l=$(pick $s "hs reuse")
        [ -n "$l" ] && echo "| $s | resumed handshake + 1 request ($(echo "$l" | val resumed) resumed) | $(echo "$l" | val handshakes) | $(echo "$l" | val server_cpu_s) s | $(echo "$l" | val wall_s) s | $(echo "$l" | val per_cpu_s) |"
        for c in 1 10; do
            l=$(pick $s "rps $c ")
            [ -n "$l" ] && echo "| $s | keep-alive requests, $c connection(s) ($(echo "$l" | val per_s)/s wall) | $(echo "$l" | val requests) | $(echo "$l" | val server_cpu_s) s | $(echo "$l" | val wall_s) s | $(echo "$l" | val per_cpu_s) |"
        done
    done
    if [ -z "$NGINX_PID" ]; then
        echo
        echo "(nginx was not installed: no reference rows.)"
    fi
} >"$WORK/section.md"
cat "$WORK/section.md"
cp "$RESULTS" "$BUILD/bench/results-http-$MODE.txt"
if [ -n "$DOC" ]; then
    cat "$WORK/section.md" >>"$DOC"
    log "appended the HTTPS section to $DOC"
fi
