package ws

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
)

// FuzzDecodeJSON checks that any message either decodes or gives a
// *CloseError 1007/1008 wrapping a 422 *stdapi.Error whose problem JSON
// is valid: a client can never make ReadJSON fail as a server error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"item":"tea","qty":2}`, `nope`, ``, `{"qty":"2"}`, `[1]`, `{"item":"a","qty":0}`, "{\"item\":\"\xff\"}", `{"qty":1e400}`, `{"qty":-1}`, `null`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, data string, text bool) {
		typ := Binary
		if text {
			typ = Text
		}
		var o order
		err := decodeJSON(typ, []byte(data), &o, nil)
		if err == nil {
			if o.Qty < 1 {
				t.Fatalf("%q: accepted qty %d", data, o.Qty)
			}
			return
		}
		var ce *CloseError
		var se *stdapi.Error
		if !errors.As(err, &ce) || (ce.Code != 1007 && ce.Code != 1008) || !errors.As(err, &se) || se.Status != 422 || len(se.Errors) == 0 {
			t.Fatalf("%q: error %#v is not a 1007/1008 close with a 422", data, err)
		}
		if len(ce.Reason) > maxReason {
			t.Fatalf("%q: reason too long: %q", data, ce.Reason)
		}
		if body := problemMessage(err).Data(); !json.Valid(body) {
			t.Fatalf("%q: problem message is not JSON: %s", data, body)
		}
	})
}

// FuzzOrigin checks the origin policy: it never panics, ignores case, and
// with no AllowedOrigins accepts only the request's own host and scheme
// (https over TLS, http otherwise).
func FuzzOrigin(f *testing.F) {
	f.Add("https://*.example.com", "https://a.example.com", "h.test", true)
	f.Add("https://app.example.com", "https://app.example.com:8443", "h.test", false)
	f.Add("http://x", "null", "x", false)
	f.Add("*", "http://h.test", "h.test", false)
	f.Add("", "http://H.test", "h.test", false)
	f.Add("", "https://h.test:443", "h.test", true)
	f.Add("", "http://h.test", "h.test:80", true)
	f.Fuzz(func(t *testing.T, allowed, origin, host string, overTLS bool) {
		p, err := newOriginPolicy([]string{allowed})
		if err != nil {
			return
		}
		r := &http.Request{Host: host}
		scheme, aka := "http", "ws"
		if overTLS {
			r.TLS = &tls.ConnectionState{}
			scheme, aka = "https", "wss"
		}
		self := selfOrigin(r)
		got := p.allowOrigin(origin, self)
		if isASCII(origin) && isASCII(host) && p.allowOrigin(strings.ToUpper(origin), self) != got {
			t.Fatalf("allow(%q) depends on case under %q", origin, allowed)
		}
		none, _ := newOriginPolicy(nil)
		if none.allowOrigin(origin, self) {
			u, err := url.Parse(origin)
			if err != nil || !strings.EqualFold(u.Hostname(), (&url.URL{Host: host}).Hostname()) ||
				!(strings.EqualFold(u.Scheme, scheme) || strings.EqualFold(u.Scheme, aka)) {
				t.Fatalf("same-origin policy accepted %q for host %q (TLS %v)", origin, host, overTLS)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzControlFrame checks controlFrame, which reads the bytes a client
// sent before gorilla/websocket does, against RFC 6455's frame header
// read field by field: it takes a frame only when it is a whole, final,
// masked ping or pong with no reserved bit and at most 125 bytes of
// payload, and then exactly its length; anything else is left to gorilla.
func FuzzControlFrame(f *testing.F) {
	for _, s := range []string{"\x89\x80abcd", "\x8a\x85abcdhello", "\x89\x00", "\x09\x80abcd", "\xc9\x80abcd",
		"\x89\xfe\x00\x7e", "\x81\x80abcd", "\x89\x85abc", "\x88\x80abcd", "\x8a\xfdabcd" + strings.Repeat("p", 125)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		want := 0
		if len(p) >= 2 {
			fin, rsv, op := p[0]>>7, p[0]>>4&7, p[0]&0x0f
			masked, size := p[1]>>7, int(p[1]&0x7f)
			if fin == 1 && rsv == 0 && (op == 9 || op == 10) && masked == 1 && size <= 125 && len(p) >= 2+4+size {
				want = 2 + 4 + size
			}
		}
		if got := controlFrame(p); got != want {
			t.Fatalf("controlFrame(%q) = %d, want %d", p, got, want)
		}
	})
}
