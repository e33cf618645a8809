#!/bin/sh
# The README's demo: make a small PKI (root CA -> server certificate for
# localhost), then run examples/demo: an iotls server and a verifying iotls
# client on loopback, printing both handshake reports.
set -eu
BUILD=${1:-build}
DIR="$BUILD/demo"
mkdir -p "$DIR"
cd "$DIR"
if [ ! -f server-chain.pem ]; then
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=iotls demo CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out ca.pem
    openssl ecparam -name prime256v1 -genkey -noout -out server.key
    openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
        -days 825 -extfile server.ext -out server-chain.pem 2>/dev/null
    chmod 600 ca.key server.key
fi
cd - >/dev/null
exec "$BUILD/examples/demo" --ca "$DIR/ca.pem" --cert "$DIR/server-chain.pem" --key "$DIR/server.key"
