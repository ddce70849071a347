package bind_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

const benchBody = `{"name":"Hammer","price":12.5,"quantity":3,"category":"tools","sku":"HAM-0001"}`

// newBenchRequest is the request of the scenario, made fresh for
// each iteration as a server would receive it.
func newBenchRequest(body string) *http.Request {
	r := httptest.NewRequest("POST", "/items/42?limit=5", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Token", "secret-token")
	return r
}

func benchMux(h http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /items/{id}", h)
	return mux
}

func BenchmarkHandler(b *testing.B) {
	mux := benchMux(bind.Handler(createItem, bind.Status(201)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, newBenchRequest(benchBody))
		if w.Code != 201 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

// BenchmarkHandWritten is the same endpoint written by hand with net/http
// and encoding/json: the floor bind.Handler is measured against.
func BenchmarkHandWritten(b *testing.B) {
	mux := benchMux(http.HandlerFunc(handWritten))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, newBenchRequest(benchBody))
		if w.Code != 201 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

func BenchmarkHandlerInvalid(b *testing.B) {
	mux := benchMux(bind.Handler(createItem, bind.Status(201)))
	body := `{"name":"","price":-1,"quantity":3,"category":"cars","sku":"HAM-0001"}`
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, newBenchRequest(body))
		if w.Code != 422 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

func BenchmarkRequestQueryOnly(b *testing.B) {
	r := httptest.NewRequest("GET", "/?limit=5&sort=name&tag=a&tag=b", nil)
	b.ReportAllocs()
	for b.Loop() {
		var in Defaults
		if err := bind.Request(r, &in); err != nil {
			b.Fatal(err)
		}
	}
}

func handWritten(w http.ResponseWriter, r *http.Request) {
	var errs []stdapi.FieldError
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"path", "id"}, Msg: "bad id"})
	}
	limit := 10
	if s := r.URL.Query().Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > 100 {
			errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "limit"}, Msg: "bad limit"})
		}
	}
	if r.Header.Get("X-Token") == "" {
		errs = append(errs, stdapi.FieldError{Type: "missing", Loc: []any{"header", "x-token"}, Msg: "Field required"})
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	var body ItemBody
	if err := json.Unmarshal(data, &body); err != nil {
		errs = append(errs, stdapi.FieldError{Type: "json_invalid", Loc: []any{"body"}, Msg: "JSON decode error"})
	} else {
		if n := utf8.RuneCountInString(body.Name); n < 1 || n > 50 {
			errs = append(errs, stdapi.FieldError{Type: "string_too_short", Loc: []any{"body", "name"}, Msg: "bad name"})
		}
		if body.Price <= 0 || body.Price >= 10000 {
			errs = append(errs, stdapi.FieldError{Type: "greater_than", Loc: []any{"body", "price"}, Msg: "bad price"})
		}
		if body.Quantity < 0 || body.Quantity > 1000 {
			errs = append(errs, stdapi.FieldError{Type: "less_than_equal", Loc: []any{"body", "quantity"}, Msg: "bad quantity"})
		}
		switch body.Category {
		case "food", "tools", "toys":
		default:
			errs = append(errs, stdapi.FieldError{Type: "enum", Loc: []any{"body", "category"}, Msg: "bad category"})
		}
		if body.SKU != "" && utf8.RuneCountInString(body.SKU) != 8 {
			errs = append(errs, stdapi.FieldError{Type: "string_too_short", Loc: []any{"body", "sku"}, Msg: "bad sku"})
		}
	}
	if len(errs) > 0 {
		stdapi.WriteError(w, r, stdapi.ValidationError(errs...))
		return
	}
	item, _ := createItem(r.Context(), &CreateItem{ID: id, Limit: limit, Body: body})
	out, err := json.Marshal(item)
	if err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
}
