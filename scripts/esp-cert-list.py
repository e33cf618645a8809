#!/usr/bin/env python3
"""Write an ESP8266 SDK certificate list, the layout make_cacert.py
(esp_ca_cert.bin) and make_cert.py (esp_cert_private_key.bin) produce:
per file a 32-byte NUL-padded name, a 16-bit little-endian length and the
DER bytes. PEM input is converted to DER (the first PEM block of a file).

    esp-cert-list.py OUT.bin NAME=FILE [NAME=FILE...] [--image IMG --sector N]

With --image the list is also written into the flash image at sector N
(offset N * 4096; the image must exist, e.g. made by `iotls flash write`).
Names as the SDK scripts use them: "TLS.ca_x509" for CA certificates,
"certificate" and "private_key" for a device's own certificate and key.
"""
import base64
import re
import struct
import sys


def der_of(path):
    data = open(path, "rb").read()
    m = re.search(rb"-----BEGIN [A-Z ]+-----(.*?)-----END", data, re.S)
    return base64.b64decode(b"".join(m.group(1).split())) if m else data


def main(argv):
    image = sector = None
    args = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--image", "--sector") and i + 1 < len(argv):
            if argv[i] == "--image":
                image = argv[i + 1]
            else:
                sector = int(argv[i + 1], 0)
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) < 2 or (image is None) != (sector is None):
        sys.stderr.write(__doc__)
        return 2
    out = bytearray()
    for spec in args[1:]:
        name, _, path = spec.partition("=")
        der = der_of(path)
        if not name or len(name) > 31 or len(der) > 0xFFFF:
            sys.stderr.write("bad entry %r (name 1..31 chars, DER < 64 KiB)\n" % spec)
            return 2
        out += name.encode().ljust(32, b"\0") + struct.pack("<H", len(der)) + der
    open(args[0], "wb").write(out)
    if image is not None:
        with open(image, "r+b") as f:
            f.seek(sector * 4096)
            f.write(b"\xff" * (-(-len(out) // 4096) * 4096))  # erased sectors
            f.seek(sector * 4096)
            f.write(out)
    print("%s: %d entries, %d bytes%s" % (args[0], len(args) - 1, len(out),
          " (also at sector 0x%X of %s)" % (sector, image) if image else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
