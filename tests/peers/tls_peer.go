// tls_peer: a Go crypto/tls client or server with the knobs the protocol
// tests need (versions, client certificates, idle reads).
//
// Usage:
//
//	tls_peer server [flags] CHAIN.pem KEY.pem
//	tls_peer client [flags] HOST:PORT
//
// Server: listens on 127.0.0.1:0, prints "ACCEPT 127.0.0.1:<port>" on
// stdout, then per connection reads one line, writes it back and closes
// (with close_notify). Handshake and read errors go to stdout as
// "ERROR <text>".
//
// Client: connects, prints "CONNECTED <version>" after the handshake, sends
// -send (if any), then (with -read N) reads N bytes, prints "READ N <quoted>"
// and exits 0, or reads until the connection ends and prints
// "READ <n>" and either "EOF close_notify" (io.EOF: the server sent
// close_notify) or "ERROR <text>" (for example "unexpected EOF": the
// connection closed without close_notify). Exit status 0 on close_notify,
// 1 otherwise. Standard library only; built by tests/lib/peer.c.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

var versions = map[string]uint16{
	"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11,
	"1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13,
}

func version(name string) uint16 {
	if name == "" {
		return 0
	}
	v, ok := versions[name]
	if !ok {
		fmt.Fprintln(os.Stderr, "unknown TLS version", name)
		os.Exit(2)
	}
	return v
}

func pool(path string) *x509.CertPool {
	pem, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "read CA:", err)
		os.Exit(2)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in", path)
		os.Exit(2)
	}
	return p
}

func versionName(v uint16) string {
	for k, x := range versions {
		if x == v {
			return "TLS" + k
		}
	}
	return fmt.Sprintf("0x%04x", v)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tls_peer server|client [flags] ...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	minV := fs.String("min", "", "lowest TLS version (1.0..1.3)")
	maxV := fs.String("max", "", "highest TLS version (1.0..1.3)")
	ca := fs.String("ca", "", "CA file: server: verify client certificates; client: verify the server")
	requireCert := fs.Bool("require-client-cert", false, "server: require a client certificate")
	cert := fs.String("cert", "", "client: certificate chain to present")
	key := fs.String("key", "", "client: its key")
	name := fs.String("servername", "localhost", "client: SNI and name to verify")
	send := fs.String("send", "", "client: bytes to send after the handshake")
	readN := fs.Int("read", 0, "client: read exactly this many bytes, print them, exit 0")
	fs.Parse(os.Args[2:])
	cfg := &tls.Config{MinVersion: version(*minV), MaxVersion: version(*maxV)}

	switch os.Args[1] {
	case "server":
		if fs.NArg() != 2 {
			fmt.Fprintln(os.Stderr, "server needs CHAIN.pem KEY.pem")
			os.Exit(2)
		}
		c, err := tls.LoadX509KeyPair(fs.Arg(0), fs.Arg(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, "load key pair:", err)
			os.Exit(1)
		}
		cfg.Certificates = []tls.Certificate{c}
		if *ca != "" {
			cfg.ClientCAs = pool(*ca)
			cfg.ClientAuth = tls.VerifyClientCertIfGiven
		}
		if *requireCert {
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
		serve(cfg)
	case "client":
		if fs.NArg() != 1 {
			fmt.Fprintln(os.Stderr, "client needs HOST:PORT")
			os.Exit(2)
		}
		cfg.ServerName = *name
		if *ca != "" {
			cfg.RootCAs = pool(*ca)
		} else {
			cfg.InsecureSkipVerify = true
		}
		if *cert != "" {
			c, err := tls.LoadX509KeyPair(*cert, *key)
			if err != nil {
				fmt.Fprintln(os.Stderr, "load key pair:", err)
				os.Exit(1)
			}
			cfg.Certificates = []tls.Certificate{c}
		}
		os.Exit(client(cfg, fs.Arg(0), *send, *readN))
	default:
		fmt.Fprintln(os.Stderr, "first argument: server or client")
		os.Exit(2)
	}
}

func serve(cfg *tls.Config) {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("ACCEPT %s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			os.Exit(1)
		}
		go func(c net.Conn) {
			defer c.Close()
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				fmt.Println("ERROR", err)
				return
			}
			if _, err := c.Write([]byte(line)); err != nil {
				fmt.Println("ERROR", err)
				return
			}
			fmt.Println("ECHOED", len(line))
		}(c)
	}
}

func client(cfg *tls.Config, addr, send string, readN int) int {
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	defer c.Close()
	fmt.Println("CONNECTED", versionName(c.ConnectionState().Version))
	if send != "" {
		if _, err := c.Write([]byte(send)); err != nil {
			fmt.Println("ERROR", err)
			return 1
		}
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if readN > 0 {
		buf := make([]byte, readN)
		if _, err := io.ReadFull(c, buf); err != nil {
			fmt.Println("ERROR", err)
			return 1
		}
		fmt.Printf("READ %d %q\n", readN, buf)
		return 0
	}
	n, err := io.Copy(io.Discard, c)
	fmt.Println("READ", n)
	if err == nil || errors.Is(err, io.EOF) {
		// io.Copy reports io.EOF as success: Go's tls returns io.EOF only
		// after close_notify (a bare TCP close is io.ErrUnexpectedEOF).
		fmt.Println("EOF close_notify")
		return 0
	}
	fmt.Println("ERROR", err)
	return 1
}
