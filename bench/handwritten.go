package bench

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stdapi/stdapi"
)

// HandWritten returns the endpoints written by hand with net/http,
// encoding/json and golang-jwt the idiomatic way (json.NewDecoder,
// r.URL.Query(), Header.Set); Floor is the fastest way. It does the same work as Stdapi (media type check,
// body limit, every error reported at once in a problem body, the JWT's
// algorithm pinned and exp required) with code specific to these routes.
func HandWritten() http.Handler {
	parser := handParser()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greetings/{lang}", func(w http.ResponseWriter, r *http.Request) {
		lang := r.PathValue("lang")
		text, ok := greetings[lang]
		if !ok {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, "Greeting not found"))
			return
		}
		writeJSON(w, r, http.StatusOK, Greeting{Lang: lang, Text: text})
	})
	mux.HandleFunc("POST /items/{id}", handCreateItem)
	// authorize checks the bearer token and its scope, writing the 401 or
	// 403 when it fails.
	authorize := func(w http.ResponseWriter, r *http.Request, c *handClaims) bool {
		auth := r.Header.Get("Authorization")
		if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
			e := stdapi.NewError(http.StatusUnauthorized, "Not authenticated")
			e.Header = http.Header{"Www-Authenticate": {"Bearer"}}
			stdapi.WriteError(w, r, e)
			return false
		}
		if _, err := parser.ParseWithClaims(auth[7:], c, handKey); err != nil {
			e := stdapi.NewError(http.StatusUnauthorized, "Invalid authentication credentials")
			e.Header = http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}
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
	mux.HandleFunc("POST /users/me/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		var c handClaims
		if authorize(w, r, &c) {
			handCreateItem(w, r)
		}
	})
	mux.HandleFunc("GET /users/me", func(w http.ResponseWriter, r *http.Request) {
		var c handClaims
		if authorize(w, r, &c) {
			writeJSON(w, r, http.StatusOK, User{Subject: c.Subject, Scope: c.Scope})
		}
	})
	return mux
}

// handClaims are the claims GET /users/me reads: the registered ones and
// OAuth2's space-separated "scope".
type handClaims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope"`
}

func handCreateItem(w http.ResponseWriter, r *http.Request) {
	var errs []stdapi.FieldError
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"path", "id"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: r.PathValue("id")})
	} else if id < 1 {
		errs = append(errs, stdapi.FieldError{Type: "greater_than_equal", Loc: []any{"path", "id"}, Msg: "Input should be greater than or equal to 1", Input: id})
	}
	limit := 10
	if s := r.URL.Query().Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil {
			errs = append(errs, stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "limit"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: s})
		} else if limit < 1 || limit > 100 {
			errs = append(errs, stdapi.FieldError{Type: "value_error", Loc: []any{"query", "limit"}, Msg: "Input should be between 1 and 100", Input: limit})
		}
	}
	if r.Header.Get("X-Token") == "" {
		errs = append(errs, stdapi.FieldError{Type: "missing", Loc: []any{"header", "x-token"}, Msg: "Field required"})
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusUnsupportedMediaType, "Content-Type must be application/json"))
		return
	}
	var body ItemBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		errs = append(errs, stdapi.FieldError{Type: "json_invalid", Loc: []any{"body"}, Msg: "JSON decode error"})
	} else {
		errs = checkItemBody(errs, &body)
	}
	if len(errs) > 0 {
		stdapi.WriteError(w, r, stdapi.ValidationError(errs...))
		return
	}
	writeJSON(w, r, http.StatusCreated, newItem(id, limit, &body))
}

func checkItemBody(errs []stdapi.FieldError, b *ItemBody) []stdapi.FieldError {
	if n := utf8.RuneCountInString(b.Name); n < 1 || n > 50 {
		errs = append(errs, stdapi.FieldError{Type: "value_error", Loc: []any{"body", "name"}, Msg: "String should have 1 to 50 characters", Input: b.Name})
	}
	if b.Price <= 0 || b.Price >= 10000 {
		errs = append(errs, stdapi.FieldError{Type: "value_error", Loc: []any{"body", "price"}, Msg: "Input should be between 0 and 10000, exclusive", Input: b.Price})
	}
	if b.Quantity < 0 || b.Quantity > 1000 {
		errs = append(errs, stdapi.FieldError{Type: "value_error", Loc: []any{"body", "quantity"}, Msg: "Input should be between 0 and 1000", Input: b.Quantity})
	}
	switch b.Category {
	case "food", "tools", "toys":
	default:
		errs = append(errs, stdapi.FieldError{Type: "enum", Loc: []any{"body", "category"}, Msg: "Input should be 'food', 'tools' or 'toys'", Input: b.Category})
	}
	if b.SKU != "" && utf8.RuneCountInString(b.SKU) != 8 {
		errs = append(errs, stdapi.FieldError{Type: "value_error", Loc: []any{"body", "sku"}, Msg: "String should have 8 characters", Input: b.SKU})
	}
	return errs
}

// handParser is the golang-jwt parser of both hand-written versions: HS256
// pinned, exp required, iat checked, strict base64.
func handParser() *jwt.Parser {
	return jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithStrictDecoding())
}

// handKey is their jwt.Keyfunc: the one key, found by its kid.
func handKey(t *jwt.Token) (any, error) {
	if t.Header["kid"] != KeyID {
		return nil, errors.New("unknown key")
	}
	return Secret, nil
}

// writeJSON writes v as JSON, the way a hand-written handler does.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}
