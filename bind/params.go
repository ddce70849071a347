package bind

import (
	"net/http"
	"reflect"
)

// bindParams fills the path, query, header and cookie parameters.
func (st *state) bindParams(in *Input, r *http.Request, v reflect.Value) {
	for _, p := range in.path {
		if s := r.PathValue(p.Name); s != "" {
			st.one[0] = s
			st.setParam(p, v, st.one[:])
		}
	}
	if (len(in.query) > 0 || in.forbidQuery) && r.URL.RawQuery != "" {
		st.bindQuery(in, v, r.URL.RawQuery)
	}
	for _, p := range in.header {
		if vals := r.Header[p.key]; len(vals) > 0 {
			st.setParam(p, v, vals)
		}
	}
	for _, p := range in.cookie {
		if cs := r.CookiesNamed(p.Name); len(cs) > 0 {
			vals := make([]string, len(cs))
			for i, c := range cs {
				vals[i] = c.Value
			}
			st.setParam(p, v, vals)
		}
	}
}

// setParam decodes a parameter's values into its field; a value that does
// not decode is reported, and validate skips it.
func (st *state) setParam(p *Param, v reflect.Value, vals []string) {
	st.raw[p.id] = append(st.raw[p.id][:0], vals...)
	st.top.mark(p.pos, true, nil)
	if !p.set(v.FieldByIndex(p.index), vals, p.loc, &st.errs) {
		st.top.setKid(p.pos, failed)
	}
}

// bindQuery scans the raw query once for the input's query parameters. A
// scalar takes the first value sent; a slice takes them all, in order.
func (st *state) bindQuery(in *Input, v reflect.Value, raw string) {
	st.queryVals = resizeLists(st.queryVals, len(in.query))
	vals := st.queryVals
	pairs(raw, func(key, value string, ok bool) bool {
		i := in.queryIndex(key)
		switch {
		case i < 0 && in.forbidQuery:
			st.errs.fail(errExtra, []any{SourceQuery, truncate(key)}, truncate(value))
		case i < 0:
		case !ok:
			st.errs.fail(errEscape, in.query[i].loc, truncate(value))
			st.top.mark(in.query[i].pos, true, failed)
		case len(vals[i]) == 0 || in.query[i].Field.Type.Kind() == reflect.Slice:
			vals[i] = append(vals[i], value)
		}
		return true
	})
	for i, p := range in.query {
		switch {
		case st.top.failed(p.pos):
		case len(vals[i]) > 0:
			st.setParam(p, v, vals[i])
		}
	}
}

// queryIndex returns the index in in.query of the parameter named key, or
// -1.
func (in *Input) queryIndex(key string) int {
	for i, p := range in.query {
		if p.Name == key {
			return i
		}
	}
	return -1
}
