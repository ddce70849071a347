package bench

import (
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stdapi/stdapi/security"
)

// Greeting is the answer of GET /greetings/{lang}, as in the seed FastAPI
// application.
type Greeting struct {
	Lang string `json:"lang"`
	Text string `json:"text"`
}

// greetings is the seed application's greetings.json.
var greetings = map[string]string{
	"ar":  "آلو",
	"bn":  "হ্যালো",
	"chr": "ᏏᏲ",
	"en":  "Hello",
	"es":  "Hola",
	"sw":  "هَبَارِ",
	"zh":  "你好",
}

// ItemBody is the JSON body of POST /items/{id}, with the constraints every
// implementation enforces: name 1-50 characters, 0 < price < 10000,
// 0 <= quantity <= 1000 (optional), category one of food, tools or toys, sku
// optional but 8 characters when sent. Its validate tags are stdapi's.
type ItemBody struct {
	Name     string  `json:"name" validate:"required,min=1,max=50"`
	Price    float64 `json:"price" validate:"required,gt=0,lt=10000"`
	Quantity int     `json:"quantity" validate:"min=0,max=1000"`
	Category string  `json:"category" validate:"required,oneof=food tools toys"`
	SKU      string  `json:"sku" validate:"omitempty,len=8"`
}

// Item is the 201 answer of POST /items/{id}: what was bound from the path,
// the query and the body.
type Item struct {
	ID       int     `json:"id"`
	Limit    int     `json:"limit"`
	Name     string  `json:"name"`
	Price    float64 `json:"price"`
	Quantity int     `json:"quantity"`
	Category string  `json:"category"`
}

// User is the answer of GET /users/me: the token's subject and scopes.
type User struct {
	Subject string `json:"sub"`
	Scope   string `json:"scope"`
}

// newItem is the work every implementation's POST /items/{id} does once its
// input is bound and valid.
func newItem(id, limit int, b *ItemBody) Item {
	return Item{ID: id, Limit: limit, Name: b.Name, Price: b.Price, Quantity: b.Quantity, Category: b.Category}
}

// The JWT setup shared by the implementations of GET /users/me: HS256 with
// one key, "exp" required, scope "me" required.
const (
	// KeyID is the "kid" of the tokens Token signs.
	KeyID = "bench"
	// Scope is the scope GET /users/me requires.
	Scope = "me"
)

// Secret is the HS256 secret of the benchmark's tokens. It is public: the
// benchmark's servers listen on loopback and protect nothing.
var Secret = []byte("stdapi-bench-hs256-secret-0123456789")

// Token returns a bearer token for subject with the given scopes, signed
// with Secret and expiring at exp.
func Token(subject, scope string, exp time.Time) string {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, security.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(exp.Add(-time.Hour)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Scope: scope,
	})
	t.Header["kid"] = KeyID
	s, err := t.SignedString(Secret)
	if err != nil {
		panic(err) // HS256 with a []byte key cannot fail
	}
	return s
}

// An Implementation is one way of writing the benchmark's endpoints.
type Implementation struct {
	// Name names the implementation in results: "floor", "net/http",
	// "stdapi", "huma", "gin" or "echo".
	Name string
	// Cmd is the directory under cmd/ of its server.
	Cmd string
	// New returns a handler serving GET /greetings/{lang} and POST
	// /items/{id}, and GET /users/me and POST /users/me/items/{id} (POST
	// /items/{id} behind the bearer JWT) when Protected.
	New func() http.Handler
	// Protected reports whether the handler serves the endpoints behind
	// the bearer JWT.
	Protected bool
}

// Implementations returns every implementation, the floor (the fastest
// hand-written net/http, which the others are compared with) first.
func Implementations() []Implementation {
	return []Implementation{
		{Name: "floor", Cmd: "floor", New: Floor, Protected: true},
		{Name: "net/http", Cmd: "nethttp", New: HandWritten, Protected: true},
		{Name: "stdapi", Cmd: "stdapi", New: Stdapi, Protected: true},
		{Name: "huma", Cmd: "huma", New: Huma},
		{Name: "gin", Cmd: "gin", New: Gin},
		{Name: "echo", Cmd: "echo", New: Echo},
	}
}
