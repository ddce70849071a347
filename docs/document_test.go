package docs_test

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json golden files")

type greetingIn struct {
	Lang string `path:"lang" validate:"oneof=en fr"`
	Name string `query:"name" validate:"omitempty,max=20" default:"world"`
}

type greeting struct {
	Message string `json:"message" example:"Hello, world"`
}

// smallAPI is the API of the golden file: the Posit Connect greetings seed.
func smallAPI(mux docs.Router) *docs.API {
	api := docs.New(docs.Info{Title: "Greetings", Version: "1.0.0"},
		docs.Tag("greetings", "Say hello"), docs.Servers(docs.Server{URL: "/", Description: "This server"}))
	api.Handle(mux, "GET /greetings/{lang}", bind.Handler(func(ctx context.Context, in *greetingIn) (greeting, error) {
		return greeting{Message: "Hello, " + in.Name}, nil
	}), docs.Summary("Get one greeting"), docs.Tags("greetings"))
	return api
}

func TestGolden(t *testing.T) {
	data, err := smallAPI(http.NewServeMux()).Document()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "greetings.json")
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("document differs from %s (go test -run TestGolden -update to accept):\n%s", golden, data)
	}
}

// TestDeterministic builds the zoo in separate registries, in separate
// runs of the reflector and with maps iterated in different orders: the
// bytes must not change.
func TestDeterministic(t *testing.T) {
	first := zooDocument(t)
	for range 5 {
		if again := zooDocument(t); !bytes.Equal(first, again) {
			t.Fatal("two builds of the zoo differ")
		}
	}
}

func TestWriteFile(t *testing.T) {
	api := smallAPI(http.NewServeMux())
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := api.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := api.Document()
	if !bytes.Equal(got, want) {
		t.Error("WriteFile wrote other bytes than Document")
	}
	if err := api.WriteFile(filepath.Join(t.TempDir(), "missing", "openapi.json")); err == nil {
		t.Error("WriteFile to a missing directory: no error")
	}
}
