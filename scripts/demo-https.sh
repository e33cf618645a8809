#!/bin/sh
# The README's HTTPS demo: `iotls serve` (the device web server) on a free
# loopback port with a certificate from the demo PKI, then `iotls get`
# fetches from it, verified: an LED change, then a second process that
# resumes the TLS session and sends two requests over one kept-alive
# connection. The server is stopped at the end.
set -eu
BUILD=${1:-build}
DIR="$BUILD/demo"
"$(dirname "$0")/demo-pki.sh" "$BUILD"
out="$DIR/serve.out"
"$BUILD/iotls" serve --cert "$DIR/server.pem" --key "$DIR/server.key" 127.0.0.1:0 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 50); do
    port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "demo-https: the server did not start" >&2; exit 1; }
base="https://localhost:$port"
echo "== iotls get -v: a verified PUT that switches LED 1 on"
"$BUILD/iotls" get -v --ca "$DIR/ca.pem" --session-out "$DIR/https.session" \
    -X PUT -d '{"on": true}' "$base/api/led/1"
echo "== a new process resumes the saved session; two requests share one connection"
"$BUILD/iotls" get -v --ca "$DIR/ca.pem" --session-in "$DIR/https.session" \
    "$base/api/status" "$base/api/whoami" 2>&1 | grep -E 'handshake:|reused|^\{|certificate'

echo "== open $base/ in a browser that trusts $DIR/ca.pem for the status page"
