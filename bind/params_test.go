package bind_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/stdapi/stdapi/bind"
)

type Scalars struct {
	S   string        `query:"s"`
	B   bool          `query:"b"`
	I   int           `query:"i"`
	I8  int8          `query:"i8"`
	U8  uint8         `query:"u8"`
	U   uint          `query:"u"`
	F32 float32       `query:"f32"`
	F   float64       `query:"f"`
	T   time.Time     `query:"t"`
	D   time.Duration `query:"d"`
	IP  netip.Addr    `query:"ip"`
	P   *int          `query:"p"`
}

type Lists struct {
	Q     []string `query:"q"`
	N     []int    `query:"n"`
	Comma []int    `query:"c" explode:"false"`
	H     []string `header:"X-Tag"`
	HC    []string `header:"X-List" explode:"false"`
}

type Defaults struct {
	Limit int      `query:"limit" default:"10"`
	Sort  string   `query:"sort" default:"name"`
	Tags  []string `query:"tag" default:"a,b"`
	Ptr   *bool    `query:"ptr" default:"true"`
}

type Sources struct {
	ID      int64  `path:"id"`
	Token   string `header:"X-Token" validate:"required"`
	Session string `cookie:"session"`
	Q       string `query:"q" validate:"required"`
	Zero    int    `query:"zero" validate:"required"`
}

func TestParams(t *testing.T) {
	tests := []struct {
		name       string
		pattern    string
		h          http.Handler
		r          req
		wantStatus int
		wantBody   string
	}{
		{
			name: "scalars", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?s=caf%C3%A9&b=yes&i=-7&i8=127&u8=255&u=7&f32=1.5&f=2.25e3&t=2024-05-01T10:00:00Z&d=1h30m&ip=192.0.2.1&p=0"},
			wantStatus: 200,
			wantBody:   `{"S":"café","B":true,"I":-7,"I8":127,"U8":255,"U":7,"F32":1.5,"F":2250,"T":"2024-05-01T10:00:00Z","D":5400000000000,"IP":"192.0.2.1","P":0}`,
		},
		{
			name: "absent optional values stay zero", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/"},
			wantStatus: 200,
			wantBody:   `{"S":"","B":false,"I":0,"I8":0,"U8":0,"U":0,"F32":0,"F":0,"T":"0001-01-01T00:00:00Z","D":0,"IP":"","P":null}`,
		},
		{
			name: "first value of a repeated scalar wins", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?s=one&s=two"},
			wantStatus: 200,
			wantBody:   `{"S":"one","B":false,"I":0,"I8":0,"U8":0,"U":0,"F32":0,"F":0,"T":"0001-01-01T00:00:00Z","D":0,"IP":"","P":null}`,
		},
		{
			name: "every parse error at once", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?b=maybe&i=1.5&i8=128&u8=-1&u=99999999999999999999&f32=1e39&f=abc&t=2024-05-01&d=5&ip=300.1.1.1&p=x"},
			wantStatus: 422,
			wantBody: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"11 validation errors","errors":[` +
				`{"type":"bool_parsing","loc":["query","b"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"},` +
				`{"type":"int_parsing","loc":["query","i"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"1.5"},` +
				`{"type":"less_than_equal","loc":["query","i8"],"msg":"Input should be less than or equal to 127","input":"128","ctx":{"le":127}},` +
				`{"type":"greater_than_equal","loc":["query","u8"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},` +
				`{"type":"less_than_equal","loc":["query","u"],"msg":"Input should be less than or equal to 18446744073709551615","input":"99999999999999999999","ctx":{"le":18446744073709551615}},` +
				`{"type":"float_parsing","loc":["query","f32"],"msg":"Input should be a valid number, unable to parse string as a number","input":"1e39"},` +
				`{"type":"float_parsing","loc":["query","f"],"msg":"Input should be a valid number, unable to parse string as a number","input":"abc"},` +
				`{"type":"datetime_parsing","loc":["query","t"],"msg":"Input should be a valid datetime in RFC 3339 format","input":"2024-05-01"},` +
				`{"type":"time_delta_parsing","loc":["query","d"],"msg":"Input should be a valid duration such as 1h30m","input":"5"},` +
				`{"type":"value_error","loc":["query","ip"],"msg":"Value error, ParseAddr(\"300.1.1.1\"): IPv4 field has value \u003e255","input":"300.1.1.1"},` +
				`{"type":"int_parsing","loc":["query","p"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`,
		},
		{
			name: "int8 below its range", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?i8=-129"},
			wantStatus: 422,
			wantBody:   `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"greater_than_equal","loc":["query","i8"],"msg":"Input should be greater than or equal to -128","input":"-129","ctx":{"ge":-128}}]}`,
		},
		{
			name: "empty value is sent, and is not an integer", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?i="},
			wantStatus: 422,
			wantBody:   `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"int_parsing","loc":["query","i"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":""}]}`,
		},
		{
			name: "bad escape", h: bind.Handler(echo[Scalars]),
			r:          req{target: "/?s=%zz"},
			wantStatus: 422,
			wantBody:   `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"value_error","loc":["query","s"],"msg":"Value error, invalid URL escape","input":"%zz"}]}`,
		},
		{
			name: "lists", h: bind.Handler(echo[Lists]),
			r: req{target: "/?q=a&n=1&q=b&n=2&c=3,4,+5", header: http.Header{
				"X-Tag": {"x", "y,z"}, "X-List": {"1, 2", "3"},
			}},
			wantStatus: 200,
			wantBody:   `{"Q":["a","b"],"N":[1,2],"Comma":[3,4,5],"H":["x","y,z"],"HC":["1","2","3"]}`,
		},
		{
			name: "list element errors are indexed", h: bind.Handler(echo[Lists]),
			r:          req{target: "/?n=1&n=x&n=3&n=y&c=1,z"},
			wantStatus: 422,
			wantBody: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[` +
				`{"type":"int_parsing","loc":["query","n",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},` +
				`{"type":"int_parsing","loc":["query","n",3],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"y"},` +
				`{"type":"int_parsing","loc":["query","c",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"z"}]}`,
		},
		{
			name: "defaults when absent", h: bind.Handler(echo[Defaults]),
			r:          req{target: "/"},
			wantStatus: 200,
			wantBody:   `{"Limit":10,"Sort":"name","Tags":["a","b"],"Ptr":true}`,
		},
		{
			name: "sent values override defaults", h: bind.Handler(echo[Defaults]),
			r:          req{target: "/?limit=3&sort=&tag=z&ptr=false"},
			wantStatus: 200,
			wantBody:   `{"Limit":3,"Sort":"","Tags":["z"],"Ptr":false}`,
		},
		{
			name: "a bad value does not fall back to the default", h: bind.Handler(echo[Defaults]),
			r:          req{target: "/?limit=ten"},
			wantStatus: 422,
			wantBody:   `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"1 validation error","errors":[{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"ten"}]}`,
		},
		{
			name: "path header cookie query", pattern: "GET /items/{id}", h: bind.Handler(echo[Sources]),
			r: req{target: "/items/42?q=&zero=0", header: http.Header{
				"X-Token": {"t0k"}, "Cookie": {"other=1; session=abc"},
			}},
			wantStatus: 200,
			wantBody:   `{"ID":42,"Token":"t0k","Session":"abc","Q":"","Zero":0}`,
		},
		{
			name: "required means sent: missing parameters", pattern: "GET /items/{id}", h: bind.Handler(echo[Sources]),
			r:          req{target: "/items/x"},
			wantStatus: 422,
			wantBody: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"4 validation errors","errors":[` +
				`{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},` +
				`{"type":"missing","loc":["query","q"],"msg":"Field required"},` +
				`{"type":"missing","loc":["query","zero"],"msg":"Field required"},` +
				`{"type":"missing","loc":["header","x-token"],"msg":"Field required"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pattern := tt.pattern
			if pattern == "" {
				pattern = "GET /"
			}
			status, body, _ := serve(t, pattern, tt.h, tt.r)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d\n%s\nwant %d\n%s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// The default of a slice is copied for each request: a handler that
// changes its input cannot change the next request's default.
func TestDefaultSliceIsNotShared(t *testing.T) {
	h := bind.Handler(func(_ context.Context, in *Defaults) (*Defaults, error) {
		in.Tags[0] = "changed"
		return in, nil
	})
	for range 2 {
		_, body, _ := serve(t, "GET /", h, req{target: "/"})
		if want := `{"Limit":10,"Sort":"name","Tags":["changed","b"],"Ptr":true}`; body != want {
			t.Fatalf("body = %s, want %s", body, want)
		}
	}
}

type strictQuery struct {
	Q     string `query:"q"`
	Limit int    `query:"limit"`
}

func (strictQuery) ForbidUnknownFields() {}

// An input type that forbids unknown fields refuses unknown query
// parameters, as a FastAPI query model with extra="forbid" does.
func TestQueryForbidsUnknown(t *testing.T) {
	status, body, _ := serve(t, "GET /", bind.Handler(echo[strictQuery]), req{target: "/?q=a&tool=plumbus&limit=x"})
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[` +
		`{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},` +
		`{"type":"extra_forbidden","loc":["query","tool"],"msg":"Extra inputs are not permitted","input":"plumbus"}]}`
	if status != 422 || body != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
	status, body, _ = serve(t, "GET /", bind.Handler(echo[strictQuery]), req{target: "/?q=a&limit=2"})
	if status != 200 || body != `{"Q":"a","Limit":2}` {
		t.Errorf("got %d %s", status, body)
	}
}
