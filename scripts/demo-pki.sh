#!/bin/sh
# demo-pki.sh BUILD — the demo PKI in BUILD/demo (a CA, a server certificate
# for localhost and 127.0.0.1), made once with the iotls tool. Used by
# demo.sh and demo-https.sh.
set -eu
BUILD=${1:-build}
DIR="$BUILD/demo"
if [ ! -f "$DIR/server.pem" ]; then
    "$BUILD/iotls" cert ca --out "$DIR" --force >/dev/null
    "$BUILD/iotls" cert server --ca "$DIR" --cn localhost --san DNS:localhost \
        --san IP:127.0.0.1 --out "$DIR" --force >/dev/null
fi
