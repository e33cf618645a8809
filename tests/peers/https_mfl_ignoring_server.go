// https_mfl_ignoring_server: an HTTPS server (Go net/http) that ignores
// max_fragment_length, for the iotls HTTP client's tests.
//
// Usage: https_mfl_ignoring_server CHAIN.pem KEY.pem
//
// Listens on 127.0.0.1 (any free port) and prints "ACCEPT 127.0.0.1:<port>"
// on stdout once listening. GET /big answers 20000 bytes ("0123456789abcdef"
// repeated) with Content-Length, written at once. Go's crypto/tls does not
// implement RFC 6066 max_fragment_length, and with dynamic record sizing
// disabled the body travels in a 16384-byte record whatever the client
// asked for. Standard library only; built by tests/lib/peer.c.
package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: https_mfl_ignoring_server CHAIN.pem KEY.pem")
		os.Exit(2)
	}
	cert, err := tls.LoadX509KeyPair(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "load key pair:", err)
		os.Exit(1)
	}
	cfg := &tls.Config{
		Certificates:                []tls.Certificate{cert},
		MaxVersion:                  tls.VersionTLS12,
		DynamicRecordSizingDisabled: true,
		NextProtos:                  []string{"http/1.1"},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	body := strings.Repeat("0123456789abcdef", 1250)
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write([]byte(body))
	})
	fmt.Printf("ACCEPT %s\n", ln.Addr().String())
	os.Stdout.Sync()
	srv := &http.Server{Handler: mux, TLSConfig: cfg}
	if err := srv.Serve(tls.NewListener(ln, cfg)); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
