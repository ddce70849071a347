package testclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
)

// Option changes one request: its body, headers, query or context. Options
// apply in order; a later body replaces an earlier one.
type Option func(*request)

// request is what the options build before the *http.Request is made.
type request struct {
	header      http.Header
	query       url.Values
	body        []byte
	contentType string
	hasBody     bool
	ctx         context.Context
	err         error
}

// JSON sends v encoded as JSON, with Content-Type application/json. A value
// that does not encode fails the test when the request is sent.
func JSON(v any) Option {
	return func(r *request) {
		b, err := json.Marshal(v)
		if err != nil {
			r.fail(fmt.Errorf("testclient: JSON body: %w", err))
			return
		}
		r.setBody("application/json", b)
	}
}

// Body sends data as it is, with the given Content-Type (none when
// contentType is empty): malformed JSON, a large upload, an unusual media
// type.
func Body(contentType string, data []byte) Option {
	return func(r *request) { r.setBody(contentType, data) }
}

// Form sends values as an application/x-www-form-urlencoded body.
func Form(values url.Values) Option {
	return func(r *request) {
		r.setBody("application/x-www-form-urlencoded", []byte(values.Encode()))
	}
}

// File is one file of a multipart body.
type File struct {
	Field       string // form field name
	Name        string // file name sent to the server
	ContentType string // empty means application/octet-stream
	Data        []byte
}

// Multipart sends fields and files as a multipart/form-data body: the
// fields first, sorted by name, then the files in order.
func Multipart(fields url.Values, files ...File) Option {
	return func(r *request) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			for _, v := range fields[name] {
				_ = mw.WriteField(name, v) // writes to a bytes.Buffer do not fail
			}
		}
		for _, f := range files {
			h := make(textproto.MIMEHeader)
			h.Set("Content-Disposition", multipart.FileContentDisposition(f.Field, f.Name))
			ct := f.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Type", ct)
			w, _ := mw.CreatePart(h)
			_, _ = w.Write(f.Data)
		}
		_ = mw.Close()
		r.setBody(mw.FormDataContentType(), buf.Bytes())
	}
}

// Header adds the value v to the request header k. The values that options
// give a header replace the ones the client's Header holds for it.
func Header(k, v string) Option {
	return func(r *request) { r.header.Add(k, v) }
}

// Bearer sends token as a bearer credential: Authorization: Bearer token.
func Bearer(token string) Option {
	return func(r *request) { r.header.Set("Authorization", "Bearer "+token) }
}

// BasicAuth sends HTTP Basic credentials.
func BasicAuth(user, password string) Option {
	return func(r *request) {
		cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
		r.header.Set("Authorization", "Basic "+cred)
	}
}

// Query adds values to the query string, after the query the path holds.
func Query(values url.Values) Option {
	return func(r *request) {
		for k, vs := range values {
			r.query[k] = append(r.query[k], vs...)
		}
	}
}

// Context makes ctx the request's context, in place of the test's context
// (testing.TB.Context): cancel it to end a stream, or give it values a
// handler expects. For a WebSocket, ctx bounds the handshake.
func Context(ctx context.Context) Option {
	return func(r *request) { r.ctx = ctx }
}

func (r *request) setBody(contentType string, b []byte) {
	r.body, r.contentType, r.hasBody = b, contentType, true
}

func (r *request) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}
