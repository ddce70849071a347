package bind

import (
	"slices"
	"strconv"

	"github.com/stdapi/stdapi"
)

// errorList collects the field errors of one request, at most max of them:
// past that, errors are only counted, so that neither the work nor the 422
// grows with a hostile request.
type errorList struct {
	list    []stdapi.FieldError
	max     int
	omitted int // errors found past max
}

// full reports whether the list holds max errors: a caller about to build an
// error (its loc, its input) can count it instead.
func (e *errorList) full() bool { return len(e.list) >= e.max }

// add appends fe, or counts it when the list is full.
func (e *errorList) add(fe stdapi.FieldError) {
	if e.full() {
		e.omitted++
		return
	}
	e.list = append(e.list, fe)
}

// fail adds the failure f at loc with the input echoed.
func (e *errorList) fail(f *failure, loc []any, input any) {
	if e.full() {
		e.omitted++
		return
	}
	e.list = append(e.list, f.at(loc, input))
}

// result returns nil, or the 422 listing the errors: path, query, header,
// cookie, then body, as FastAPI orders them. When some were omitted the
// detail says so ("100+ validation errors") and the member "omitted" counts
// the errors found past the cap; binding stops looking once the list is
// full, so there may be more.
func (e *errorList) result() error {
	if len(e.list) == 0 {
		return nil
	}
	errs := slices.Clone(e.list)
	slices.SortStableFunc(errs, func(a, b stdapi.FieldError) int {
		return sourceRank(a.Loc) - sourceRank(b.Loc)
	})
	err := stdapi.ValidationError(errs...)
	if e.omitted > 0 {
		err.Detail = strconv.Itoa(len(errs)) + "+ validation errors"
		err.Extensions = map[string]any{"omitted": e.omitted}
	}
	return err
}

// sourceRank orders errors as FastAPI does: path, query, header, cookie,
// then the body.
func sourceRank(loc []any) int {
	if len(loc) == 0 {
		return 9
	}
	switch loc[0] {
	case SourcePath:
		return 0
	case SourceQuery:
		return 1
	case SourceHeader:
		return 2
	case SourceCookie:
		return 3
	}
	return 4
}
