package bind_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
)

// echo is a typed handler that returns its input, so a test sees exactly
// what was bound.
func echo[In any](ctx context.Context, in *In) (*In, error) { return in, nil }

// req describes one request of a table.
type req struct {
	method, target string
	header         http.Header
	body           string
}

// serve mounts h on pattern and answers r, returning status and body.
func serve(t *testing.T, pattern string, h http.Handler, r req) (int, string, http.Header) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	if r.method == "" {
		r.method = "GET"
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.target, body)
	for k, v := range r.header {
		hr.Header[k] = v
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, hr)
	return w.Code, w.Body.String(), w.Header()
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

type part struct {
	name, filename, contentType, content string
}

// multipartBody builds a multipart/form-data body and its Content-Type.
func multipartBody(t testing.TB, parts ...part) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="` + p.name + `"; filename="` + p.filename + `"`}
			if p.contentType != "" {
				h["Content-Type"] = []string{p.contentType}
			}
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.content)
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

var _ = bind.Request
