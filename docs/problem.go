package docs

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
)

// Component names of the error bodies stdapi.WriteError writes. They are
// written without their package (Problem, FieldError) unless a user's
// type has that name (addErrorComponents).
const (
	problemName      = "stdapi.Problem"
	fieldErrorName   = "stdapi.FieldError"
	fastAPIErrorName = "stdapi.HTTPError"
	fastAPIValidName = "stdapi.HTTPValidationError"
)

// addErrorComponents adds the error components comps to schemas, each
// under its name without "stdapi." unless that is a component already,
// and rewrites the refs to them in comps and in paths.
func addErrorComponents(schemas, comps map[string]any, paths map[string]any) {
	renamed := map[string]string{}
	for name := range comps {
		short := strings.TrimPrefix(name, "stdapi.")
		if _, taken := schemas[short]; taken {
			short = name
		}
		renamed[refPrefix+name] = refPrefix + short
	}
	for name, c := range comps {
		schemas[strings.TrimPrefix(renamed[refPrefix+name], refPrefix)] = c
		renameRefs(c, renamed)
	}
	renameRefs(paths, renamed)
}

// renameRefs replaces the $ref values of v found in renamed.
func renameRefs(v any, renamed map[string]string) {
	walkRefMaps(v, func(m map[string]any) {
		if to, ok := renamed[m["$ref"].(string)]; ok {
			m["$ref"] = to
		}
	})
}

// walkRefMaps calls fn with every object of v that has a string $ref.
func walkRefMaps(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["$ref"].(string); ok {
			fn(v)
		}
		for _, e := range v {
			walkRefMaps(e, fn)
		}
	case []any:
		for _, e := range v {
			walkRefMaps(e, fn)
		}
	}
}

// errorBodies returns the media type and component names of error bodies
// in format f: (media type, schema of any error, schema of a 422), and
// the components they need.
func errorBodies(f stdapi.Format) (media, anyError, validation string, comps map[string]any) {
	fieldError := map[string]any{
		"type":        "object",
		"description": "One problem with one input value.",
		"required":    []any{"type", "loc", "msg"},
		orderKey:      []any{"type", "loc", "msg", "input", "ctx"},
		"properties": map[string]any{
			"type": map[string]any{"type": "string", "description": "A machine-readable code, such as missing or string_too_short."},
			"loc": map[string]any{
				"type":        "array",
				"description": "Where the value is: a source (path, query, header, cookie, body, form, file), then names and indexes.",
				"items":       map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}},
			},
			"msg":   map[string]any{"type": "string", "description": "A human-readable message."},
			"input": map[string]any{"description": "The offending input, when there is one."},
			"ctx":   map[string]any{"type": "object", "additionalProperties": true, "description": "The parameters of the failed rule."},
		},
	}
	if f == stdapi.FormatFastAPI {
		return "application/json", fastAPIErrorName, fastAPIValidName, map[string]any{
			fieldErrorName: fieldError,
			fastAPIErrorName: map[string]any{
				"type":       "object",
				"required":   []any{"detail"},
				"properties": map[string]any{"detail": map[string]any{"type": "string"}},
			},
			fastAPIValidName: map[string]any{
				"type":     "object",
				"required": []any{"detail"},
				"properties": map[string]any{"detail": map[string]any{
					"type": "array", "items": map[string]any{"$ref": refPrefix + fieldErrorName},
				}},
			},
		}
	}
	return "application/problem+json", problemName, problemName, map[string]any{
		fieldErrorName: fieldError,
		problemName: map[string]any{
			"type":        "object",
			"description": "An RFC 9457 problem; a 422 lists every validation error in errors.",
			"required":    []any{"type", "title", "status"},
			orderKey:      []any{"type", "title", "status", "detail", "instance", "errors", "data"},
			"properties": map[string]any{
				"type":     map[string]any{"type": "string", "format": "uri-reference", "description": "The problem type; about:blank when the status says it all."},
				"title":    map[string]any{"type": "string"},
				"status":   map[string]any{"type": "integer", "minimum": 100, "maximum": 599},
				"detail":   map[string]any{"type": "string"},
				"instance": map[string]any{"type": "string", "format": "uri-reference"},
				"errors":   map[string]any{"type": "array", "items": map[string]any{"$ref": refPrefix + fieldErrorName}},
				"data":     map[string]any{"description": "A structured detail, any JSON value, when the error has one (stdapi.Error.Data)."},
			},
		},
	}
}

// errorExample is the body stdapi.WriteError writes for status, in the
// current format: the document's example of that error response, so that
// Swagger UI and ReDoc show what the server sends rather than values made
// up from the schema ("status": 100). A 422 lists fe; other statuses carry
// detail, the response's description when it says more than the status
// text.
func errorExample(status int, detail string, fe *stdapi.FieldError) any {
	e := stdapi.NewError(status, detail)
	if fe != nil {
		e = stdapi.ValidationError(*fe)
	}
	rec := httptest.NewRecorder()
	stdapi.WriteError(rec, nil, e)
	var v any
	if json.Unmarshal(rec.Body.Bytes(), &v) != nil {
		return nil
	}
	return v
}

// exampleFieldError is a plausible error of op's input for the 422
// example: a required input left out, or else the first that bind or
// validate rejects (a parameter outside its rules, an integer parameter
// sent as text, a JSON body that is not JSON).
func exampleFieldError(op *operation) stdapi.FieldError {
	if fe, ok := missingInput(op); ok {
		return fe
	}
	if in := op.input; in != nil {
		if fe, ok := zeroParamError(in); ok {
			return fe
		}
		for _, p := range in.Params {
			if k := deref(p.Field.Type).Kind(); k >= reflect.Int && k <= reflect.Uint64 {
				return stdapi.FieldError{Type: "int_parsing", Loc: p.Loc(),
					Msg: "Input should be a valid integer, unable to parse string as an integer", Input: "abc"}
			}
		}
		if in.BodyKind == bind.BodyJSON {
			return stdapi.FieldError{Type: "json_invalid", Loc: []any{bind.SourceBody, 1}, Msg: "JSON decode error",
				Input: map[string]any{}, Ctx: map[string]any{"error": "invalid character 'x' looking for beginning of object key string"}}
		}
		if len(in.Params) > 0 {
			return missingError(in.Params[0].Loc()...)
		}
	}
	if len(op.params) > 0 {
		return missingError(op.params[0]["in"], op.params[0]["name"])
	}
	return missingError(bind.SourceBody)
}

func missingError(loc ...any) stdapi.FieldError {
	return stdapi.FieldError{Type: "missing", Loc: loc, Msg: "Field required"}
}

// missingInput is the error for the first required input of op left out:
// a parameter (its own or a dependency's), a body field, the body.
func missingInput(op *operation) (stdapi.FieldError, bool) {
	in := op.input
	if in != nil {
		for _, p := range in.Params {
			if p.Required && p.Source != bind.SourcePath {
				return missingError(p.Loc()...), true
			}
		}
	}
	for _, p := range op.params {
		if req, _ := p["required"].(bool); req {
			return missingError(p["in"], p["name"]), true
		}
	}
	if in == nil || in.BodyKind != bind.BodyJSON {
		return stdapi.FieldError{}, false
	}
	if t := deref(in.Body.Type); t.Kind() == reflect.Struct && !isLeaf(t) {
		if plan, err := validate.Compile(t); err == nil {
			for _, f := range plan.Object().Fields {
				if f.Required {
					return missingError(bind.SourceBody, f.JSONName), true
				}
			}
		}
	}
	return missingError(bind.SourceBody), in.BodyRequired
}

// zeroParamError is the validator's error for a parameter left at its zero
// value (a path parameter outside its enum), located as bind locates it.
func zeroParamError(in *bind.Input) (stdapi.FieldError, bool) {
	var e *stdapi.Error
	if in.Type == nil || in.Type.Kind() != reflect.Struct || !errors.As(validate.Struct(reflect.New(in.Type).Interface()), &e) {
		return stdapi.FieldError{}, false
	}
	for _, fe := range e.Errors {
		for _, p := range in.Params {
			if !p.InBody && len(fe.Loc) == 1 && fe.Loc[0] == p.Field.Name {
				fe.Loc = p.Loc()
				return fe, true
			}
		}
	}
	return stdapi.FieldError{}, false
}

// problemResponse is the Response Object of an error with status: the
// error body's schema and an example whose detail is the description,
// unless that is only the status text.
func problemResponse(media, schema string, status int, description string) map[string]any {
	detail := description
	if detail == http.StatusText(status) {
		detail = ""
	}
	return map[string]any{
		"description": description,
		"content": map[string]any{media: map[string]any{
			"schema":  map[string]any{"$ref": refPrefix + schema},
			"example": errorExample(status, detail, nil),
		}},
	}
}

// validationResponse is the Response Object of op's 422: the validation
// error body and an example listing one plausible error of op's input.
func validationResponse(op *operation, media, schema, description string) map[string]any {
	fe := exampleFieldError(op)
	return map[string]any{
		"description": description,
		"content": map[string]any{media: map[string]any{
			"schema":  map[string]any{"$ref": refPrefix + schema},
			"example": errorExample(http.StatusUnprocessableEntity, "", &fe),
		}},
	}
}

// bodyErrors are the answers bind gives before it reads a body's values,
// which every operation with a body can send: 413 for a body over its
// limit (bind.Limits), 415 for a Content-Type it does not read (with
// Accept-Post listing those it does), and for forms 400 for a malformed or
// oversized form.
func bodyErrors(in *bind.Input, media, schema string) map[string]any {
	accept := "application/json"
	switch in.BodyKind {
	case bind.BodyForm:
		accept = "application/x-www-form-urlencoded, multipart/form-data"
	case bind.BodyMultipart:
		accept = "multipart/form-data"
	}
	tooLarge := problemResponse(media, schema, http.StatusRequestEntityTooLarge,
		"The request body is larger than the limit of "+strconv.Itoa(bind.DefaultMaxBodyBytes)+" bytes")
	tooLarge["description"] = "The request body is larger than the handler's limit (bind.Limits)"
	unsupported := problemResponse(media, schema, http.StatusUnsupportedMediaType,
		`Content-Type "text/plain" is not supported; send `+strings.ReplaceAll(accept, ", ", " or "))
	unsupported["description"] = "The request's Content-Type is not one the operation reads"
	unsupported["headers"] = map[string]any{"Accept-Post": map[string]any{
		"description": "The media types the operation reads.",
		"schema":      map[string]any{"type": "string", "examples": []any{accept}},
	}}
	out := map[string]any{"413": tooLarge, "415": unsupported}
	if in.BodyKind != bind.BodyJSON {
		bad := problemResponse(media, schema, http.StatusBadRequest,
			"Too many form fields; the limit is "+strconv.Itoa(bind.DefaultMaxFields))
		bad["description"] = "A malformed form, or one with more fields or files than the handler's limits"
		out["400"] = bad
	}
	return out
}
