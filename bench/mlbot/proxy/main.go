// Command proxy puts several mlbot replicas behind one port for the
// bench: each accepted TCP connection goes to the next backend in turn and
// bytes are copied both ways until either side closes. Bench tooling, not
// a load balancer: no health checks, no retries, no HTTP parsing.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"strings"
	"sync/atomic"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18085", "address to accept on")
	to := flag.String("to", "", "backends, comma-separated host:port")
	flag.Parse()
	backends := strings.Split(*to, ",")
	if *to == "" {
		log.Fatal("proxy: -to names no backend")
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	var next atomic.Uint64
	for {
		c, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		addr := backends[(next.Add(1)-1)%uint64(len(backends))]
		go pipe(c, addr)
	}
}

// pipe copies between the client c and a new connection to addr.
func pipe(c net.Conn, addr string) {
	defer c.Close()
	b, err := net.Dial("tcp", addr)
	if err != nil {
		log.Printf("proxy: %s: %v", addr, err)
		return
	}
	defer b.Close()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		io.Copy(dst, src)
		// Half-close so the other side sees the end of the stream.
		if t, ok := dst.(*net.TCPConn); ok {
			t.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(b, c)
	go cp(c, b)
	<-done
	<-done
}
