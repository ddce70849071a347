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

// result returns nil, or the 422 listing the errors in the order FastAPI
// (pydantic) reports them: path, query, header, cookie, then body; within
// each, in the declaration order of the fields they are about, then by
// index (see order). When some were omitted the
// detail says so ("100+ validation errors") and the member "omitted" counts
// the errors found past the cap; binding stops looking once the list is
// full, so there may be more.
func (e *errorList) result(in *Input) error {
	if len(e.list) == 0 {
		return nil
	}
	err := stdapi.ValidationError(in.order(e.list)...)
	if e.omitted > 0 {
		err.Detail = strconv.Itoa(len(e.list)) + "+ validation errors"
		err.Extensions = map[string]any{"omitted": e.omitted}
	}
	return err
}

// order returns a copy of errs sorted by their place in the input: the
// decoder finds type errors in document order and validate its errors in
// field order afterwards; pydantic reports both together, field by field.
// Map entries keep the order they were found in.
func (in *Input) order(errs []stdapi.FieldError) []stdapi.FieldError {
	out := slices.Clone(errs)
	if len(out) < 2 || in.inOrder(errs) {
		return out
	}
	type keyed struct {
		key []int
		fe  stdapi.FieldError
	}
	ks := make([]keyed, len(errs))
	buf := make([]int, 0, 4*len(errs)) // one backing array for every key
	for i, fe := range errs {
		from := len(buf)
		buf = in.orderKey(buf, fe.Loc)
		ks[i] = keyed{buf[from:len(buf):len(buf)], fe}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return slices.Compare(a.key, b.key) })
	for i, k := range ks {
		out[i] = k.fe
	}
	return out
}

// inOrder reports whether errs are already sorted, as they usually are: it
// compares neighbours' keys in two small buffers, without the allocations
// of a sort.
func (in *Input) inOrder(errs []stdapi.FieldError) bool {
	var a, b [16]int
	prev, cur := in.orderKey(a[:0], errs[0].Loc), b[:0]
	for _, fe := range errs[1:] {
		cur = in.orderKey(cur[:0], fe.Loc)
		if slices.Compare(prev, cur) > 0 {
			return false
		}
		prev, cur = cur, prev
	}
	return true
}

// orderKey appends the sort key of an error at loc to key: its source's
// rank, then the position of each step (a field's declaration index, an
// element's index).
func (in *Input) orderKey(key []int, loc []any) []int {
	key = append(key, sourceRank(loc))
	if len(loc) < 2 {
		return key
	}
	if p := in.byLoc[[2]any{loc[0], loc[1]}]; p != nil {
		key = append(key, p.pos)
		for _, el := range loc[2:] {
			if i, ok := el.(int); ok {
				key = append(key, i)
			}
		}
		return key
	}
	switch {
	case loc[0] == SourceBody && in.bodyShape != nil:
		key = in.bodyShape.orderKey(key, loc[1:])
	case sourceRank(loc) < sourceRank([]any{SourceBody}):
		key = append(key, len(in.Params)) // an unknown parameter: after the known ones
	}
	return key
}

// orderKey appends the positions of the steps of loc along sh to key.
func (sh *shape) orderKey(key []int, loc []any) []int {
	for _, el := range loc {
		for sh.kind == shapePointer {
			sh = sh.elem
		}
		switch sh.kind {
		case shapeStruct:
			name, _ := el.(string)
			i := sh.lookup([]byte(name))
			if i < 0 {
				return append(key, len(sh.fields)) // an unknown key: after the fields
			}
			key, sh = append(key, i), sh.fields[i]
		case shapeList:
			i, _ := el.(int)
			key, sh = append(key, i), sh.elem
		case shapeMap:
			key, sh = append(key, 0), sh.elem
		default:
			return key
		}
	}
	return key
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
