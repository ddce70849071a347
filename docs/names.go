package docs

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// namer gives each named struct type a component name that is legal in
// OpenAPI (^[a-zA-Z0-9.\-_]+$), stable across runs, and unique: types that
// share a short name are qualified by package, never overwritten.
type namer struct {
	names map[reflect.Type]string
}

var (
	pkgPrefix = regexp.MustCompile(`[A-Za-z0-9_.\-~]*/`)
	pkgQual   = regexp.MustCompile(`[A-Za-z0-9_\-~]+\.`)
	illegal   = regexp.MustCompile(`[^A-Za-z0-9.\-_]+`)
	argSep    = regexp.MustCompile(`[^A-Za-z0-9.]+`)
)

// newNamer names every type of types (deduplicated, in any order): the
// result depends only on the set of types.
func newNamer(types []reflect.Type) *namer {
	n := &namer{names: map[reflect.Type]string{}}
	levels := []func(reflect.Type) string{shortName, pkgName, fullName}
	groups := map[string][]reflect.Type{}
	for _, t := range types {
		if t.Name() == "" {
			continue
		}
		k := shortName(t)
		groups[k] = appendUnique(groups[k], t)
	}
	for level := 1; ; level++ {
		next := map[string][]reflect.Type{}
		for name, ts := range groups {
			if user, rest, ok := yieldToUser(ts); ok && level == 1 {
				n.names[user] = name
				for _, t := range rest {
					k := levels[level](t)
					next[k] = appendUnique(next[k], t)
				}
				continue
			}
			if len(ts) == 1 {
				n.names[ts[0]] = name
				continue
			}
			if level == len(levels) {
				// Types with one qualified name (types declared in
				// functions): number them in a stable order.
				sort.SliceStable(ts, func(i, j int) bool { return ts[i].String() < ts[j].String() })
				for i, t := range ts {
					n.names[t] = name
					if i > 0 {
						n.names[t] = name + "_" + strconv.Itoa(i+1)
					}
				}
				continue
			}
			for _, t := range ts {
				k := levels[level](t)
				next[k] = appendUnique(next[k], t)
			}
		}
		if len(next) == 0 {
			break
		}
		groups = next
	}
	return n
}

// yieldToUser finds, among types that share a short name, the one that
// is not stdapi's own, which keeps the short name (app.Stats beside
// tasks.Stats is Stats), and the others, which are qualified.
func yieldToUser(ts []reflect.Type) (user reflect.Type, rest []reflect.Type, ok bool) {
	if len(ts) < 2 {
		return nil, nil, false
	}
	for _, t := range ts {
		switch {
		case isLibrary(t.PkgPath()):
			rest = append(rest, t)
		case user != nil:
			return nil, nil, false
		default:
			user = t
		}
	}
	return user, rest, user != nil
}

// isLibrary reports the packages of stdapi whose types a response may
// hold (stdapi.Problem, tasks.Stats, ws.HubStats).
func isLibrary(pkg string) bool {
	const module = "github.com/stdapi/stdapi"
	rest, ok := strings.CutPrefix(pkg, module)
	if !ok {
		return false
	}
	switch rest {
	case "", "/bind", "/deps", "/security", "/stream", "/tasks", "/templates", "/validate", "/ws":
		return true
	}
	return false
}

func appendUnique(ts []reflect.Type, t reflect.Type) []reflect.Type {
	for _, u := range ts {
		if u == t {
			return ts
		}
	}
	return append(ts, t)
}

// name returns t's component name, or "" for types that are not components.
func (n *namer) name(t reflect.Type) string { return n.names[t] }

// shortName is the type's name with generic arguments shortened:
// Page[example.com/app/models.User] is Page_User.
func shortName(t reflect.Type) string {
	return genericName(t.Name(), func(args string) string {
		return pkgQual.ReplaceAllString(pkgPrefix.ReplaceAllString(args, ""), "")
	})
}

// pkgName qualifies the name and its arguments with the last element of
// their package paths: models.Page_models.User.
func pkgName(t reflect.Type) string {
	return sanitize(lastElem(t.PkgPath()) + "." + genericName(t.Name(), func(args string) string {
		return pkgPrefix.ReplaceAllString(args, "")
	}))
}

// fullName qualifies them with whole package paths.
func fullName(t reflect.Type) string {
	slash := func(s string) string { return strings.ReplaceAll(s, "/", "_") }
	return sanitize(slash(t.PkgPath()) + "." + genericName(t.Name(), slash))
}

func lastElem(pkg string) string {
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		return pkg[i+1:]
	}
	return pkg
}

// genericName turns Base[args] into Base_args, args rewritten by short
// and then made of letters, digits, dots and underscores.
func genericName(name string, short func(string) string) string {
	base, args, ok := strings.Cut(name, "[")
	if !ok {
		return sanitize(name)
	}
	args = short(strings.TrimSuffix(args, "]"))
	args = strings.ReplaceAll(args, "[]", "List_")
	args = strings.ReplaceAll(args, "map[", "Map_")
	args = strings.ReplaceAll(args, "*", "")
	args = strings.Trim(argSep.ReplaceAllString(args, "_"), "_")
	return sanitize(base + "_" + args)
}

func sanitize(s string) string {
	s = strings.Trim(illegal.ReplaceAllString(s, "_"), "_")
	if s == "" {
		return "Schema"
	}
	return s
}
