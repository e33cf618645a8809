#!/bin/sh
# Installs, on Debian 12, everything iotls needs to build and test.
# Does nothing when every package is already present.
set -eu

PACKAGES="build-essential clang pkg-config libbearssl-dev libssl-dev openssl curl \
libcmocka-dev golang-go valgrind \
libmbedtls-dev libwolfssl-dev libclang-rt-14-dev clang-format"
# libmbedtls-dev, libwolfssl-dev: only for bench/ (iotls side by side with other stacks).
# Each layer lists what else it needs in scripts/deps/<layer>.list (one
# package per line, # comments).
here=$(dirname "$0")
for list in "$here"/deps/*.list; do
    [ -f "$list" ] || continue
    PACKAGES="$PACKAGES $(sed -e 's/#.*//' "$list" | tr -s ' \n' ' ')"
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# `make mcu` builds BearSSL from its Debian source package (apt-get source
# bearssl, scripts/bearssl-source.sh): add a deb-src entry for the Debian
# archive when the system has none.
if [ -f "$here/deps/mcu.list" ] &&
    ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$codename" | $SUDO tee /etc/apt/sources.list.d/iotls-deb-src.sources >/dev/null
    echo "install-deps: added a deb-src entry for $codename (apt-get source bearssl)"
    $SUDO apt-get update -q
fi

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
