package testclient_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stdapi/stdapi/testclient"
)

// echo answers with what it received: the request line, host, remote
// address, whether it came over TLS, every header sorted, then the body.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s\nHost: %s\nRemote: %s\nTLS: %t\nLength: %d\n", r.Method, r.RequestURI, r.Host, r.RemoteAddr, r.TLS != nil, r.ContentLength)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(w, "%s: %s\n", k, strings.Join(r.Header[k], " | "))
	}
	fmt.Fprintf(w, "\n%s", body)
}

func TestRequests(t *testing.T) {
	const plain = "Host: testserver\nRemote: 192.0.2.1:1234\nTLS: false\n"
	tests := []struct {
		name string
		send func(c *testclient.Client) *testclient.Response
		want string
	}{
		{"get", func(c *testclient.Client) *testclient.Response { return c.Get("/items/1?q=a") },
			"GET /items/1?q=a\n" + plain + "Length: 0\n\n"},
		{"query joins the path's", func(c *testclient.Client) *testclient.Response {
			return c.Get("/items?q=a", testclient.Query(url.Values{"q": {"b"}, "limit": {"10"}}))
		}, "GET /items?limit=10&q=a&q=b\n" + plain + "Length: 0\n\n"},
		{"post JSON", func(c *testclient.Client) *testclient.Response {
			return c.Post("/items", testclient.JSON(map[string]any{"name": "pen", "price": 2}))
		}, "POST /items\n" + plain + "Length: 24\nContent-Type: application/json\n\n" + `{"name":"pen","price":2}`},
		{"post form", func(c *testclient.Client) *testclient.Response {
			return c.Post("/login", testclient.Form(url.Values{"username": {"ada"}, "password": {"p&ss"}}))
		}, "POST /login\n" + plain + "Length: 28\nContent-Type: application/x-www-form-urlencoded\n\npassword=p%26ss&username=ada"},
		{"put raw body", func(c *testclient.Client) *testclient.Response {
			return c.Put("/items/1", testclient.Body("application/json", []byte(`{"name":`)))
		}, "PUT /items/1\n" + plain + "Length: 8\nContent-Type: application/json\n\n" + `{"name":`},
		{"patch", func(c *testclient.Client) *testclient.Response {
			return c.Patch("/items/1", testclient.Body("", []byte("x")))
		}, "PATCH /items/1\n" + plain + "Length: 1\n\nx"},
		{"delete", func(c *testclient.Client) *testclient.Response { return c.Delete("/items/1") },
			"DELETE /items/1\n" + plain + "Length: 0\n\n"},
		{"headers add up", func(c *testclient.Client) *testclient.Response {
			return c.Get("/", testclient.Header("X-Tag", "a"), testclient.Header("X-Tag", "b"))
		}, "GET /\n" + plain + "Length: 0\nX-Tag: a | b\n\n"},
		{"bearer", func(c *testclient.Client) *testclient.Response { return c.Get("/", testclient.Bearer("tok")) },
			"GET /\n" + plain + "Length: 0\nAuthorization: Bearer tok\n\n"},
		{"basic auth", func(c *testclient.Client) *testclient.Response {
			return c.Get("/", testclient.BasicAuth("ada", "s3cret"))
		}, "GET /\n" + plain + "Length: 0\nAuthorization: Basic YWRhOnMzY3JldA==\n\n"},
		{"https URL", func(c *testclient.Client) *testclient.Response { return c.Get("https://testserver/") },
			"GET /\nHost: testserver\nRemote: 192.0.2.1:1234\nTLS: true\nLength: 0\n\n"},
		{"other host", func(c *testclient.Client) *testclient.Response { return c.Get("http://api.example.com:8080/x") },
			"GET /x\nHost: api.example.com:8080\nRemote: 192.0.2.1:1234\nTLS: false\nLength: 0\n\n"},
		{"do", func(c *testclient.Client) *testclient.Response {
			r := httptest.NewRequest("OPTIONS", "/items", nil)
			r.Header.Set("X-Tag", "mine")
			return c.Do(r)
		}, "OPTIONS /items\nHost: testserver\nRemote: 192.0.2.1:1234\nTLS: false\nLength: 0\nX-Tag: mine\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := testclient.New(t, http.HandlerFunc(echo))
			res := tt.send(c)
			if res.StatusCode != 200 || res.Text() != tt.want {
				t.Errorf("got %d\n%s\nwant 200\n%s", res.StatusCode, res.Body, tt.want)
			}
		})
	}
}

// The client's Header goes with every request; an option's value for the
// same header replaces it.
func TestClientHeader(t *testing.T) {
	c := testclient.New(t, http.HandlerFunc(echo))
	c.Header.Set("Authorization", "Bearer base")
	c.Header.Set("X-Trace", "t1")
	const head = "GET /\nHost: testserver\nRemote: 192.0.2.1:1234\nTLS: false\nLength: 0\n"
	if got, want := c.Get("/").Text(), head+"Authorization: Bearer base\nX-Trace: t1\n\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got, want := c.Get("/", testclient.Bearer("mine")).Text(), head+"Authorization: Bearer mine\nX-Trace: t1\n\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Trace", "t2")
	if got, want := c.Do(r).Text(), head+"Authorization: Bearer base\nX-Trace: t2\n\n"; got != want {
		t.Errorf("Do: got\n%s\nwant\n%s", got, want)
	}
}

func TestMultipart(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		for _, k := range []string{"title", "tags"} {
			fmt.Fprintf(w, "%s=%s\n", k, strings.Join(r.MultipartForm.Value[k], ","))
		}
		for _, k := range []string{"upload", "more"} {
			for _, f := range r.MultipartForm.File[k] {
				rc, _ := f.Open()
				data, _ := io.ReadAll(rc)
				rc.Close()
				fmt.Fprintf(w, "%s: %s %s %q\n", k, f.Filename, f.Header.Get("Content-Type"), data)
			}
		}
	})
	c := testclient.New(t, h)
	res := c.Post("/upload", testclient.Multipart(url.Values{"title": {"notes"}, "tags": {"a", "b"}},
		testclient.File{Field: "upload", Name: "a.txt", ContentType: "text/plain", Data: []byte("hello")},
		testclient.File{Field: "more", Name: `we"ird.bin`, Data: []byte{0, 1}},
	))
	want := "title=notes\ntags=a,b\nupload: a.txt text/plain \"hello\"\nmore: we\"ird.bin application/octet-stream \"\\x00\\x01\"\n"
	if res.StatusCode != 200 || res.Text() != want {
		t.Errorf("got %d\n%s\nwant\n%s", res.StatusCode, res.Body, want)
	}
}

// Cookies set by a response are sent back, for their path, and Secure ones
// only over https, as a browser does.
func TestCookies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "admin", Value: "a1", Path: "/admin"})
		http.SetCookie(w, &http.Cookie{Name: "secure", Value: "x1", Path: "/", Secure: true})
		w.WriteHeader(204)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Path: "/", MaxAge: -1})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, ck := range r.Cookies() {
			fmt.Fprintf(w, "%s=%s;", ck.Name, ck.Value)
		}
	})
	c := testclient.New(t, mux)
	if got := c.Get("/").Text(); got != "" {
		t.Errorf("before login: %q", got)
	}
	res := c.Post("/login")
	if n := len(res.Cookies()); res.StatusCode != 204 || n != 3 {
		t.Fatalf("login: %d with %d cookies", res.StatusCode, n)
	}
	tests := []struct{ path, want string }{
		{"/", "session=s1;"},
		{"/admin/users", "admin=a1;session=s1;"},
		{"https://testserver/", "session=s1;secure=x1;"},
		{"http://other.example/", ""},
	}
	for _, tt := range tests {
		if got := c.Get(tt.path).Text(); got != tt.want {
			t.Errorf("GET %s: cookies %q, want %q", tt.path, got, tt.want)
		}
	}
	c.Post("/logout")
	if got := c.Get("/").Text(); got != "" {
		t.Errorf("after logout: %q", got)
	}
}

// A flushed stream is recorded whole; the headers are those of the moment
// the status was written.
func TestStream(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			http.NewResponseController(w).Flush()
		}
		w.Header().Set("X-Late", "ignored")
	})
	res := testclient.New(t, h).Get("/events")
	if res.Text() != "data: 0\n\ndata: 1\n\ndata: 2\n\n" || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("X-Late") != "" {
		t.Errorf("got %d %v %q", res.StatusCode, res.Header, res.Body)
	}
}

func TestDecode(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":7,"tags":["a"]}`+"\n")
	})
	var v struct {
		ID   int      `json:"id"`
		Tags []string `json:"tags"`
	}
	testclient.New(t, h).Get("/").Decode(&v)
	if v.ID != 7 || len(v.Tags) != 1 || v.Tags[0] != "a" {
		t.Errorf("decoded %+v", v)
	}
}

// failT stands for the test in the tests of how the client fails one: it
// records the messages instead of failing this test.
type failT struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (f *failT) Helper() {}

func (f *failT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func (f *failT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

// run calls fn on a goroutine of its own, which Fatalf may end, and returns
// the messages recorded, the first line of each.
func (f *failT) run(fn func()) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.msgs {
		first, _, _ := strings.Cut(m, "\n")
		out = append(out, first)
	}
	f.msgs = nil
	return out
}

func TestFailures(t *testing.T) {
	h := http.NewServeMux()
	h.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	h.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "not json") })
	tests := []struct {
		name string
		call func(c *testclient.Client)
		want string
	}{
		{"handler panics", func(c *testclient.Client) { c.Get("/panic?x=1") },
			"testclient: GET /panic?x=1: the handler panicked: boom"},
		{"body does not decode", func(c *testclient.Client) { var v map[string]any; c.Get("/text").Decode(&v) },
			"testclient: GET /text: decode the 200 response: invalid character 'o' in literal null (expecting 'u'); body: not json"},
		{"JSON option does not encode", func(c *testclient.Client) { c.Post("/text", testclient.JSON(func() {})) },
			"testclient: POST /text: testclient: JSON body: json: unsupported type: func()"},
		{"bad URL", func(c *testclient.Client) { c.Get("http://[::1") },
			`testclient: GET http://[::1: parse "http://[::1": missing ']' in host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &failT{TB: t}
			c := testclient.New(f, h)
			got := f.run(func() { tt.call(c) })
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("failures %q, want [%q]", got, tt.want)
			}
		})
	}
}
