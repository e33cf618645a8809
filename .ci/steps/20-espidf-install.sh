#!/usr/bin/env bash
# The installed esp-tls layer builds an ESP-IDF program through pkg-config
# (iotls-espidf), with its certificate embedded by the installed helper.
set -euo pipefail
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make install PREFIX="$stage" >/dev/null
export PKG_CONFIG_PATH="$stage/lib/pkgconfig"
"$stage/bin/iotls-embed-files" "$stage/embed.o" build/espidf-pki/ca.pem:server_root_cert.pem
cc -std=gnu17 examples/esp-idf/https_get_cacert.c "$stage/embed.o" -o "$stage/https_get" \
    $(pkg-config --cflags --libs iotls-espidf)
echo "espidf: examples/esp-idf/https_get_cacert.c built with pkg-config iotls-espidf"
