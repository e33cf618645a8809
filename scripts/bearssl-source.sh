#!/bin/sh
# BearSSL 0.6 from its Debian source package, unpacked into DIR (used by
# `make mcu`). Needs a deb-src entry (scripts/install-deps.sh adds one) and
# dpkg-dev. Refuses any other upstream version: the port is measured and
# documented against 0.6, the version libbearssl-dev ships.
set -eu
dest=$1
[ -f "$dest/inc/bearssl.h" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source -q bearssl >apt-source.log 2>&1) || {
    cat "$tmp/apt-source.log" >&2
    echo "bearssl-source: 'apt-get source bearssl' failed (is a deb-src entry configured? run scripts/install-deps.sh)" >&2
    exit 1
}
dir=$(find "$tmp" -maxdepth 1 -type d -name 'bearssl-0.6*' | head -n 1)
if [ -z "$dir" ]; then
    echo "bearssl-source: the Debian source package is not BearSSL 0.6" >&2
    exit 1
fi
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$dir" "$dest"
echo "bearssl-source: $(basename "$dir") in $dest"
