package bind

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/stdapi/stdapi"
)

// A scalar decodes one text value (a query parameter, a header, a form
// field...) into the value at p, whose type it was compiled for. It returns
// a failure without loc and input, which the caller adds.
type scalar func(p unsafe.Pointer, s string) *failure

// failure is a field error before it is located.
type failure struct {
	typ, msg string
	ctx      map[string]any
}

func (f *failure) at(loc []any, input any) stdapi.FieldError {
	return stdapi.FieldError{Type: f.typ, Loc: loc, Msg: f.msg, Input: input, Ctx: f.ctx}
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
)

var (
	errInt      = &failure{typ: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer"}
	errFloat    = &failure{typ: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number"}
	errBool     = &failure{typ: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input"}
	errDatetime = &failure{typ: "datetime_parsing", msg: "Input should be a valid datetime in RFC 3339 format"}
	errDuration = &failure{typ: "time_delta_parsing", msg: "Input should be a valid duration such as 1h30m"}
)

// scalarFor compiles the decoder of one text value into a t. It reports
// false when t cannot be read from text.
func scalarFor(t reflect.Type) (scalar, bool) {
	if dec, ok := methodScalar(t); ok {
		return dec, true
	}
	return kindScalar(t)
}

// methodScalar compiles the decoders of types read by their own rules:
// time.Time, time.Duration, encoding.TextUnmarshaler.
func methodScalar(t reflect.Type) (scalar, bool) {
	switch {
	case t == timeType:
		return func(p unsafe.Pointer, s string) *failure {
			v, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return errDatetime
			}
			*(*time.Time)(p) = v
			return nil
		}, true
	case t == durationType:
		return func(p unsafe.Pointer, s string) *failure {
			v, err := time.ParseDuration(s)
			if err != nil {
				return errDuration
			}
			*(*time.Duration)(p) = v
			return nil
		}, true
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return func(p unsafe.Pointer, s string) *failure {
			u := reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler)
			if err := u.UnmarshalText([]byte(s)); err != nil {
				return &failure{typ: "value_error", msg: "Value error, " + err.Error()}
			}
			return nil
		}, true
	}
	return nil, false
}

// kindScalar compiles the decoders of strings, booleans and numbers.
func kindScalar(t reflect.Type) (scalar, bool) {
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer, s string) *failure {
			*(*string)(p) = s
			return nil
		}, true
	case reflect.Bool:
		return func(p unsafe.Pointer, s string) *failure {
			v, ok := parseBool(s)
			if !ok {
				return errBool
			}
			*(*bool)(p) = v
			return nil
		}, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intScalar(t.Bits()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		bits := t.Bits()
		return func(p unsafe.Pointer, s string) *failure {
			if f := checkUint(s, bits); f != nil {
				return f
			}
			v, _ := strconv.ParseUint(s, 10, 64)
			setUint(p, bits, v)
			return nil
		}, true
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(p unsafe.Pointer, s string) *failure {
			v, err := strconv.ParseFloat(s, bits)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				// NaN, Inf and values that overflow the type are not
				// numbers a JSON Schema could describe.
				return errFloat
			}
			if bits == 32 {
				*(*float32)(p) = float32(v)
			} else {
				*(*float64)(p) = v
			}
			return nil
		}, true
	}
	return nil, false
}

// intScalar compiles the decoder of a signed integer of the given size.
func intScalar(bits int) scalar {
	lo, hi := intRange(bits)
	return func(p unsafe.Pointer, s string) *failure {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if isRangeError(err) {
				return outOfRange(s, lo, hi)
			}
			return errInt
		}
		if v < lo || v > hi {
			return outOfRange(s, lo, hi)
		}
		setInt(p, bits, v)
		return nil
	}
}

// parseBool accepts what pydantic accepts for booleans.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "true", "t", "yes", "y", "on":
		return true, true
	case "0", "false", "f", "no", "n", "off":
		return false, true
	}
	return false, false
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func intRange(bits int) (lo, hi int64) {
	hi = int64(uint64(math.MaxUint64) >> (65 - bits))
	return -hi - 1, hi
}

// outOfRange reports an integer that does not fit its Go type as the bound
// it crossed, as the documented minimum and maximum of the type say.
func outOfRange(s string, lo, hi int64) *failure {
	if strings.HasPrefix(s, "-") {
		return &failure{typ: "greater_than_equal", msg: fmt.Sprintf("Input should be greater than or equal to %d", lo), ctx: map[string]any{"ge": lo}}
	}
	return &failure{typ: "less_than_equal", msg: fmt.Sprintf("Input should be less than or equal to %d", hi), ctx: map[string]any{"le": hi}}
}

// checkUint reports s when it is not an unsigned integer of the given size.
func checkUint(s string, bits int) *failure {
	if strings.HasPrefix(s, "-") {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil || isRangeError(err) {
			return &failure{typ: "greater_than_equal", msg: "Input should be greater than or equal to 0", ctx: map[string]any{"ge": 0}}
		}
		return errInt
	}
	hi := uint64(math.MaxUint64) >> (64 - bits)
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil && !isRangeError(err) {
		return errInt
	}
	if err != nil || v > hi {
		return &failure{typ: "less_than_equal", msg: "Input should be less than or equal to " + strconv.FormatUint(hi, 10), ctx: map[string]any{"le": hi}}
	}
	return nil
}

func setInt(p unsafe.Pointer, bits int, v int64) {
	switch bits {
	case 8:
		*(*int8)(p) = int8(v)
	case 16:
		*(*int16)(p) = int16(v)
	case 32:
		*(*int32)(p) = int32(v)
	default:
		*(*int64)(p) = v
	}
}

func setUint(p unsafe.Pointer, bits int, v uint64) {
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(v)
	case 16:
		*(*uint16)(p) = uint16(v)
	case 32:
		*(*uint32)(p) = uint32(v)
	default:
		*(*uint64)(p) = v
	}
}

// A setter stores text values into v, a settable field. On failure it
// adds located field errors to errs and reports false.
type setter func(v reflect.Value, vals []string, loc []any, errs *errorList) bool

// setterFor compiles the setter of a parameter of type t: a scalar, a
// pointer to one (set only when a value is sent), or a slice of them
// (repeated values, or one comma-separated value when explode is false).
func setterFor(t reflect.Type, explode bool) (setter, error) {
	if dec, ok := scalarFor(t); ok {
		return func(v reflect.Value, vals []string, loc []any, errs *errorList) bool {
			if f := dec(v.Addr().UnsafePointer(), vals[0]); f != nil {
				errs.fail(f, loc, truncate(vals[0]))
				return false
			}
			return true
		}, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := t.Elem()
		dec, ok := scalarFor(elem)
		if !ok {
			return nil, fmt.Errorf("unsupported type %s", t)
		}
		return func(v reflect.Value, vals []string, loc []any, errs *errorList) bool {
			e := reflect.New(elem)
			if f := dec(e.UnsafePointer(), vals[0]); f != nil {
				errs.fail(f, loc, truncate(vals[0]))
				return false
			}
			v.Set(e)
			return true
		}, nil
	case reflect.Slice:
		elem := t.Elem()
		dec, ok := scalarFor(elem)
		if !ok || elem.Kind() == reflect.Uint8 {
			return nil, fmt.Errorf("unsupported type %s", t)
		}
		return func(v reflect.Value, vals []string, loc []any, errs *errorList) bool {
			if !explode {
				vals = splitComma(vals)
			}
			s := reflect.MakeSlice(t, len(vals), len(vals))
			ok := true
			for i, val := range vals {
				if f := dec(s.Index(i).Addr().UnsafePointer(), val); f != nil {
					ok = false
					if errs.full() {
						errs.omitted++ // no loc built for an error not listed
						continue
					}
					errs.fail(f, append(slices.Clip(loc), i), truncate(val))
				}
			}
			if ok {
				v.Set(s)
			}
			return ok
		}, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t)
}

// splitComma splits each value on commas, trimming spaces around items.
func splitComma(vals []string) []string {
	var out []string
	for _, v := range vals {
		for item := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(item))
		}
	}
	return out
}

// maxInput bounds the input echoed in a field error.
const maxInput = 128

// truncate shortens s for echoing, on a rune boundary, marking the cut.
func truncate(s string) string {
	if len(s) <= maxInput {
		return s
	}
	cut := maxInput
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
