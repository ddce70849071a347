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
	// Filename is the name the client gave, without any directory part.
	// It is the client's word: never use it as a path on your disk as is.
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
	st.errs = append(st.errs, errEscape.at(p.loc, truncate(raw)))
	st.failed[p.id] = true
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
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return stdapi.NewError(http.StatusBadRequest, "Invalid multipart/form-data body: no boundary")
	}
	body := io.Reader(http.NoBody)
	if r.Body != nil {
		body = r.Body
	}
	mr := multipart.NewReader(&limitedReader{r: body, n: lim.MaxMultipartBytes}, params["boundary"])
	memory := lim.MaxMemory
	files, fields := 0, 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return multipartError(err, lim)
		}
		name, filename := part.FormName(), part.FileName()
		if filename != "" {
			if files++; files > lim.MaxFiles {
				return stdapi.NewError(http.StatusBadRequest, "Too many files; the limit is "+strconv.Itoa(lim.MaxFiles))
			}
			i := in.formIndex(SourceFile, name)
			if i < 0 {
				if _, err := io.Copy(io.Discard, part); err != nil {
					return multipartError(err, lim)
				}
				continue
			}
			f, err := st.saveFile(part, filename, &memory, lim)
			if err != nil {
				return err
			}
			st.formFiles[i] = append(st.formFiles[i], f)
			continue
		}
		if fields++; fields > lim.MaxFields {
			return stdapi.NewError(http.StatusBadRequest, "Too many form fields; the limit is "+strconv.Itoa(lim.MaxFields))
		}
		var b strings.Builder
		n, err := io.Copy(&b, io.LimitReader(part, lim.MaxFieldBytes+1))
		if err != nil {
			return multipartError(err, lim)
		}
		if n > lim.MaxFieldBytes {
			return tooLarge("Form field "+strconv.Quote(name), lim.MaxFieldBytes)
		}
		if i := in.formIndex(SourceForm, name); i >= 0 {
			st.formVals[i] = append(st.formVals[i], b.String())
		}
	}
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
	f := &File{Filename: filename, ContentType: part.Header.Get("Content-Type"), Header: part.Header}
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

// removeTemps deletes the request's temporary files.
func removeTemps(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}
