package ws

import (
	"io"

	"github.com/gorilla/websocket"
)

// The ReadLimit option counts the bytes of a message as the handler receives
// them: inflated, when the client compresses it (per-message deflate).
// gorilla/websocket counts the bytes on the wire, and a frame of a few
// kilobytes can inflate to megabytes, so the connection enforces the limit
// twice: gorilla's, on the wire, bounds the work of reading a message (a
// deflate stream can also be made of blocks that inflate to nothing), and
// readLimited, on the inflated bytes, bounds the memory it takes.

// wireLimit is the limit given to gorilla for a message's bytes on the
// wire: the read limit itself, plus, when compression may be negotiated,
// room for deflate's overhead on data that does not compress (a few bytes
// per block; zlib's deflateBound allows n/4096 + n/16384 + 13), so that an
// incompressible message at the limit is still accepted.
func wireLimit(limit int64, compression bool) int64 {
	if !compression {
		return limit
	}
	return limit + limit>>10 + 64
}

// readLimited reads r to its end and returns what it read, or
// websocket.ErrReadLimit as soon as r yields more than limit bytes, having
// read limit+1 bytes of it: the buffer never grows past limit+1 bytes,
// whatever r would inflate to. A limit of 0 or less reads without a limit.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, min(512, limit+1))
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, websocket.ErrReadLimit
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) { // below limit+1, checked above
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
	}
}
