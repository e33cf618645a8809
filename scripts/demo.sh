#!/bin/sh
# The README's demo: make a small PKI with the iotls tool (a CA, a server
# certificate for localhost), then run examples/demo: an iotls server and a
# verifying iotls client on loopback, printing both handshake reports.
set -eu
BUILD=${1:-build}
DIR="$BUILD/demo"
if [ ! -f "$DIR/server.pem" ]; then
    "$BUILD/iotls" cert ca --out "$DIR" --force >/dev/null
    "$BUILD/iotls" cert server --ca "$DIR" --cn localhost --san DNS:localhost \
        --san IP:127.0.0.1 --out "$DIR" --force >/dev/null
fi
exec "$BUILD/examples/demo" --ca "$DIR/ca.pem" --cert "$DIR/server.pem" --key "$DIR/server.key"
