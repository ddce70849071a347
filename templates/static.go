package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stdapi/stdapi"
)

// StaticOptions configures Static.
type StaticOptions struct {
	// Prefix is cut from the request path before the file is looked up, so
	// that the handler can be mounted as is: with Prefix "/static/",
	// GET /static/css/site.css serves css/site.css. A request whose path
	// does not start with Prefix is answered 404. When Prefix does not end
	// in "/", one "/" after it is cut too, which also suits a handler
	// wrapped in http.StripPrefix. Default "": the whole path is the name.
	Prefix string
	// MaxAge is the Cache-Control max-age of responses to URLs without the
	// file's current hash. Default 0: "no-cache", so that clients
	// revalidate with the ETag on every use and get a cheap 304. URLs that
	// carry the current hash (?v=HASH, see Templates.StaticURL) are always
	// served "public, max-age=31536000, immutable".
	MaxAge time.Duration
	// Reload re-reads and re-hashes a file on every request, for
	// development with os.DirFS. Default false: a file is hashed once, the
	// first time it is served (by New for a Templates' StaticFS), and its
	// ETag is not recomputed if it changes later.
	Reload bool
}

// Static returns a handler that serves the files of fsys to GET and HEAD
// requests, for assets such as stylesheets, scripts and images.
//
// Responses carry a strong ETag (a hash of the content), Last-Modified when
// fsys reports modification times, the Content-Type of the file extension
// (or sniffed from the content), and X-Content-Type-Options: nosniff.
// Conditional requests get 304 Not Modified and Range requests are
// honoured, as with http.ServeContent. The handler never lists
// directories, refuses names with a segment starting with "." (".env",
// ".git/config"), backslashes, control characters, empty or dot segments,
// whether sent raw or percent-encoded: all of these, and missing files, are
// answered 404. Other methods are answered 405 with Allow: GET, HEAD.
// Errors are written with stdapi.WriteError.
//
// fsys is trusted not to follow links out of itself: os.DirFS follows
// symbolic links, the fs.FS of an os.Root (os.OpenRoot(dir).FS()) does not,
// and a link it refuses is answered 404 like a missing file.
func Static(fsys fs.FS, opts StaticOptions) http.Handler {
	return newStaticServer(fsys, opts)
}

// immutable is the Cache-Control of a URL that names the content by its hash.
const immutable = "public, max-age=31536000, immutable"

type staticServer struct {
	fsys         fs.FS
	prefix       string
	cacheControl string
	reload       bool
	files        sync.Map // name -> *fileInfo
}

// fileInfo is what the handler and the static template function need to
// know about a file without opening it.
type fileInfo struct {
	hash    string    // hex, 16 digits of SHA-256
	etag    string    // `"` + hash + `"`
	url     string    // escaped name + "?v=" + hash
	modTime time.Time // zero when fsys does not know it
}

var (
	errNotFile    = errors.New("not a regular file")
	errNoStaticFS = errors.New("no Options.StaticFS")
)

func newStaticServer(fsys fs.FS, opts StaticOptions) *staticServer {
	cc := "no-cache"
	if opts.MaxAge > 0 {
		cc = "public, max-age=" + strconv.FormatInt(int64(opts.MaxAge/time.Second), 10)
	}
	return &staticServer{fsys: fsys, prefix: opts.Prefix, cacheControl: cc, reload: opts.Reload}
}

func (s *staticServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		stdapi.WriteError(w, r, &stdapi.Error{
			Status: http.StatusMethodNotAllowed,
			Header: http.Header{"Allow": {"GET, HEAD"}},
		})
		return
	}
	name, ok := staticName(r.URL.Path, s.prefix)
	if !ok {
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, ""))
		return
	}
	fi, err := s.info(name)
	if err != nil {
		s.fail(w, r, name, err)
		return
	}
	h := w.Header()
	h.Set("Etag", fi.etag)
	if queryValue(r.URL.RawQuery, "v") == fi.hash {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", s.cacheControl)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, fi.etag) {
		if !fi.modTime.IsZero() {
			h.Set("Last-Modified", fi.modTime.UTC().Format(http.TimeFormat))
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f, err := s.fsys.Open(name)
	if err != nil {
		s.fail(w, r, name, err)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			s.fail(w, r, name, err)
			return
		}
		content = bytes.NewReader(b)
	}
	http.ServeContent(w, r, name, fi.modTime, content)
}

// fail answers a file that cannot be served: 404 when the name leads to no
// file (see noFile), 500 (logged, generic body) otherwise.
func (s *staticServer) fail(w http.ResponseWriter, r *http.Request, name string, err error) {
	if noFile(s.fsys, name, err) {
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, ""))
		return
	}
	stdapi.WriteError(w, r, &stdapi.Error{Err: fmt.Errorf("templates: static file %q: %w", name, err)})
}

// noFile reports whether err, from looking name up in fsys, says that the
// name leads to no file rather than that the server failed: a missing file,
// a directory or device, an invalid name, a path through a regular file
// ("site.css/x") or with a segment too long for the system, or a path
// through a symbolic link that fsys does not follow (an os.Root refuses
// links that leave its tree; a link may dangle or loop). A client can ask
// for any of these, so they are a 404 and never logged as errors.
func noFile(fsys fs.FS, name string, err error) bool {
	for _, target := range [...]error{fs.ErrNotExist, fs.ErrInvalid, errNotFile, syscall.ENOTDIR, syscall.ENAMETOOLONG} {
		if errors.Is(err, target) {
			return true
		}
	}
	return throughLink(fsys, name)
}

// throughLink reports whether a segment of name is a symbolic link, when
// fsys can tell.
func throughLink(fsys fs.FS, name string) bool {
	lfs, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return false
	}
	for end := 0; end < len(name); {
		next := strings.IndexByte(name[end+1:], '/')
		if next < 0 {
			end = len(name)
		} else {
			end += 1 + next
		}
		fi, err := lfs.Lstat(name[:end])
		if err != nil {
			return false
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// info returns the hash and metadata of the file name, computing them the
// first time (every time with Reload).
func (s *staticServer) info(name string) (*fileInfo, error) {
	if !s.reload {
		if v, ok := s.files.Load(name); ok {
			return v.(*fileInfo), nil
		}
	}
	if !servable(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	fi, err := hashFile(s.fsys, name)
	if err != nil {
		return nil, err
	}
	if !s.reload {
		v, _ := s.files.LoadOrStore(name, fi)
		fi = v.(*fileInfo)
	}
	return fi, nil
}

// hashAll hashes every servable file of the server's fsys, so that the
// static template function and the handler never read a file to hash it
// while serving.
func (s *staticServer) hashAll() error {
	return fs.WalkDir(s.fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !servable(name) {
			return nil
		}
		_, err = s.info(name)
		return err
	})
}

func hashFile(fsys fs.FS, name string) (*fileInfo, error) {
	// Stat before Open: opening a named pipe or a device could block.
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotFile}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil)[:8])
	return &fileInfo{
		hash:    sum,
		etag:    `"` + sum + `"`,
		url:     (&url.URL{Path: name}).EscapedPath() + "?v=" + sum,
		modTime: st.ModTime(),
	}, nil
}

// staticName turns a request path into a file name of the fs, or reports
// false for anything that is not a plain, canonical, visible file name.
// The path is already percent-decoded once by net/http and is never decoded
// again: "%2e%2e" arriving here is a literal file name, not "..".
func staticName(p, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok {
		return "", false
	}
	if !strings.HasSuffix(prefix, "/") {
		rest = strings.TrimPrefix(rest, "/")
	}
	if !servable(rest) {
		return "", false
	}
	return rest, true
}

// servable reports whether name is a valid fs.FS path to a visible file:
// no empty, "." or ".." segments, no segment starting with ".", no
// backslash and no control characters.
func servable(name string) bool {
	if name == "" || !fs.ValidPath(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
		if c == '.' && (i == 0 || name[i-1] == '/') {
			return false
		}
	}
	return true
}

// queryValue returns the raw value of the first key in a raw query string
// without building a url.Values map.
func queryValue(rawQuery, key string) string {
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if k, v, _ := strings.Cut(pair, "="); k == key {
			return v
		}
	}
	return ""
}

// etagMatch reports whether an If-None-Match header value matches etag,
// with the weak comparison that RFC 9110 prescribes for it: "*", or a list
// of entity tags, each possibly prefixed with W/.
func etagMatch(header, etag string) bool {
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.Trim(tag, " \t")
		if tag == "*" {
			return true
		}
		if strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// Static returns the handler of the files of Options.StaticFS, to mount at
// StaticPrefix: mux.Handle("GET /static/", t.Static()). It shares the hashes
// computed by New (see the function Static for what it serves and how), so a
// URL from the static function is answered with immutable caching. It
// panics if there is no StaticFS.
func (t *Templates) Static() http.Handler {
	if t.static == nil {
		panic("templates: Static: no Options.StaticFS")
	}
	return t.static
}
