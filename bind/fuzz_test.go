package bind_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
)

// fuzzServe answers one request and fails the fuzz run on a 5xx: bad input
// must get a 4xx, never a crash or an internal error.
func fuzzServe(t *testing.T, h http.Handler, r *http.Request) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code >= 500 {
		t.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
}

func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"s=a&b=true&i=1&i8=-128&u8=255&u=1&f32=1.5&f=2&t=2024-01-01T00:00:00Z&d=1s&ip=::1&p=3",
		"i=99999999999999999999&u=-1&f=NaN&f32=1e40&%zz=1&s=%", "&&=&==", "q=a&q=b&n=1&c=1,2,,3",
	} {
		f.Add(seed)
	}
	scalars := bind.Handler(echo[Scalars])
	lists := bind.Handler(echo[Lists])
	defaults := bind.Handler(echo[Defaults])
	f.Fuzz(func(t *testing.T, query string) {
		for _, h := range []http.Handler{scalars, lists, defaults} {
			r := httptest.NewRequest("GET", "/", nil)
			r.URL.RawQuery = query // any bytes, as a raw request line may carry
			fuzzServe(t, h, r)
		}
	})
}

func FuzzJSONBody(f *testing.F) {
	for _, seed := range []string{
		`{"customer":"a","items":[{"name":"pen","qty":1}]}`,
		`{"customer":5,"items":[{"name":true,"qty":-1.5e400}],"labels":{"x":{}},"meta":{"a":null}}`,
		`[]`, `null`, `{"items":[null,{}],"ship":{"city":null},"when":"2024-13-01T00:00:00Z"}`,
		`{"Customer":"\u00e9","CUSTOMER":"x","any":{"deep":[[[{}]]]}}`, `{"a":"\ud800"}`, `{`, ``,
	} {
		f.Add(seed)
	}
	order := bind.Handler(echo[OrderIn])
	list := bind.Handler(echo[ListBodyIn])
	strict := bind.Handler(echo[StrictIn])
	f.Fuzz(func(t *testing.T, body string) {
		for _, h := range []http.Handler{order, list, strict} {
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			fuzzServe(t, h, r)
		}
	})
}

func FuzzForm(f *testing.F) {
	f.Add("username=a&password=12345678&scope=x&remember=1", "")
	mp, ct := multipartBody(f, part{name: "title", content: "t"}, part{name: "file", filename: "a", content: "x"})
	f.Add(mp, ct)
	f.Add("--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b")
	login := bind.Handler(echo[LoginIn])
	upload := bind.Handler(describeUpload)
	f.Fuzz(func(t *testing.T, body, contentType string) {
		if contentType == "" {
			contentType = "application/x-www-form-urlencoded"
		}
		for _, h := range []http.Handler{login, upload} {
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			r.Header.Set("Content-Type", contentType)
			fuzzServe(t, h, r)
		}
	})
}
