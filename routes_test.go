package stdapi_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
)

func routesMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "item "+r.PathValue("id"))
	})
	mux.HandleFunc("POST /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("DELETE /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /dir/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dir") })
	return mux
}

func TestRouteErrors(t *testing.T) {
	tests := []struct {
		name        string
		format      stdapi.Format
		method      string
		target      string
		status      int
		contentType string
		allow       string
		location    string
		body        string
	}{
		{name: "no route", method: "GET", target: "/nope", status: 404,
			contentType: "application/problem+json",
			body:        `{"type":"about:blank","title":"Not Found","status":404}`},
		{name: "no route, FastAPI", format: stdapi.FormatFastAPI, method: "GET", target: "/nope", status: 404,
			contentType: "application/json", body: `{"detail":"Not Found"}`},
		{name: "wrong method", method: "PUT", target: "/items/1", status: 405,
			contentType: "application/problem+json", allow: "DELETE, GET, HEAD, POST",
			body: `{"type":"about:blank","title":"Method Not Allowed","status":405}`},
		{name: "wrong method, FastAPI", format: stdapi.FormatFastAPI, method: "PUT", target: "/items/1", status: 405,
			contentType: "application/json", allow: "DELETE, GET, HEAD, POST",
			body: `{"detail":"Method Not Allowed"}`},
		{name: "GET on a POST route", format: stdapi.FormatFastAPI, method: "GET", target: "/login", status: 405,
			contentType: "application/json", allow: "POST", body: `{"detail":"Method Not Allowed"}`},
		{name: "HEAD on a POST route", format: stdapi.FormatFastAPI, method: "HEAD", target: "/login", status: 405,
			contentType: "application/json", allow: "POST"},
		{name: "HEAD, no route", method: "HEAD", target: "/nope", status: 404,
			contentType: "application/problem+json"},
		{name: "HEAD on a GET route is served", method: "HEAD", target: "/items/7", status: 200,
			contentType: "text/plain; charset=utf-8"},
		{name: "matched", method: "GET", target: "/items/7", status: 200,
			contentType: "text/plain; charset=utf-8", body: "item 7"},
		{name: "ServeMux redirects stay", method: "GET", target: "/dir", status: 307,
			contentType: "text/html; charset=utf-8", location: "/dir/",
			body: "<a href=\"/dir/\">Temporary Redirect</a>.\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withFormat(t, tt.format, false)
			srv := httptest.NewServer(stdapi.RouteErrors(routesMux()))
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.target, nil)
			res, err := noRedirect.Do(req.WithContext(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := res.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if got := res.Header.Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
			if string(body) != tt.body {
				t.Errorf("body = %s, want %s", body, tt.body)
			}
		})
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// TestRouteErrorsPassesWriter checks that a matched handler gets the
// server's ResponseWriter itself: nothing buffered, nothing hidden.
func TestRouteErrorsPassesWriter(t *testing.T) {
	rec := httptest.NewRecorder()
	var got http.ResponseWriter
	mux := http.NewServeMux()
	mux.HandleFunc("GET /w", func(w http.ResponseWriter, r *http.Request) { got = w })
	stdapi.RouteErrors(mux).ServeHTTP(rec, httptest.NewRequest("GET", "/w", nil))
	if got != rec {
		t.Errorf("handler got %T %p, want the recorder %p", got, got, rec)
	}
}

func TestRouteErrorsStreams(t *testing.T) {
	read := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Error(err)
			return
		}
		select {
		case <-read: // the client has the first line before the handler goes on
		case <-time.After(5 * time.Second):
			t.Error("the client never read the flushed line")
		}
		io.WriteString(w, "second\n")
	})
	srv := httptest.NewServer(stdapi.RouteErrors(mux))
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/stream", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first line = %q, %v", line, err)
	}
	close(read)
	rest, _ := io.ReadAll(br)
	if string(rest) != "second\n" {
		t.Errorf("rest = %q, want %q", rest, "second\n")
	}
}

func TestRouteErrorsHijack(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /raw", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nraw ok")
		buf.Flush()
	})
	srv := httptest.NewServer(stdapi.RouteErrors(mux))
	defer srv.Close()
	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "GET /raw HTTP/1.1\r\nHost: x\r\n\r\n")
	got, _ := io.ReadAll(conn)
	if !strings.HasSuffix(string(got), "\r\n\r\nraw ok") {
		t.Errorf("hijacked answer = %q", got)
	}
}

func TestRouteErrorsNilMux(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("RouteErrors(nil) did not panic")
		}
	}()
	stdapi.RouteErrors(nil)
}

func BenchmarkRouteErrors(b *testing.B) {
	mux := routesMux()
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"ServeMux", mux}, {"RouteErrors", stdapi.RouteErrors(mux)}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/items/7", nil)
			w := discard{http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}

type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}
