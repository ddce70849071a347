package stdapi_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
)

// A handler that hijacks its connection, as a WebSocket upgrade does, still
// gets its deferred functions run: flushing a hijacked net/http response
// whose status was never written panics inside net/http, which must not
// cost the scope its cleanups.
func TestDeferredRunAfterHijack(t *testing.T) {
	ran := make(chan error, 1)
	srv := httptest.NewServer(scoped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.Defer(r.Context(), func(err error) { ran <- err })
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
		conn.Close()
	})))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n"))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || line != "HTTP/1.1 101 Switching Protocols\r\n" {
		t.Fatalf("got %q %v", line, err)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("request error %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the deferred function did not run after the handler hijacked the connection")
	}
}
