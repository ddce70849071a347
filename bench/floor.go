package bench

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stdapi/stdapi"
)

// Floor returns the endpoints written by hand with the standard library
// as fast as it goes: the 1.00 of every table. Where HandWritten is the
// idiomatic handler (json.NewDecoder, r.URL.Query(), Header.Set), Floor
// reads the body into a pooled buffer and decodes it with json.Unmarshal,
// scans the raw query for the one parameter it needs, reads and writes
// header map entries directly and shares its constant header values. It
// checks the same things and answers alike, its 422 byte for byte (the
// same error types, messages and contexts); its 422 and 401 bodies are
// written by stdapi.WriteError, the fastest encoder of that problem body at
// hand, so that the ratios to the floor measure binding, validation and
// security, not the error encoding.
func Floor() http.Handler {
	parser := handParser()
	// authorize checks the bearer token and its scope, writing the 401 or
	// 403 when it fails.
	authorize := func(w http.ResponseWriter, r *http.Request, c *handClaims) bool {
		var auth string
		if v := r.Header["Authorization"]; len(v) > 0 {
			auth = v[0]
		}
		if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
			e := stdapi.NewError(http.StatusUnauthorized, "Not authenticated")
			e.Header = http.Header{"Www-Authenticate": {"Bearer"}}
			stdapi.WriteError(w, r, e)
			return false
		}
		if _, err := parser.ParseWithClaims(auth[7:], c, handKey); err != nil {
			e := stdapi.NewError(http.StatusUnauthorized, "Invalid authentication credentials")
			e.Header = http.Header{"Www-Authenticate": {challengeInvalid}}
			if errors.Is(err, jwt.ErrTokenExpired) {
				e.Header = http.Header{"Www-Authenticate": {challengeExpired}}
			}
			stdapi.WriteError(w, r, e)
			return false
		}
		if !slices.Contains(strings.Fields(c.Scope), Scope) {
			e := stdapi.NewError(http.StatusForbidden, "Not enough permissions")
			e.Header = http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope", scope="` + Scope + `"`}}
			stdapi.WriteError(w, r, e)
			return false
		}
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greetings/{lang}", func(w http.ResponseWriter, r *http.Request) {
		lang := r.PathValue("lang")
		text, ok := greetings[lang]
		if !ok {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, "Greeting not found"))
			return
		}
		floorJSON(w, r, http.StatusOK, Greeting{Lang: lang, Text: text})
	})
	mux.HandleFunc("POST /items/{id}", floorCreateItem)
	mux.HandleFunc("POST /users/me/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		var c handClaims
		if authorize(w, r, &c) {
			floorCreateItem(w, r)
		}
	})
	mux.HandleFunc("GET /users/me", func(w http.ResponseWriter, r *http.Request) {
		var c handClaims
		if authorize(w, r, &c) {
			floorJSON(w, r, http.StatusOK, User{Subject: c.Subject, Scope: c.Scope})
		}
	})
	return mux
}

// The 401 challenges of a bad token, as stdapi's security writes them.
const (
	challengeInvalid = `Bearer error="invalid_token", error_description="The access token is invalid", scope="` + Scope + `"`
	challengeExpired = `Bearer error="invalid_token", error_description="The access token expired", scope="` + Scope + `"`
)

// maxBody bounds the JSON bodies of every implementation (1 MiB).
const maxBody = 1 << 20

var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func floorCreateItem(w http.ResponseWriter, r *http.Request) {
	var errs []stdapi.FieldError
	raw := r.PathValue("id")
	id, err := strconv.Atoi(raw)
	if err != nil {
		errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"path", "id"}, Msg: msgInt, Input: raw})
	} else if id < 1 {
		errs = append(errs, stdapi.FieldError{Type: "greater_than_equal", Loc: []any{"path", "id"}, Msg: "Input should be greater than or equal to 1", Input: raw, Ctx: ctxGE1})
	}
	limit := 10
	if s, ok := queryValue(r.URL.RawQuery, "limit"); ok && s != "" {
		if limit, err = strconv.Atoi(s); err != nil {
			errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "limit"}, Msg: msgInt, Input: s})
		} else if limit < 1 {
			errs = append(errs, stdapi.FieldError{Type: "greater_than_equal", Loc: []any{"query", "limit"}, Msg: "Input should be greater than or equal to 1", Input: s, Ctx: ctxGE1})
		} else if limit > 100 {
			errs = append(errs, stdapi.FieldError{Type: "less_than_equal", Loc: []any{"query", "limit"}, Msg: "Input should be less than or equal to 100", Input: s, Ctx: ctxLE100})
		}
	}
	if v := r.Header["X-Token"]; len(v) == 0 || v[0] == "" {
		errs = append(errs, stdapi.FieldError{Type: "missing", Loc: []any{"header", "x-token"}, Msg: "Field required"})
	}
	var ct string
	if v := r.Header["Content-Type"]; len(v) > 0 {
		ct = v[0]
	}
	if ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusUnsupportedMediaType, "Content-Type must be application/json"))
		return
	}
	bp := bodyBufs.Get().(*[]byte)
	data, err := readBody((*bp)[:0], r.Body, maxBody)
	var body ItemBody
	if err != nil || json.Unmarshal(data, &body) != nil {
		errs = append(errs, stdapi.FieldError{Type: "json_invalid", Loc: []any{"body"}, Msg: "JSON decode error"})
	} else {
		errs = floorCheck(errs, &body)
	}
	if cap(data) <= 64<<10 {
		*bp = data[:0]
		bodyBufs.Put(bp)
	}
	if len(errs) > 0 {
		stdapi.WriteError(w, r, stdapi.ValidationError(errs...))
		return
	}
	floorJSON(w, r, http.StatusCreated, newItem(id, limit, &body))
}

// The floor's rule contexts, shared by every answer as validate shares
// its own.
var (
	ctxGE0     = map[string]any{"ge": 0}
	ctxGE1     = map[string]any{"ge": 1}
	ctxLE100   = map[string]any{"le": 100}
	ctxLE1000  = map[string]any{"le": 1000}
	ctxGT0     = map[string]any{"gt": 0}
	ctxLT10000 = map[string]any{"lt": 10000}
	ctxMin1    = map[string]any{"min_length": 1}
	ctxMax50   = map[string]any{"max_length": 50}
	ctxMin8    = map[string]any{"min_length": 8}
	ctxMax8    = map[string]any{"max_length": 8}
	ctxEnum    = map[string]any{"expected": "'food', 'tools' or 'toys'"}
)

const msgInt = "Input should be a valid integer, unable to parse string as an integer"

// floorCheck checks ItemBody's rules by hand and answers with the errors
// validate gives (pydantic's types, messages and contexts), so that the
// floor's 422 is stdapi's byte for byte.
func floorCheck(errs []stdapi.FieldError, b *ItemBody) []stdapi.FieldError {
	fe := func(typ, field, msg string, input any, ctx map[string]any) stdapi.FieldError {
		return stdapi.FieldError{Type: typ, Loc: []any{"body", field}, Msg: msg, Input: input, Ctx: ctx}
	}
	switch n := utf8.RuneCountInString(b.Name); {
	case n < 1:
		errs = append(errs, fe("string_too_short", "name", "String should have at least 1 character", b.Name, ctxMin1))
	case n > 50:
		errs = append(errs, fe("string_too_long", "name", "String should have at most 50 characters", b.Name, ctxMax50))
	}
	switch {
	case b.Price <= 0:
		errs = append(errs, fe("greater_than", "price", "Input should be greater than 0", b.Price, ctxGT0))
	case b.Price >= 10000:
		errs = append(errs, fe("less_than", "price", "Input should be less than 10000", b.Price, ctxLT10000))
	}
	switch {
	case b.Quantity < 0:
		errs = append(errs, fe("greater_than_equal", "quantity", "Input should be greater than or equal to 0", b.Quantity, ctxGE0))
	case b.Quantity > 1000:
		errs = append(errs, fe("less_than_equal", "quantity", "Input should be less than or equal to 1000", b.Quantity, ctxLE1000))
	}
	switch b.Category {
	case "food", "tools", "toys":
	default:
		errs = append(errs, fe("enum", "category", "Input should be 'food', 'tools' or 'toys'", b.Category, ctxEnum))
	}
	if b.SKU != "" {
		switch n := utf8.RuneCountInString(b.SKU); {
		case n < 8:
			errs = append(errs, fe("string_too_short", "sku", "String should have at least 8 characters", b.SKU, ctxMin8))
		case n > 8:
			errs = append(errs, fe("string_too_long", "sku", "String should have at most 8 characters", b.SKU, ctxMax8))
		}
	}
	return errs
}

var errBodyTooLarge = errors.New("body too large")

// readBody appends what body holds to buf, failing past limit bytes.
func readBody(buf []byte, body io.Reader, limit int) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return buf, errBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// queryValue returns the first value of key in the raw query, unescaped,
// as r.URL.Query().Get does without building the map.
func queryValue(raw, key string) (string, bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k != key {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			u, err := url.QueryUnescape(v)
			return u, err == nil
		}
		return v, true
	}
	return "", false
}

var (
	jsonType = []string{"application/json"}
	// smallLengths are the Content-Length values of bodies under 512 bytes.
	smallLengths = func() (s [512][]string) {
		for i := range s {
			s[i] = []string{strconv.Itoa(i)}
		}
		return s
	}()
)

// floorJSON writes v as JSON with header map entries set directly.
func floorJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	if len(data) < len(smallLengths) {
		h["Content-Length"] = smallLengths[len(data)]
	} else {
		h["Content-Length"] = []string{strconv.Itoa(len(data))}
	}
	w.WriteHeader(status)
	w.Write(data)
}
