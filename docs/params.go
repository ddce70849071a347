package docs

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
)

// durationPattern matches what time.ParseDuration accepts (overflow
// aside): the text form of a time.Duration in parameters and forms.
const durationPattern = `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// parameter is the OpenAPI Parameter Object of a path, query, header or
// cookie parameter.
func parameter(p *bind.Param) map[string]any {
	obj := map[string]any{
		"name":   p.Name,
		"in":     p.Source,
		"schema": textSchema(p),
	}
	if p.Required {
		obj["required"] = true
	}
	if d := p.Field.Tag.Get("doc"); d != "" {
		obj["description"] = d
	}
	if isList(p.Field.Type) {
		switch {
		case p.Source == bind.SourceQuery && !p.Explode:
			obj["explode"] = false
		case p.Source == bind.SourceHeader && p.Explode:
			obj["description"] = join(obj["description"], "Send one header line per value.")
		case p.Source == bind.SourceCookie:
			obj["description"] = join(obj["description"], "Send one cookie per value.")
		}
	}
	if e, ok := p.Field.Tag.Lookup("example"); ok {
		obj["example"] = exampleValue(e, deref(p.Field.Type))
	}
	return obj
}

func join(old any, s string) string {
	if o, _ := old.(string); o != "" {
		return o + " " + s
	}
	return s
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isList(t reflect.Type) bool {
	t = deref(t)
	return t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8
}

// textSchema is the schema of a value read from text (a parameter or a
// form field): its type as bind parses it, its rules and its default.
func textSchema(p *bind.Param) map[string]any {
	if p.Source == bind.SourceFile {
		file := map[string]any{"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
		if deref(p.Field.Type).Kind() == reflect.Slice {
			s := map[string]any{"type": "array", "items": file}
			applyRules(s, &p.Rules.Value)
			return s
		}
		return file
	}
	t := deref(p.Field.Type)
	v := p.Rules.Value
	var s map[string]any
	if isList(t) {
		s = map[string]any{"type": "array", "items": scalarText(t.Elem(), v.Items)}
		applyRules(s, &v)
	} else {
		s = scalarText(t, &v)
	}
	if p.HasDefault {
		s["default"] = defaultValue(p.Default, t)
	}
	if v.OmitEmpty && hasRuleKeywords(&v) && t.Kind() != reflect.Slice && p.Field.Type.Kind() != reflect.Pointer {
		if zero, ok := zeroJSON(t); ok {
			wrapped := map[string]any{"anyOf": []any{map[string]any{"const": zero}, s}}
			if d, ok := s["default"]; ok {
				wrapped["default"] = d
				delete(s, "default")
			}
			return wrapped
		}
	}
	return s
}

// scalarText is the schema of one text value of type t with rules v.
func scalarText(t reflect.Type, v *validate.Value) map[string]any {
	t = deref(t)
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t == durationType:
		// Rules compare nanoseconds, which the text form cannot show as
		// keywords: list them instead.
		s = map[string]any{"type": "string", "pattern": durationPattern, "description": "A duration such as 1h30m or 250ms."}
		if v != nil {
			var notes []string
			for _, c := range v.Rules {
				notes = append(notes, ruleText(c))
			}
			addNotes(s, notes)
		}
		return s
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		s = map[string]any{"type": "string"}
	default:
		switch t.Kind() {
		case reflect.String:
			s = map[string]any{"type": "string"}
		case reflect.Bool:
			s = map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			s = map[string]any{"type": "integer"}
		case reflect.Float32, reflect.Float64:
			s = map[string]any{"type": "number"}
		default:
			s = map[string]any{}
		}
		numberRange(s, t)
	}
	if v != nil {
		applyRules(s, v)
	}
	return s
}

// defaultValue is a default tag as the JSON value bind sets: a list for
// slices (comma-separated), a number, a boolean or a string.
func defaultValue(def string, t reflect.Type) any {
	if isList(t) {
		var out []any
		for item := range strings.SplitSeq(def, ",") {
			out = append(out, scalarDefault(item, t.Elem()))
		}
		return out
	}
	return scalarDefault(def, t)
}

func scalarDefault(s string, t reflect.Type) any {
	t = deref(t)
	if t == durationType || t == timeType || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return s
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v
		}
	case reflect.Float32, reflect.Float64:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "1", "true", "t", "yes", "y", "on":
			return true
		case "0", "false", "f", "no", "n", "off":
			return false
		}
	}
	return s
}

// formSchema is the schema of a urlencoded or multipart body: one property
// per form or file field.
func formSchema(in *bind.Input) (schema map[string]any, required bool) {
	props := map[string]any{}
	var req, order []any
	for _, p := range in.Params {
		if p.Source != bind.SourceForm && p.Source != bind.SourceFile {
			continue
		}
		order = append(order, p.Name)
		s := textSchema(p)
		if d := p.Field.Tag.Get("doc"); d != "" {
			s["description"] = d
		}
		if e, ok := p.Field.Tag.Lookup("example"); ok && p.Source == bind.SourceForm {
			s["examples"] = []any{exampleValue(e, deref(p.Field.Type))}
		}
		props[p.Name] = s
		if p.Required {
			req = append(req, p.Name)
		}
	}
	schema = map[string]any{"type": "object", "properties": props, orderKey: order}
	if len(req) > 0 {
		schema["required"] = req
	}
	return schema, len(req) > 0
}
