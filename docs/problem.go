package docs

import "github.com/stdapi/stdapi"

// Component names of the error bodies stdapi.WriteError writes. They are
// qualified so that they never collide with a user's type.
const (
	problemName      = "stdapi.Problem"
	fieldErrorName   = "stdapi.FieldError"
	fastAPIErrorName = "stdapi.HTTPError"
	fastAPIValidName = "stdapi.HTTPValidationError"
)

// errorBodies returns the media type and component names of error bodies
// in format f: (media type, schema of any error, schema of a 422), and
// the components they need.
func errorBodies(f stdapi.Format) (media, anyError, validation string, comps map[string]any) {
	fieldError := map[string]any{
		"type":        "object",
		"description": "One problem with one input value.",
		"required":    []any{"type", "loc", "msg"},
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
