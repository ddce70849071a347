package bind_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
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

// oracleItem is a body type on which bind and encoding/json + validate
// must agree: every field a pointer, so that "present and not null" and
// "non-nil" are the same thing and a null is accepted by both.
type oracleItem struct {
	Name  *string             `json:"name" validate:"required,min=1,max=8"`
	Price *float64            `json:"price" validate:"gt=0"`
	OK    *bool               `json:"ok"`
	Tags  *[]*string          `json:"tags" validate:"max=3,dive,required,min=1"`
	Meta  *map[string]*string `json:"meta" validate:"max=2,dive,required,max=4"`
	Next  *oracleItem         `json:"next"`
}

type oracleIn struct {
	Body *oracleItem
}

var oracleNames = []string{"name", "price", "ok", "tags", "meta", "next"}

// scanKeys reports whether an object of doc repeats a key, and whether a
// key matches a field name but for case (which encoding/json folds and
// bind does not).
func scanKeys(doc []byte) (dup, folded bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	type level struct {
		keys   map[string]bool
		object bool
		key    bool // the next string token is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return dup, folded
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &level{keys: map[string]bool{}, object: tok == '{', key: tok == '{'})
				continue
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = true
				}
				continue
			}
		case string:
			if top != nil && top.object && top.key {
				dup = dup || top.keys[tok]
				top.keys[tok] = true
				for _, n := range oracleNames {
					folded = folded || tok != n && strings.EqualFold(tok, n)
				}
				top.key = false
				continue
			}
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}

// FuzzJSONOracle compares bind with encoding/json followed by validate on
// the same bytes: the same verdict, and the same value when both accept.
// Where the two are meant to differ (bind refuses a repeated key, matches
// keys exactly) the case is checked for what bind promises instead.
func FuzzJSONOracle(f *testing.F) {
	for _, seed := range []string{
		`{"name":"pen","price":1.5,"tags":["a"],"meta":{"k":"v"},"next":{"name":"x"}}`,
		`{"name":"","price":0,"tags":[null,""],"meta":{"k":null}}`, `{"name":"a","name":null}`,
		`{"name":"\u00e9\ud800","ok":true,"next":null}`, `{"NAME":"a","name":"b"}`, `[]`, `null`, `{"name":1}`,
		`{"name":"a","meta":{"x":"1","\u0078":"2"}}`, `{"name":"a\"b\\c\/d\n","price":1e400}`,
		"{\"name\":\"\xff\xfe\"}", `{"name":"a","next":{"next":{"name":""}}}`, `{"name":"a","zz":1,"zz":2}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var got oracleIn
		err := bind.Request(newJSONRequest(body), &got)
		dup, folded := scanKeys([]byte(body))
		if folded {
			return // encoding/json would fold the key into a field; bind does not
		}
		var want *oracleItem
		oracleErr := json.Unmarshal([]byte(body), &want)
		if oracleErr == nil && want != nil {
			oracleErr = validate.Struct(want)
		}
		if body == "" || strings.TrimSpace(body) == "null" {
			return // no body: bind's Body is optional, encoding/json's null
		}
		switch {
		case err == nil && oracleErr == nil:
			if !reflect.DeepEqual(got.Body, want) {
				t.Fatalf("%q: bind %s, encoding/json %s", body, mustJSON(t, got.Body), mustJSON(t, want))
			}
		case err != nil && dup:
			if oracleErr == nil && !strings.Contains(mustJSON(t, err), "duplicate_key") {
				t.Fatalf("%q: repeated key, bind refused without duplicate_key: %v", body, err)
			}
		case (err == nil) != (oracleErr == nil):
			t.Fatalf("%q: bind %v, encoding/json + validate %v", body, err, oracleErr)
		}
	})
}

type syntaxProbe struct {
	A *int            `json:"a"`
	S []string        `json:"s"`
	M map[string]bool `json:"m"`
	N *syntaxProbe    `json:"n"`
}

// FuzzJSONSyntax checks that bind's decoder, which checks the syntax as it
// reads, accepts exactly the documents encoding/json accepts: a body is
// json_invalid if and only if json.Valid says it is not JSON, whatever
// part of it is decoded, skipped as an unknown key or handed to a type
// error.
func FuzzJSONSyntax(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"s":["x"],"m":{"k":true},"n":{"a":2},"zz":[1,{"q":null}]}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`,
		`{"a":1e+}`, `{"s":["\u00zz"]}`, "{\"s\":[\"\x01\"]}", `{"zz":tru}`, `{"a":1,}`, `[1,]`, `{"a" 1}`,
		`{"a":1}{}`, `  {"a":1}  `, `{"m":{"k":nul}}`, `{"zz":{"a":[1 2]}}`, `"\ud800"`, `{"s":"x"}`, `{"n":[]}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"zz":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if strings.TrimSpace(body) == "" {
			return // no body: not a syntax question
		}
		var in struct{ Body *syntaxProbe }
		err := bind.Request(newJSONRequest(body), &in)
		invalid := err != nil && strings.Contains(mustJSON(t, err), `"json_invalid"`)
		if valid := json.Valid([]byte(body)); invalid == valid {
			t.Fatalf("%q: json.Valid %v, bind %v", body, valid, err)
		}
	})
}
