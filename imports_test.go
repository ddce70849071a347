package stdapi_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/stdapi/stdapi"

// importRules is the architecture in one table (README, "Architecture"):
// the packages of this module each package may import, besides internal
// packages. Packages not listed (examples, internal, nested modules) are
// free.
var importRules = map[string][]string{
	".":         {},
	"validate":  {"."},
	"bind":      {".", "validate"},
	"docs":      {".", "validate", "bind"},
	"deps":      {".", "bind"},
	"tasks":     {"."},
	"templates": {"."},
	"security":  {"."},
	"ws":        {".", "bind"},
	"stream":    {".", "bind", "ws"},
	// testclient drives any handler from outside, through internal/scopehook;
	// the root (the error model) is allowed, the packages a handler is built
	// with are not needed.
	"testclient": {"."},
}

// TestImportRules enforces importRules on the non-test files of each
// package: no package imports docs, security never imports bind, and so on.
func TestImportRules(t *testing.T) {
	for pkg, allowed := range importRules {
		files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", pkg, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			for _, imp := range imports(t, f) {
				rel, ours := strings.CutPrefix(imp, module)
				if !ours || strings.Contains(imp, "/internal/") || strings.HasSuffix(imp, "/internal") {
					continue
				}
				rel = strings.TrimPrefix(rel, "/")
				if rel == "" {
					rel = "."
				}
				if !slices.Contains(allowed, rel) {
					t.Errorf("%s imports %s; %s may import %v (and internal packages)", f, imp, pkg, allowed)
				}
			}
		}
	}
}

func imports(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		out = append(out, p)
	}
	return out
}
