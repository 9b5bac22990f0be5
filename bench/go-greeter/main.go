// The Go peer of examples/greeter: GET / -> "Hello, World!" with net/http, the same flags, READY=1 via
// $NOTIFY_SOCKET as go-systemd's daemon.SdNotify does (stdlib only, so Debian's golang builds it offline).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	port := flag.Int("port", 8080, "TCP port (0: any free port)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "Hello, World!")
	})
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		log.Fatalf("go-greeter: %v", err)
	}
	listening := fmt.Sprintf("listening on [%s] transport [go netpoller]", ln.Addr())
	fmt.Println("go-greeter: " + listening)
	if path := os.Getenv("NOTIFY_SOCKET"); path != "" { // "@name" is the abstract namespace in Go, too
		conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
		if err != nil {
			log.Fatalf("go-greeter: READY=1: %v", err)
		}
		conn.Write([]byte("READY=1\nSTATUS=" + listening))
		conn.Close()
	}
	log.Fatal(http.Serve(ln, nil))
}
