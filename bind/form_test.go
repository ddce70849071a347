package bind_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
)

type Login struct {
	Username string   `form:"username" validate:"required"`
	Password string   `form:"password" validate:"required,min=8"`
	Remember bool     `form:"remember"`
	Scopes   []string `form:"scope"`
}

type LoginIn struct {
	Body Login
}

type Upload struct {
	Title string       `form:"title" validate:"required"`
	File  *bind.File   `file:"file" validate:"required"`
	More  []*bind.File `file:"more"`
}

type UploadIn struct {
	Body Upload
}

// TopLevelForm declares form fields on the input itself, next to a query
// parameter.
type TopLevelForm struct {
	Lang string `query:"lang"`
	Name string `form:"name" validate:"required"`
	Age  int    `form:"age"`
}

// uploaded is what a test handler reports of the files it received.
type uploaded struct {
	Title string
	Files []string // filename|content type|size|content
}

func describeUpload(ctx context.Context, in *UploadIn) (*uploaded, error) {
	out := &uploaded{Title: in.Body.Title}
	for _, f := range append([]*bind.File{in.Body.File}, in.Body.More...) {
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		out.Files = append(out.Files, f.Filename+"|"+f.ContentType+"|"+strconv.FormatInt(f.Size, 10)+"|"+string(data))
	}
	return out, nil
}

func TestForms(t *testing.T) {
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	mp, mpType := multipartBody(t,
		part{name: "title", content: "holiday"},
		part{name: "file", filename: "a.txt", contentType: "text/plain", content: "hello"},
		part{name: "more", filename: "b.bin", content: "\x00\x01"},
		part{name: "more", filename: "c.csv", contentType: "text/csv", content: "x,y"},
		part{name: "ignored", filename: "d.txt", content: "dropped"},
	)
	noFile, noFileType := multipartBody(t, part{name: "title", content: ""})
	loginMP, loginMPType := multipartBody(t,
		part{name: "username", content: "alice"}, part{name: "password", content: "wonderland"})
	tests := []struct {
		name       string
		h          http.Handler
		header     http.Header
		target     string
		body       string
		wantStatus int
		wantBody   string
	}{
		{
			name: "urlencoded", h: bind.Handler(echo[LoginIn]), header: form,
			body:       "username=alice&password=wonder+land&remember=on&scope=me&scope=items%3Aread",
			wantStatus: 200,
			wantBody:   `{"Body":{"Username":"alice","Password":"wonder land","Remember":true,"Scopes":["me","items:read"]}}`,
		},
		{
			name: "urlencoded errors are located in the body, in field order", h: bind.Handler(echo[LoginIn]), header: form,
			body:       "password=short&remember=perhaps",
			wantStatus: 422,
			wantBody: problem422(3,
				`{"type":"missing","loc":["body","username"],"msg":"Field required"}`,
				`{"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 8 characters","input":"short","ctx":{"min_length":8}}`,
				`{"type":"bool_parsing","loc":["body","remember"],"msg":"Input should be a valid boolean, unable to interpret input","input":"perhaps"}`),
		},
		{
			name: "multipart fields without files", h: bind.Handler(echo[LoginIn]),
			header: http.Header{"Content-Type": {loginMPType}}, body: loginMP,
			wantStatus: 200,
			wantBody:   `{"Body":{"Username":"alice","Password":"wonderland","Remember":false,"Scopes":null}}`,
		},
		{
			name: "files", h: bind.Handler(describeUpload),
			header: http.Header{"Content-Type": {mpType}}, body: mp,
			wantStatus: 200,
			wantBody:   `{"Title":"holiday","Files":["a.txt|text/plain|5|hello","b.bin||2|\u0000\u0001","c.csv|text/csv|3|x,y"]}`,
		},
		{
			name: "missing file", h: bind.Handler(describeUpload),
			header: http.Header{"Content-Type": {noFileType}}, body: noFile,
			wantStatus: 422,
			wantBody:   problem422(1, `{"type":"missing","loc":["body","file"],"msg":"Field required"}`),
		},
		{
			name: "files need multipart", h: bind.Handler(describeUpload), header: form, body: "title=x",
			wantStatus: 415,
			wantBody:   `{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"Content-Type \"application/x-www-form-urlencoded\" is not supported; send multipart/form-data"}`,
		},
		{
			name: "json is not a form", h: bind.Handler(echo[LoginIn]), header: jsonHeader(), body: `{}`,
			wantStatus: 415,
			wantBody:   `{"type":"about:blank","title":"Unsupported Media Type","status":415,"detail":"Content-Type \"application/json\" is not supported; send application/x-www-form-urlencoded or multipart/form-data"}`,
		},
		{
			name: "no body: every field missing", h: bind.Handler(echo[LoginIn]), header: http.Header{},
			wantStatus: 422,
			wantBody: problem422(2,
				`{"type":"missing","loc":["body","username"],"msg":"Field required"}`,
				`{"type":"missing","loc":["body","password"],"msg":"Field required"}`),
		},
		{
			name: "broken multipart", h: bind.Handler(echo[LoginIn]),
			header: http.Header{"Content-Type": {"multipart/form-data; boundary=xyz"}}, body: "--xyz\r\nnot a part",
			wantStatus: 400,
			wantBody:   `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Invalid multipart/form-data body"}`,
		},
		{
			name: "multipart without boundary", h: bind.Handler(echo[LoginIn]),
			header: http.Header{"Content-Type": {"multipart/form-data"}}, body: "x",
			wantStatus: 400,
			wantBody:   `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Invalid multipart/form-data body: no boundary"}`,
		},
		{
			name: "top-level form fields", h: bind.Handler(echo[TopLevelForm]), header: form, target: "/?lang=en",
			body: "name=bo&age=x", wantStatus: 422,
			wantBody: problem422(1, `{"type":"int_parsing","loc":["body","age"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/"
			}
			status, body, _ := serve(t, "POST /", tt.h, req{method: "POST", target: target, header: tt.header, body: tt.body})
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d\n%s\nwant %d\n%s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	lim := bind.Limits{MaxBodyBytes: 64, MaxMultipartBytes: 4096, MaxMemory: 16, MaxFiles: 2, MaxFields: 3, MaxFieldBytes: 10}
	big := `{"name":"` + strings.Repeat("x", 100) + `"}`
	tooManyFiles, tmfType := multipartBody(t,
		part{name: "title", content: "t"},
		part{name: "file", filename: "1", content: "1"}, part{name: "more", filename: "2", content: "2"},
		part{name: "more", filename: "3", content: "3"})
	tooManyFields, tmType := multipartBody(t,
		part{name: "a", content: "1"}, part{name: "b", content: "2"}, part{name: "c", content: "3"}, part{name: "d", content: "4"})
	longField, lfType := multipartBody(t, part{name: "title", content: strings.Repeat("y", 11)})
	huge, hugeType := multipartBody(t, part{name: "title", content: "t"}, part{name: "file", filename: "f", content: strings.Repeat("z", 5000)})
	tests := []struct {
		name       string
		h          http.Handler
		ct         string
		body       string
		chunked    bool
		wantStatus int
		wantBody   string
	}{
		{"json over the limit", bind.Handler(echo[StrictIn], bind.WithLimits(lim)), "application/json", big, false, 413,
			`{"type":"about:blank","title":"Request Entity Too Large","status":413,"detail":"The request body is larger than the limit of 64 bytes"}`},
		{"json over the limit, chunked", bind.Handler(echo[StrictIn], bind.WithLimits(lim)), "application/json", big, true, 413,
			`{"type":"about:blank","title":"Request Entity Too Large","status":413,"detail":"The request body is larger than the limit of 64 bytes"}`},
		{"urlencoded with too many pairs", bind.Handler(echo[LoginIn], bind.WithLimits(lim)), "application/x-www-form-urlencoded", "a=1&b=2&c=3&d=4", false, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"Too many form fields; the limit is 3"}`},
		{"too many files", bind.Handler(describeUpload, bind.WithLimits(lim)), tmfType, tooManyFiles, false, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"Too many files; the limit is 2"}`},
		{"too many multipart fields", bind.Handler(describeUpload, bind.WithLimits(lim)), tmType, tooManyFields, false, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"Too many form fields; the limit is 3"}`},
		{"multipart field too long", bind.Handler(describeUpload, bind.WithLimits(lim)), lfType, longField, false, 413,
			`{"type":"about:blank","title":"Request Entity Too Large","status":413,"detail":"Form field \"title\" is larger than the limit of 10 bytes"}`},
		{"multipart over the limit, chunked", bind.Handler(describeUpload, bind.WithLimits(lim)), hugeType, huge, true, 413,
			`{"type":"about:blank","title":"Request Entity Too Large","status":413,"detail":"The request body is larger than the limit of 4096 bytes"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length: ContentLength stays -1
			}
			r := httptest.NewRequest("POST", "/", body)
			if tt.chunked {
				r.ContentLength = -1
			}
			r.Header.Set("Content-Type", tt.ct)
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
				t.Errorf("got %d\n%s\nwant %d\n%s", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// Files beyond MaxMemory spill to disk and are removed after the request.
func TestUploadSpillsAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	var spilled []string
	h := bind.Handler(func(ctx context.Context, in *UploadIn) (*uploaded, error) {
		spilled, _ = filepath.Glob(filepath.Join(dir, "stdapi-upload-*"))
		return describeUpload(ctx, in)
	}, bind.WithLimits(bind.Limits{MaxMemory: 4}))
	body, ct := multipartBody(t,
		part{name: "title", content: "t"},
		part{name: "file", filename: "small", content: "abc"},
		part{name: "more", filename: "large", content: "0123456789"})
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if want := `{"Title":"t","Files":["small||3|abc","large||10|0123456789"]}`; w.Body.String() != want {
		t.Fatalf("body = %s, want %s", w.Body, want)
	}
	if len(spilled) != 1 {
		t.Fatalf("files on disk during the request: %v, want the large one only", spilled)
	}
	if _, err := os.Stat(spilled[0]); !os.IsNotExist(err) {
		t.Errorf("temporary file %s still exists after the request (err %v)", spilled[0], err)
	}
}
