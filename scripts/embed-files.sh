#!/bin/sh
# embed-files.sh OUT.o FILE:NAME... — one object holding each FILE as the
# symbols _binary_<NAME>_start / _binary_<NAME>_end (NAME with . and -
# turned into _), NUL-terminated, as ESP-IDF's EMBED_TXTFILES makes them.
set -eu
out=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objs=""
for spec in "$@"; do
    file=${spec%%:*}
    name=${spec#*:}
    { cat "$file"; printf '\000'; } >"$work/$name"
    (cd "$work" && ld -r -b binary -z noexecstack -o "$name.o" "$name")
    objs="$objs $work/$name.o"
done
# shellcheck disable=SC2086
ld -r -z noexecstack -o "$out" $objs
