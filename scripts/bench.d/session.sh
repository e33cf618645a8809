#!/bin/sh
# Benchmark hook (scripts/bench-run.sh): the session block of a verifying
# client at 2048-byte half-duplex records, per build profile, beside what
# BearSSL alone needs (bench/session_block.c, built by bench/bench.mk), and
# the 32-bit figures of the same run's `make mcu-check` (mcu.sh runs before
# this script and leaves its log in BUILD/bench/mcu-check.txt).
set -eu
build=$1 mode=$2 doc=${3:-}
dir=$build/bench/session-block
profiles="full client-ec client-ec-terse client-ec-min"
lines=$(for p in $profiles; do "$dir/session-block-$p"; done)
get() { # get LINE KEY
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
flags() {
    case $1 in
    full) echo "(defaults: every feature)" ;;
    client-ec) echo "SERVER=0 EC_DEVICE=1" ;;
    client-ec-terse) echo "SERVER=0 EC_DEVICE=1 ERROR_TEXT=0" ;;
    client-ec-min) echo "SERVER=0 EC_DEVICE=1 ERROR_TEXT=0 REPORT_NAMES=0 NO_CHAIN_MODES=0" ;;
    esac
}

# BearSSL alone on 32-bit: the same three parts, sized by the cross compiler.
br32=""
inc=build-mcu/bearssl-src/inc
if command -v arm-none-eabi-gcc >/dev/null && [ -f "$inc/bearssl.h" ]; then
    tmp=$(mktemp -d)
    cat >"$tmp/br32.c" <<'EOF'
#include <bearssl.h>
char bearssl_alone[sizeof(br_ssl_client_context) + sizeof(br_x509_minimal_context) + 2048 +
                   (BR_SSL_BUFSIZE_INPUT - 16384)];
EOF
    if arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -I"$inc" -c "$tmp/br32.c" -o "$tmp/br32.o"; then
        hex=$(arm-none-eabi-nm -S "$tmp/br32.o" | awk '$4 == "bearssl_alone" { print $2 }')
        [ -n "$hex" ] && br32=$(printf '%d' "0x$hex")
    fi
    rm -rf "$tmp"
fi

# table HEADER SEPARATOR ROW: ROW PROFILE LINE prints one profile's row.
table() {
    echo "$1"
    echo "$2"
    for p in $profiles; do "$3" "$p" "$(echo "$lines" | grep "profile=$p ")"; done
}
size_row() {
    echo "| $1 | $(flags "$1") | $(get "$2" bearssl) | **$(get "$2" block)** | $(get "$2" iotls) | $(get "$2" identity) | $(get "$2" spare) |"
}
part_row() {
    s=$(get "$2" session) h=$(get "$2" head) w=$(get "$2" walker) x=$(get "$2" wrapper)
    n=$(get "$2" names) i=$(get "$2" iotls)
    echo "| $1 | $s | $(get "$2" report) / $(get "$2" error) / $(get "$2" sniff) / $(get "$2" track) | $((h - s)) | $w | $x | $n | $((i - h - w - x - n)) |"
}

mcu_log=$build/bench/mcu-check.txt
[ "$mode" = full ] || mcu_log=/nonexistent

section() {
    echo "## Session block: a verifying client at 2048-byte half-duplex records"
    echo
    echo "Run $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), mode $mode;"
    echo "bench/session_block.c, built once per profile with the TLS core compiled"
    echo "with that profile's flags (iotls/options.h; the Cortex-M build's profiles)."
    echo "The block is \`iotls_session_size()\` of a client configuration with"
    echo "\`buffer_size = 2048, half_duplex = true\`. BearSSL alone is what a client"
    echo "of BearSSL's own API needs for the same: \`br_ssl_client_context\`,"
    echo "\`br_x509_minimal_context\` and one 2048-byte record buffer with BearSSL's"
    echo "overhead. The tail is the X.509 part \`iotls_session_spare()\` hands back"
    echo "once the handshake is done."
    echo
    table "| profile (x86-64) | flags (IOTLS_...) | BearSSL alone | iotls block | iotls's part | with \`report_peer_identity\` | tail given back |" \
        "|---|---|---:|---:|---:|---:|---:|" size_row
    echo
    echo "iotls's part, x86-64 (bytes; the session struct holds the report, the"
    echo "error text, the hello sniffer's and the record tracker's state; the"
    echo "walker and its wrapper are iotls's half of the validator; the error-text"
    echo "names, in the validator's tail, are the leaf's subject (kept in the"
    echo "report's storage instead with \`report_peer_identity\`) and the issuer of"
    echo "the certificate being checked, for sentences only):"
    echo
    table "| profile | session struct | of which report / error / sniffer / tracker | role part + alignment | walker | wrapper | error-text names | buffer alignment + slack |" \
        "|---|---:|---:|---:|---:|---:|---:|---:|" part_row
    if [ -s "$mcu_log" ]; then
        echo
        echo "32-bit (Cortex-M4, arm-none-eabi-gcc), from the same run's \`make mcu-check\`"
        echo "(the \`mcu:\` lines' session and spare; BearSSL alone sized by the cross"
        echo "compiler: ${br32:-not measured} B):"
        echo
        echo "| profile | iotls block | iotls's part | tail given back |"
        echo "|---|---:|---:|---:|"
        for p in client-ec client-ec-terse client-ec-min client-full; do
            l=$(grep "^mcu: profile=$p cpu=cortex-m4 " "$mcu_log" | head -1)
            [ -n "$l" ] || continue
            b=$(get "$l" session)
            part=""
            [ -n "$br32" ] && part=$((b - br32))
            echo "| $p | **$b** | ${part:-} | $(get "$l" spare) |"
        done
    fi
    echo
    full=$(get "$(echo "$lines" | grep "profile=full ")" block)
    min=$(get "$(echo "$lines" | grep "profile=client-ec-min ")" block)
    verdict() { [ "$1" -le "$2" ] && echo "met" || echo "NOT met"; }
    echo "Issue 10 targets (x86-64): every feature $full B for 11,264 B: $(verdict "$full" 11264);"
    echo "minimal configuration (client-ec-min) $min B for 10,240 B: $(verdict "$min" 10240)."
    if [ -s "$mcu_log" ]; then
        m32=$(get "$(grep '^mcu: profile=client-ec-min cpu=cortex-m4 ' "$mcu_log" | head -1)" session)
        e32=$(get "$(grep '^mcu: profile=client-ec cpu=cortex-m4 ' "$mcu_log" | head -1)" session)
        echo "Issue 15 target (32-bit client block <= 10,240 B): client-ec-min $m32 B: $(verdict "$m32" 10240);"
        echo "client-ec (with sentences) $e32 B: $(verdict "$e32" 10240)."
    fi
}

out=$(section)
echo "$out"
[ -n "$doc" ] && printf '\n%s\n' "$out" >>"$doc"
exit 0
