#!/bin/sh
# The README's demo: make a small PKI with the iotls tool (a CA, a server
# certificate for localhost), then run examples/demo: an iotls server and a
# verifying iotls client on loopback, printing both handshake reports.
set -eu
BUILD=${1:-build}
DIR="$BUILD/demo"
"$(dirname "$0")/demo-pki.sh" "$BUILD"
exec "$BUILD/examples/demo" --ca "$DIR/ca.pem" --cert "$DIR/server.pem" --key "$DIR/server.key"
