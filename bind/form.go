package bind

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/stdapi/stdapi"
)

// File is one uploaded file of a multipart/form-data body, the twin of
// FastAPI's UploadFile. Its content stays in memory up to Limits.MaxMemory
// per request and spills to a temporary file beyond; temporary files are
// removed when the request ends.
type File struct {
	// Filename is the last element of the name the client gave: everything
	// up to the last "/" or "\\" and a drive letter such as "C:" are
	// removed, and a name that is then empty, "." or ".." becomes "". It is
	// still the client's word (any other byte may be in it): never use it
	// as a path on your disk as is. The name as sent is in Header's
	// Content-Disposition.
	Filename string
	// ContentType is the part's Content-Type, "" when the client sent none.
	ContentType string
	// Size is the content's length in bytes.
	Size int64
	// Header holds the part's MIME headers.
	Header textproto.MIMEHeader

	data []byte
	path string
}

// Open returns a reader of the file's content. Close it when done.
func (f *File) Open() (multipart.File, error) {
	if f.path != "" {
		return os.Open(f.path)
	}
	return memFile{bytes.NewReader(f.data)}, nil
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// fileSetter compiles how files are stored into a field of type t.
func fileSetter(t reflect.Type) (func(v reflect.Value, files []*File), error) {
	switch t {
	case fileType:
		return func(v reflect.Value, files []*File) { v.Set(reflect.ValueOf(files[0])) }, nil
	case reflect.SliceOf(fileType):
		return func(v reflect.Value, files []*File) { v.Set(reflect.ValueOf(files)) }, nil
	case fileHeader, reflect.SliceOf(fileHeader):
		return nil, fmt.Errorf("use *bind.File instead of %s: bind enforces upload limits while it reads, which multipart.Form cannot", t)
	}
	return nil, fmt.Errorf("a file field must be *bind.File or []*bind.File, not %s", t)
}

// bindForm reads an urlencoded or multipart body into the form fields,
// top-level or in Body.
func (st *state) bindForm(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	ct := contentType(r)
	mt := mediaType(ct)
	switch {
	case mt == mediaForm || mt == mediaMultipart:
	case ct == "" && r.ContentLength == 0:
		// No body at all: every form field is missing.
	case in.BodyKind == BodyMultipart:
		return unsupported(mt, mediaMultipart)
	default:
		return unsupported(mt, mediaForm, mediaMultipart)
	}
	base := v
	if !in.formTop {
		st.form.init(len(in.bodyObj.Fields))
		st.top.mark(in.bodyPos, true, &st.form)
		base = v.FieldByIndex(in.bodyIndex)
	}
	if mt != "" {
		if err := st.readForm(in, r, mt, lim); err != nil {
			return err
		}
	}
	for i, p := range in.form {
		st.setForm(i, p, base.FieldByIndex(p.index))
	}
	return nil
}

// setForm stores what was sent for the form field p, the i-th of the
// input's, into its field f.
func (st *state) setForm(i int, p *Param, f reflect.Value) {
	level := st.levelOf(p)
	switch {
	case level.failed(p.pos):
	case p.Source == SourceFile:
		if files := st.formFiles[i]; len(files) > 0 {
			level.mark(p.pos, true, nil)
			p.setFile(f, files)
		}
	case len(st.formVals[i]) > 0:
		st.raw[p.id] = st.formVals[i]
		level.mark(p.pos, true, nil)
		if !p.set(f, st.formVals[i], p.loc, &st.errs) {
			level.setKid(p.pos, failed)
		}
	}
}

// levelOf returns the presence of the struct holding the form field p.
func (st *state) levelOf(p *Param) *node {
	if p.InBody {
		return &st.form
	}
	return &st.top
}

// pairs calls fn for each key=value pair of an urlencoded string, unescaped.
// A pair whose key cannot be unescaped is skipped; a value that cannot be
// unescaped is passed raw with ok false. It stops when fn returns false.
func pairs(raw string, fn func(key, value string, ok bool) bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		if !fn(key, value, err == nil) {
			return
		}
	}
}

var errEscape = &failure{typ: "value_error", msg: "Value error, invalid URL escape"}

// readForm reads an urlencoded or multipart body into st.formVals and
// st.formFiles, enforcing the limits.
func (st *state) readForm(in *Input, r *http.Request, mt string, lim Limits) error {
	if mt == mediaMultipart {
		return st.readMultipart(in, r, lim)
	}
	if in.hasFiles {
		return unsupported(mt, mediaMultipart)
	}
	if err := readAll(r, &st.buf, lim.MaxBodyBytes); err != nil {
		return err
	}
	n := 0
	var err error
	pairs(st.buf.String(), func(key, value string, ok bool) bool {
		if n++; n > lim.MaxFields {
			err = stdapi.NewError(http.StatusBadRequest, "Too many form fields; the limit is "+strconv.Itoa(lim.MaxFields))
			return false
		}
		if i := in.formIndex(SourceForm, key); i >= 0 {
			if !ok {
				st.escapeErrs(in.form[i], value)
				return true
			}
			st.formVals[i] = append(st.formVals[i], value)
		}
		return true
	})
	return err
}

func (st *state) escapeErrs(p *Param, raw string) {
	st.errs.fail(errEscape, p.loc, truncate(raw))
	st.levelOf(p).mark(p.pos, true, failed)
}

// formIndex returns the index in in.form of the field named name, or -1.
func (in *Input) formIndex(source, name string) int {
	for i, p := range in.form {
		if p.Source == source && p.Name == name {
			return i
		}
	}
	return -1
}

var errBodyLimit = errors.New("bind: multipart body over its limit")

// limitedReader fails with errBodyLimit past n bytes.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errBodyLimit
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func (st *state) readMultipart(in *Input, r *http.Request, lim Limits) error {
	if r.ContentLength > lim.MaxMultipartBytes {
		return tooLarge("The request body", lim.MaxMultipartBytes)
	}
	_, params, err := mime.ParseMediaType(contentType(r))
	if err != nil || params["boundary"] == "" {
		return stdapi.NewError(http.StatusBadRequest, "Invalid multipart/form-data body: no boundary")
	}
	body := io.Reader(http.NoBody)
	if r.Body != nil {
		body = r.Body
	}
	mr := multipart.NewReader(&limitedReader{r: body, n: lim.MaxMultipartBytes}, params["boundary"])
	mp := multipartState{memory: lim.MaxMemory}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return multipartError(err, lim)
		}
		if part.FileName() != "" {
			err = st.filePart(in, part, &mp, lim)
		} else {
			err = st.fieldPart(in, part, &mp, lim)
		}
		if err != nil {
			return err
		}
	}
}

// multipartState is what one multipart body has used of its limits.
type multipartState struct {
	memory        int64 // left for files in memory
	files, fields int
}

// filePart reads a part that carries a file.
func (st *state) filePart(in *Input, part *multipart.Part, mp *multipartState, lim Limits) error {
	if mp.files++; mp.files > lim.MaxFiles {
		return stdapi.NewError(http.StatusBadRequest, "Too many files; the limit is "+strconv.Itoa(lim.MaxFiles))
	}
	i := in.formIndex(SourceFile, part.FormName())
	if i < 0 {
		if _, err := io.Copy(io.Discard, part); err != nil {
			return multipartError(err, lim)
		}
		return nil
	}
	f, err := st.saveFile(part, part.FileName(), &mp.memory, lim)
	if err != nil {
		return err
	}
	st.formFiles[i] = append(st.formFiles[i], f)
	return nil
}

// fieldPart reads a part that carries a form field.
func (st *state) fieldPart(in *Input, part *multipart.Part, mp *multipartState, lim Limits) error {
	if mp.fields++; mp.fields > lim.MaxFields {
		return stdapi.NewError(http.StatusBadRequest, "Too many form fields; the limit is "+strconv.Itoa(lim.MaxFields))
	}
	var b strings.Builder
	n, err := io.Copy(&b, io.LimitReader(part, lim.MaxFieldBytes+1))
	if err != nil {
		return multipartError(err, lim)
	}
	name := part.FormName()
	if n > lim.MaxFieldBytes {
		return tooLarge("Form field "+strconv.Quote(name), lim.MaxFieldBytes)
	}
	if i := in.formIndex(SourceForm, name); i >= 0 {
		st.formVals[i] = append(st.formVals[i], b.String())
	}
	return nil
}

func multipartError(err error, lim Limits) error {
	if errors.Is(err, errBodyLimit) {
		return tooLarge("The request body", lim.MaxMultipartBytes)
	}
	return &stdapi.Error{Status: http.StatusBadRequest, Detail: "Invalid multipart/form-data body", Err: err}
}

// saveFile reads one file part, in memory while the request's memory budget
// lasts and into a temporary file beyond.
func (st *state) saveFile(part *multipart.Part, filename string, memory *int64, lim Limits) (*File, error) {
	f := &File{Filename: baseName(filename), ContentType: part.Header.Get("Content-Type"), Header: part.Header}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(part, *memory+1))
	if err != nil {
		return nil, multipartError(err, lim)
	}
	if n <= *memory {
		*memory -= n
		f.data, f.Size = buf.Bytes(), n
		return f, nil
	}
	tmp, err := os.CreateTemp("", "stdapi-upload-*")
	if err != nil {
		return nil, &stdapi.Error{Status: http.StatusInternalServerError, Err: err}
	}
	f.path = tmp.Name()
	st.temps = append(st.temps, f.path)
	size, err := io.Copy(tmp, io.MultiReader(&buf, part))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, multipartError(err, lim)
	}
	*memory = 0
	f.Size = size
	return f, nil
}

// baseName returns the last element of a client's file name, whatever the
// client's separators: "/" or "\\", and a drive letter. Names that would
// mean a directory become "".
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		name = name[2:]
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// removeTemps deletes the request's temporary files.
func removeTemps(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}
