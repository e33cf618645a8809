// mfl_ignoring_server: a TLS 1.2 server that ignores max_fragment_length.
//
// Usage: mfl_ignoring_server PORT CHAIN.pem KEY.pem
//
// Listens on 127.0.0.1:PORT (0 = any free port) and prints
// "ACCEPT 127.0.0.1:<port>" on stdout once listening. For each connection it
// reads one line, then sends 20000 bytes of the tests/lib/pattern.h pattern in
// ONE Write and closes. Go's crypto/tls does not implement RFC 6066
// max_fragment_length (it neither echoes the extension nor shrinks records),
// so the first record carries 16384 bytes of plaintext whatever the client
// asked for (dynamic record sizing is disabled, see below). Standard library only; built by tests/lib/peer.c.
package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for off := range b {
		line, col := off/64, off%64
		switch {
		case col < 8:
			b[off] = fmt.Sprintf("%08x", line*64)[col]
		case col == 8:
			b[off] = ' '
		case col == 63:
			b[off] = '\n'
		default:
			b[off] = byte('a' + (line+col-9)%26)
		}
	}
	return b
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: mfl_ignoring_server PORT CHAIN.pem KEY.pem")
		os.Exit(2)
	}
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, "load key pair:", err)
		os.Exit(1)
	}
	// Without DynamicRecordSizingDisabled Go starts every connection with
	// ~1 KB records and grows them, which would hide the MFL violation.
	cfg := &tls.Config{
		Certificates:                []tls.Certificate{cert},
		MaxVersion:                  tls.VersionTLS12,
		DynamicRecordSizingDisabled: true,
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:"+os.Args[1], cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("ACCEPT %s\n", ln.Addr())
	payload := pattern(20000)
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			os.Exit(1)
		}
		go func(c net.Conn) {
			defer c.Close()
			if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
				fmt.Fprintln(os.Stderr, "read:", err)
				return
			}
			if _, err := c.Write(payload); err != nil {
				fmt.Fprintln(os.Stderr, "write:", err)
				return
			}
			fmt.Println("sent", len(payload))
		}(c)
	}
}
