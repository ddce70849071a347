package docs

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
)

// built is one build of the document.
type built struct {
	gen  uint64
	data []byte
	etag string
	err  error

	// Header values shared by every response that serves this build;
	// media is the Content-Type when not application/json.
	etagHeader, lengthHeader, media []string

	// v30 is the OpenAPI 3.0.3 rendering (Document30), yaml the YAML one
	// (DocumentYAML).
	v30, yaml *built
}

// seal computes b's ETag and header values from b.data.
func (b *built) seal() {
	sum := sha256.Sum256(b.data)
	b.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	b.etagHeader = []string{b.etag}
	b.lengthHeader = []string{strconv.Itoa(len(b.data))}
}

// Document returns the OpenAPI 3.1 document as indented JSON. The same
// program gives byte-identical bytes: object keys are sorted, except a
// schema's properties, which are in Go declaration order, and component
// names do not depend on map order. The document is built once and cached;
// registering an operation makes the next call build it again. Error
// bodies are documented in the stdapi.CurrentFormat at build time.
func (a *API) Document() ([]byte, error) {
	b := a.current()
	return b.data, b.err
}

// WriteFile writes the document to path (for go generate or CI), with
// permissions 0o644.
func (a *API) WriteFile(path string) error {
	data, err := a.Document()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// current returns the build for the registered operations, building it
// when an operation was registered since the last build.
func (a *API) current() *built {
	a.mu.Lock()
	defer a.mu.Unlock()
	gen := a.gen.Load()
	if b := a.built.Load(); b != nil && b.gen == gen {
		return b
	}
	b := &built{gen: gen, v30: &built{gen: gen}, yaml: &built{gen: gen, media: yamlType}}
	doc, err := a.build()
	if err == nil {
		b.data, err = encode(doc)
		if err == nil {
			b.yaml.data, err = toYAML(doc)
		}
		if err == nil {
			b.v30.data, err = encode(render30(deepCopy(doc).(map[string]any)))
		}
		if err != nil {
			err = fmt.Errorf("docs: encoding the document: %w", err)
		}
	}
	b.err = err
	b.v30.err, b.yaml.err = b.err, b.err
	if b.err == nil {
		b.seal()
		b.v30.seal()
		b.yaml.seal()
	}
	a.built.Store(b)
	return b
}

// build makes the document; a.mu is held.
func (a *API) build() (map[string]any, error) {
	var roots []reflect.Type
	for _, op := range a.ops {
		if op.input != nil && op.input.BodyKind == bind.BodyJSON {
			roots = append(roots, op.input.Body.Type)
		}
		roots = append(roots, op.outputTypes()...)
	}
	g := newSchemaSet(roots)
	media, anyError, validation, errComps := errorBodies(stdapi.CurrentFormat())
	usedIn, usedOut := map[string]bool{}, map[string]bool{}
	paths := map[string]any{}
	used := map[string]bool{}
	for _, op := range a.ops {
		obj, err := a.operationObject(g, op, media, anyError, validation, usedIn, usedOut)
		if err != nil {
			return nil, fmt.Errorf("docs: %s: %w", op.pattern, err)
		}
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		item[methodKey(op.method)] = obj
		for _, t := range op.tags {
			used[t] = true
		}
	}
	if err := g.finish(usedIn, usedOut); err != nil {
		return nil, err
	}
	rewriteRefs(paths, func(name string) string { return refPrefix + g.outName(name) })

	schemas := g.components
	for _, op := range a.ops {
		if op.usesErrors {
			addErrorComponents(schemas, errComps, paths)
			break
		}
	}
	for _, op := range a.ops {
		if op.self != nil {
			hoistTitled(paths[op.path].(map[string]any)[methodKey(op.method)].(map[string]any), schemas)
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    a.infoObject(),
		"paths":   paths,
	}
	comps := map[string]any{}
	if len(schemas) > 0 {
		comps["schemas"] = schemas
	}
	if len(a.schemes) > 0 {
		sec := map[string]any{}
		for k, v := range a.schemes {
			sec[k] = v
		}
		comps["securitySchemes"] = sec
	}
	if len(comps) > 0 {
		doc["components"] = comps
	}
	if len(a.servers) > 0 {
		var servers []any
		for _, s := range a.servers {
			obj := map[string]any{"url": s.URL}
			if s.Description != "" {
				obj["description"] = s.Description
			}
			servers = append(servers, obj)
		}
		doc["servers"] = servers
	}
	if tags := a.tagObjects(used); len(tags) > 0 {
		doc["tags"] = tags
	}
	return doc, nil
}

// hoistTitled moves the request and response schemas of operation obj
// that have a title to components named by it, unless the name is taken
// by another schema.
func hoistTitled(obj map[string]any, schemas map[string]any) {
	var bodies []any
	if rb, ok := obj["requestBody"].(map[string]any); ok {
		bodies = append(bodies, rb)
	}
	responses, _ := obj["responses"].(map[string]any)
	for _, status := range slices.Sorted(maps.Keys(responses)) {
		bodies = append(bodies, responses[status])
	}
	for _, b := range bodies {
		bm, _ := b.(map[string]any)
		content, _ := bm["content"].(map[string]any)
		for _, media := range slices.Sorted(maps.Keys(content)) {
			mt, _ := content[media].(map[string]any)
			s, _ := mt["schema"].(map[string]any)
			title, _ := s["title"].(string)
			if title == "" {
				continue
			}
			name := sanitize(title)
			if old, taken := schemas[name]; taken && !equalJSON(old, s) {
				continue
			}
			schemas[name] = s
			mt["schema"] = map[string]any{"$ref": refPrefix + name}
		}
	}
}

// methodKey is the Path Item key of a method; methods OpenAPI 3.1 does not
// name are not representable and are kept in lowercase all the same.
func methodKey(m string) string {
	b := []byte(m)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (a *API) infoObject() map[string]any {
	info := map[string]any{"title": a.info.Title, "version": a.info.Version}
	if a.info.Title == "" {
		info["title"] = "API"
	}
	if a.info.Version == "" {
		info["version"] = "0.0.0"
	}
	set := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(info, "summary", a.info.Summary)
	set(info, "description", a.info.Description)
	set(info, "termsOfService", a.info.TermsOfService)
	if c := a.info.Contact; c != nil {
		m := map[string]any{}
		set(m, "name", c.Name)
		set(m, "url", c.URL)
		set(m, "email", c.Email)
		info["contact"] = m
	}
	if l := a.info.License; l != nil {
		m := map[string]any{"name": l.Name}
		set(m, "identifier", l.Identifier)
		set(m, "url", l.URL)
		info["license"] = m
	}
	return info
}

func (a *API) tagObjects(used map[string]bool) []any {
	var out []any
	seen := map[string]bool{}
	for _, t := range a.tags {
		if seen[t.name] {
			continue
		}
		seen[t.name] = true
		obj := map[string]any{"name": t.name}
		if t.description != "" {
			obj["description"] = t.description
		}
		out = append(out, obj)
	}
	var rest []string
	for t := range used {
		if !seen[t] {
			rest = append(rest, t)
		}
	}
	slices.Sort(rest)
	for _, t := range rest {
		out = append(out, map[string]any{"name": t})
	}
	return out
}

// operationObject is op's Operation Object. Output schemas keep
// placeholder refs, resolved once every operation is known.
func (a *API) operationObject(g *schemaSet, op *operation, media, anyError, validation string, usedIn, usedOut map[string]bool) (map[string]any, error) {
	obj := map[string]any{"operationId": op.id}
	for _, k := range []string{"summary", "description"} {
		if v, ok := op.self[k].(string); ok && v != "" {
			obj[k] = v
		}
	}
	if op.summary != "" {
		obj["summary"] = op.summary
	}
	if op.description != "" {
		obj["description"] = op.description
	}
	if len(op.tags) > 0 {
		obj["tags"] = anySlice(op.tags)
	}
	if op.deprecated {
		obj["deprecated"] = true
	}
	params, body, err := a.inputs(g, op, usedIn)
	if err != nil {
		return nil, err
	}
	if len(params) > 0 {
		obj["parameters"] = params
	}
	if body != nil {
		obj["requestBody"] = body
	} else if rb, ok := op.self["requestBody"]; ok {
		obj["requestBody"] = rb
	}
	responses := map[string]any{}
	errorResponse := func(status int, description string) {
		op.usesErrors = true
		if status == http.StatusUnprocessableEntity {
			responses["422"] = validationResponse(op, media, validation, description)
			return
		}
		responses[strconv.Itoa(status)] = problemResponse(media, anyError, status, description)
	}
	success := false
	for _, r := range op.responses {
		// 101: a WebSocket's answer to its handshake.
		if r.status >= 200 && r.status < 300 || r.status == http.StatusSwitchingProtocols {
			success = true
		}
	}
	own, _ := op.self["responses"].(map[string]any)
	for status := range own {
		if len(status) == 3 && status[0] == '2' {
			success = true
		}
	}
	if op.typed || op.output != nil || !success {
		resp := map[string]any{"description": statusText(op.status, "")}
		if op.streamMedia != "" {
			content, err := streamContent(g, op, usedOut)
			if err != nil {
				return nil, err
			}
			resp["content"] = content
		} else if op.output != nil && bodyAllowed(op.status) {
			s, err := g.root(op.output, nil, modeOut)
			if err != nil {
				return nil, err
			}
			collect(usedOut, outRefs(s))
			mt := map[string]any{"schema": s}
			addExamples(mt, op.responseExamples, op.status)
			resp["content"] = map[string]any{"application/json": mt}
		}
		responses[strconv.Itoa(op.status)] = resp
	}
	if op.hasInputs() {
		errorResponse(http.StatusUnprocessableEntity, "Validation Error")
	}
	if op.input != nil && op.input.BodyKind != bind.BodyNone {
		op.usesErrors = true
		for status, resp := range bodyErrors(op.input, media, anyError) {
			responses[status] = resp
		}
	}
	if len(op.security) > 0 {
		errorResponse(http.StatusUnauthorized, "Not authenticated")
		for _, s := range op.security {
			if len(s.scopes) > 0 {
				errorResponse(http.StatusForbidden, "Not enough permissions")
				break
			}
		}
		req := map[string]any{}
		for _, s := range op.security {
			req[s.name] = anySlice(s.scopes)
		}
		obj["security"] = []any{req}
	}
	for status, resp := range own {
		responses[status] = resp // the handler knows its answers better than the defaults
	}
	for _, r := range op.responses {
		desc := statusText(r.status, r.description)
		switch {
		case r.body != nil:
			s, err := g.root(r.body, nil, modeOut)
			if err != nil {
				return nil, err
			}
			collect(usedOut, outRefs(s))
			mt := map[string]any{"schema": s}
			addExamples(mt, op.responseExamples, r.status)
			responses[strconv.Itoa(r.status)] = map[string]any{"description": desc, "content": map[string]any{"application/json": mt}}
		case r.media != "":
			responses[strconv.Itoa(r.status)] = map[string]any{"description": desc, "content": map[string]any{
				r.media: map[string]any{"schema": map[string]any{"type": "string"}},
			}}
		case r.status >= 400:
			errorResponse(r.status, desc)
		default:
			responses[strconv.Itoa(r.status)] = map[string]any{"description": desc}
		}
	}
	addHeaders(responses, op)
	obj["responses"] = responses
	return obj, nil
}

// parameters lists op's parameters: its input's (or its pattern's path
// wildcards), then those of its dependencies, typed then declared, each
// once.
func (op *operation) parameters() []any {
	var params []any
	seen := map[string]bool{}
	add := func(in, name string, p any) {
		if key := in + "\x00" + name; !seen[key] {
			seen[key] = true
			params = append(params, p)
		}
	}
	if op.input != nil {
		addBound(op.input, add)
	} else {
		for _, n := range op.pathNames {
			add("path", n, map[string]any{"name": n, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, din := range op.depInputs {
		addBound(din, add)
	}
	for _, p := range op.params {
		in, _ := p["in"].(string)
		name, _ := p["name"].(string)
		add(in, name, p)
	}
	return params
}

// addBound adds the path, query, header and cookie parameters of in.
func addBound(in *bind.Input, add func(in, name string, p any)) {
	for _, p := range in.Params {
		switch p.Source {
		case bind.SourcePath, bind.SourceQuery, bind.SourceHeader, bind.SourceCookie:
			add(p.Source, p.Name, parameter(p))
		}
	}
}

// inputs documents the parameters and the request body of op.
func (a *API) inputs(g *schemaSet, op *operation, usedIn map[string]bool) ([]any, map[string]any, error) {
	params := op.parameters()
	in := op.input
	if in == nil || in.BodyKind == bind.BodyNone {
		return params, nil, nil
	}
	body := map[string]any{}
	content := map[string]any{}
	switch in.BodyKind {
	case bind.BodyJSON:
		s, err := g.root(in.Body.Type, bodyRules(in), modeIn)
		if err != nil {
			return nil, nil, err
		}
		collect(usedIn, inRefs(s))
		mt := map[string]any{"schema": s}
		addExamples(mt, op.examples, 0)
		content["application/json"] = mt
		if in.BodyRequired {
			body["required"] = true
		}
	default:
		s, required := formSchema(in)
		if in.BodyKind == bind.BodyForm {
			content["application/x-www-form-urlencoded"] = map[string]any{"schema": s}
		}
		content["multipart/form-data"] = map[string]any{"schema": deepCopy(s)}
		if required {
			body["required"] = true
		}
	}
	body["content"] = content
	return params, body, nil
}

func bodyRules(in *bind.Input) *validate.Value {
	for _, f := range in.Validation.Object().Fields {
		if f.Name == in.Body.Name && slices.Equal(f.Index, in.Body.Index) {
			v := f.Value
			return &v
		}
	}
	return nil
}

func addExamples(mt map[string]any, examples []example, status int) {
	ex := map[string]any{}
	for _, e := range examples {
		if e.status == status {
			ex[e.name] = map[string]any{"value": e.value}
		}
	}
	if len(ex) > 0 {
		mt["examples"] = ex
	}
}

func collect(set map[string]bool, names []string) {
	for _, n := range names {
		set[n] = true
	}
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func statusText(status int, description string) string {
	if description != "" {
		return description
	}
	if status >= 200 && status < 300 {
		return "Successful Response"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Response " + strconv.Itoa(status)
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
