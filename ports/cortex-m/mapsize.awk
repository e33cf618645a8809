# Flash bytes of a GNU ld map, by origin: the input sections placed in the
# flash-resident output sections (.text with .rodata, .ARM.exidx, .data's
# load image), attributed to iotls (libiotls.a: core + port), BearSSL
# (libbearssl.a), libc (newlib, libgcc) or app (the rest: application,
# startup, board, alignment fill). Prints "iotls=N bearssl=N libc=N app=N".
# Plain POSIX awk (Debian's default is mawk).
function origin(file) {
    if (file ~ /libiotls\.a\(/) return "iotls"
    if (file ~ /libbearssl\.a\(/) return "bearssl"
    if (file ~ /lib(c|c_nano|g|g_nano|gcc|m|nosys)\.a\(/) return "libc"
    return "app"
}
function hex(s,    i, v, c) {
    v = 0
    s = tolower(substr(s, 3))
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
function add(size, file) { total[origin(file)] += hex(size) }
/^\.text|^\.ARM\.exidx|^\.data/ { inflash = 1; next }
/^\.[A-Za-z]/ { inflash = 0; next }
!inflash { next }
/^ \*fill\*/ { total["app"] += hex($3); next }
/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($3, $4); pending = 0; next }
/^ \.[^ ]+$/ { pending = 1; next }
pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($2, $3); pending = 0; next }
{ pending = 0 }
END {
    printf "iotls=%d bearssl=%d libc=%d app=%d\n", total["iotls"], total["bearssl"], total["libc"], total["app"]
}
