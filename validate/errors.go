package validate

import (
	"fmt"
	"strings"

	"github.com/stdapi/stdapi"
)

// TagError reports a bad validate tag, found when a type is compiled: an
// unknown rule, a bad parameter (min=abc), a rule that does not apply to the
// field's type (email on an int, dive on a string). It is a programming
// error, not a client error: written with stdapi.WriteError it is a 500.
type TagError struct {
	// Struct is the struct type, as reflect.Type.String() prints it.
	Struct string
	// Field is the Go field name.
	Field string
	// Tag is the field's validate tag.
	Tag string
	// Err says what is wrong.
	Err error
}

// Error returns "validate: Struct.Field: tag "...": problem".
func (e *TagError) Error() string {
	return fmt.Sprintf("validate: %s.%s: tag %q: %v", e.Struct, e.Field, e.Tag, e.Err)
}

// Unwrap returns the underlying problem.
func (e *TagError) Unwrap() error { return e.Err }

// FieldErrors lets a Validate hook return several field errors as one
// error value. Each is placed relative to the struct that was validated.
type FieldErrors []stdapi.FieldError

// Error joins the field errors with "; ".
func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}
