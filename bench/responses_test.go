package bench_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stdapi/stdapi/bench"
)

const (
	validBody   = `{"name":"Hammer","price":12.5,"quantity":3,"category":"tools","sku":"HAM-0001"}`
	invalidBody = `{"name":"","price":-1,"quantity":3,"category":"cars","sku":"HAM-0001"}`
)

// request is one request of a scenario.
type request struct {
	method, target, body string
	header               map[string]string
}

func (q request) new() *http.Request {
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(q.method, q.target, body)
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	return r
}

func itemRequest(target, body string, header map[string]string) request {
	h := map[string]string{"Content-Type": "application/json", "X-Token": "secret-token"}
	for k, v := range header {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	return request{method: "POST", target: target, body: body, header: h}
}

func bearer(token string) request {
	return request{method: "GET", target: "/users/me", header: map[string]string{"Authorization": "Bearer " + token}}
}

// protectedItem is POST /users/me/items/{id}: scenario 2's request behind
// a bearer token.
func protectedItem(token, body string) request {
	q := itemRequest("/users/me/items/42?limit=5", body, nil)
	if token != "" {
		q.header["Authorization"] = "Bearer " + token
	}
	return q
}

// normalise reduces a response to what every implementation must agree
// on: the status, then the canonical JSON of a 2xx body, the sorted
// locations of a 422's errors (whatever each framework calls them), or the
// scheme and error code of a 401 or 403 challenge.
func normalise(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	status := strconv.Itoa(w.Code)
	switch {
	case w.Code >= 200 && w.Code < 300:
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q, want application/json", ct)
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("body %q: %v", w.Body, err)
		}
		canon, _ := json.Marshal(v)
		return status + " " + string(canon)
	case w.Code == http.StatusUnprocessableEntity:
		var v struct {
			Errors []map[string]any `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("body %q: %v", w.Body, err)
		}
		var locs []string
		for _, e := range v.Errors {
			locs = append(locs, strings.ToLower(location(e)))
		}
		slices.Sort(locs)
		return status + " " + strings.Join(slices.Compact(locs), " ")
	case w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden:
		c := w.Header().Get("WWW-Authenticate")
		scheme, params, _ := strings.Cut(c, " ")
		for p := range strings.SplitSeq(params, ",") {
			if code, ok := strings.CutPrefix(strings.TrimSpace(p), "error="); ok {
				scheme += " " + strings.Trim(code, `"`)
			}
		}
		return status + " " + scheme
	}
	return status
}

// location reads an error item's location: stdapi's loc array, huma's
// location string, or the loc string of the gin and echo handlers.
func location(e map[string]any) string {
	switch loc := e["loc"].(type) {
	case string:
		return loc
	case []any:
		var parts []string
		for _, p := range loc {
			if s, ok := p.(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ".")
	}
	s, _ := e["location"].(string)
	return s
}

type scenario struct {
	name      string
	req       request
	want      string
	protected bool
}

func scenarios() []scenario {
	now := time.Now()
	exp := now.Add(time.Hour)
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "alice", "scope": "me", "exp": exp.Unix()})
	none.Header["kid"] = bench.KeyID
	noneToken, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	good := bench.Token("alice", "me admin", exp)
	return []scenario{
		{name: "1 greeting", req: request{method: "GET", target: "/greetings/en"},
			want: `200 {"lang":"en","text":"Hello"}`},
		{name: "1 greeting unicode", req: request{method: "GET", target: "/greetings/zh"},
			want: `200 {"lang":"zh","text":"你好"}`},
		{name: "1 unknown language", req: request{method: "GET", target: "/greetings/xx"}, want: "404"},

		{name: "2 valid item", req: itemRequest("/items/42?limit=5", validBody, nil),
			want: `201 {"category":"tools","id":42,"limit":5,"name":"Hammer","price":12.5,"quantity":3}`},
		{name: "2 default limit, optional fields absent",
			req:  itemRequest("/items/7", `{"name":"Saw","price":9999.5,"category":"food"}`, nil),
			want: `201 {"category":"food","id":7,"limit":10,"name":"Saw","price":9999.5,"quantity":0}`},
		{name: "2 escaped query, other parameters",
			req:  itemRequest("/items/42?x=a%26b&limit=%35&limit=7", validBody, nil),
			want: `201 {"category":"tools","id":42,"limit":5,"name":"Hammer","price":12.5,"quantity":3}`},
		{name: "2 bounds", req: itemRequest("/items/1?limit=100", `{"name":"`+strings.Repeat("é", 50)+`","price":0.01,"quantity":1000,"category":"toys"}`, nil),
			want: `201 {"category":"toys","id":1,"limit":100,"name":"` + strings.Repeat("é", 50) + `","price":0.01,"quantity":1000}`},

		{name: "3 three body errors", req: itemRequest("/items/42?limit=5", invalidBody, nil),
			want: "422 body.category body.name body.price"},
		{name: "3 every source", req: itemRequest("/items/0?limit=500", `{"name":"`+strings.Repeat("a", 51)+`","price":10000,"quantity":1001,"category":"food","sku":"short"}`, map[string]string{"X-Token": ""}),
			want: "422 body.name body.price body.quantity body.sku header.x-token path.id query.limit"},
		{name: "3 limit below range", req: itemRequest("/items/42?limit=0", validBody, nil), want: "422 query.limit"},

		{name: "5 valid token", req: bearer(good), protected: true, want: `200 {"scope":"me admin","sub":"alice"}`},
		{name: "5 no credentials", req: request{method: "GET", target: "/users/me"}, protected: true, want: "401 Bearer"},
		{name: "5 basic credentials", req: request{method: "GET", target: "/users/me", header: map[string]string{"Authorization": "Basic YWxpY2U6c2VjcmV0"}},
			protected: true, want: "401 Bearer"},
		{name: "5 expired", req: bearer(bench.Token("alice", "me", now.Add(-time.Minute))), protected: true, want: "401 Bearer invalid_token"},
		{name: "5 bad signature", req: bearer(good[:len(good)-4] + "AAAA"), protected: true, want: "401 Bearer invalid_token"},
		{name: "5 alg none", req: bearer(noneToken), protected: true, want: "401 Bearer invalid_token"},
		{name: "5 garbage", req: bearer("not.a.jwt"), protected: true, want: "401 Bearer invalid_token"},
		{name: "5 missing scope", req: bearer(bench.Token("alice", "admin", exp)), protected: true, want: "403 Bearer insufficient_scope"},

		{name: "7 protected item", req: protectedItem(good, validBody), protected: true,
			want: `201 {"category":"tools","id":42,"limit":5,"name":"Hammer","price":12.5,"quantity":3}`},
		{name: "7 protected item, invalid", req: protectedItem(good, invalidBody), protected: true,
			want: "422 body.category body.name body.price"},
		{name: "7 protected item, no token", req: protectedItem("", validBody), protected: true, want: "401 Bearer"},
		{name: "7 protected item, missing scope", req: protectedItem(bench.Token("alice", "admin", exp), validBody), protected: true,
			want: "403 Bearer insufficient_scope"},
	}
}

// TestIdenticalResponses checks that every implementation answers every
// scenario alike, so that the benchmarks compare the same work.
func TestIdenticalResponses(t *testing.T) {
	for _, impl := range bench.Implementations() {
		h := impl.New()
		for _, sc := range scenarios() {
			if sc.protected && !impl.Protected {
				continue
			}
			t.Run(impl.Name+"/"+sc.name, func(t *testing.T) {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, sc.req.new())
				if got := normalise(t, w); got != sc.want {
					t.Errorf("got  %s\nwant %s\nbody %s", got, sc.want, w.Body)
				}
			})
		}
	}
}

// TestFloorAnswersAsStdapi checks that the floor's answers are stdapi's
// byte for byte, headers included, in every scenario both serve: the
// ratios to the floor compare the same work, down to the 422's error
// types, messages and contexts.
func TestFloorAnswersAsStdapi(t *testing.T) {
	floor, std := bench.Floor(), bench.Stdapi()
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			fw, sw := httptest.NewRecorder(), httptest.NewRecorder()
			floor.ServeHTTP(fw, sc.req.new())
			std.ServeHTTP(sw, sc.req.new())
			if fw.Code != sw.Code || fw.Body.String() != sw.Body.String() {
				t.Errorf("floor %d %s\nstdapi %d %s", fw.Code, fw.Body, sw.Code, sw.Body)
			}
			for _, k := range []string{"Content-Type", "Content-Length", "Www-Authenticate"} {
				if f, s := fw.Header().Get(k), sw.Header().Get(k); f != s {
					t.Errorf("%s: floor %q, stdapi %q", k, f, s)
				}
			}
		})
	}
}

// TestRejectsMalformedInput checks that every implementation refuses input
// it cannot decode. Here the answers differ: the status each gives is
// listed when it is not 422.
func TestRejectsMalformedInput(t *testing.T) {
	for _, tt := range []struct {
		name   string
		req    request
		except map[string]int
	}{
		{"truncated JSON", itemRequest("/items/42", `{"name":`, nil), map[string]int{"huma": 400}},
		{"array body", itemRequest("/items/42", `[1]`, nil), nil},
		{"string for a number", itemRequest("/items/42", `{"name":"a","price":"12","category":"food"}`, nil), nil},
		{"empty body", itemRequest("/items/42", ``, nil), map[string]int{"huma": 400}},
		{"text/plain body", itemRequest("/items/42", validBody, map[string]string{"Content-Type": "text/plain"}),
			map[string]int{"floor": 415, "net/http": 415, "stdapi": 415, "huma": 415}},
		{"path id not a number", itemRequest("/items/abc", validBody, nil), nil},
		{"limit not a number", itemRequest("/items/42?limit=x", validBody, nil), nil},
		{"limit overflows", itemRequest("/items/42?limit=99999999999999999999", validBody, nil), nil},
	} {
		for _, impl := range bench.Implementations() {
			t.Run(impl.Name+"/"+tt.name, func(t *testing.T) {
				want := http.StatusUnprocessableEntity
				if s, ok := tt.except[impl.Name]; ok {
					want = s
				}
				w := httptest.NewRecorder()
				impl.New().ServeHTTP(w, tt.req.new())
				if w.Code != want {
					t.Errorf("status %d, want %d; body %s", w.Code, want, w.Body)
				}
			})
		}
	}
}
