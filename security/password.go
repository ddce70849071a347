package security

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Default argon2id parameters: OWASP's password storage recommendation
// (m=19 MiB, t=2, p=1), a 16-byte salt and a 32-byte hash.
const (
	DefaultMemory  = 19456 // KiB
	DefaultTime    = 2
	DefaultThreads = 1
	saltLen        = 16
	keyLen         = 32
)

var (
	// ErrPasswordTooLong is returned by HashBcrypt for passwords over 72
	// bytes, which bcrypt would silently ignore the rest of. (Hasher.Verify
	// reports such a password against a bcrypt hash as a mismatch.)
	ErrPasswordTooLong = errors.New("security: password longer than 72 bytes for bcrypt")
	// ErrUnsupportedHash is returned for a hash that is neither argon2id
	// nor bcrypt $2a$, $2b$ or $2y$ ($2x$, the buggy crypt_blowfish
	// variant, is one).
	ErrUnsupportedHash = errors.New("security: unsupported password hash")
	// ErrMalformedHash is returned for a hash that cannot be decoded or
	// whose parameters are out of bounds.
	ErrMalformedHash = errors.New("security: malformed password hash")
)

// Hasher hashes passwords with argon2id into PHC strings
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// and verifies argon2id and bcrypt hashes. Hashing is slow and memory-hard
// on purpose, so at most MaxConcurrent hashes run at once: a burst of
// logins waits (or gives up with its context) instead of exhausting memory.
// The zero value uses the defaults; a Hasher must not be copied after
// first use.
type Hasher struct {
	// Memory is argon2id's memory in KiB. Default DefaultMemory (19 MiB).
	Memory uint32
	// Time is argon2id's number of passes. Default DefaultTime (2).
	Time uint32
	// Threads is argon2id's parallelism. Default DefaultThreads (1).
	Threads uint8
	// MaxConcurrent bounds the hashes computed at once, which bounds
	// memory to about MaxConcurrent*Memory. Default runtime.GOMAXPROCS(0).
	MaxConcurrent int

	once sync.Once
	sem  chan struct{}
}

type argonParams struct {
	memory, time uint32
	threads      uint8
}

func (h *Hasher) params() argonParams {
	p := argonParams{h.Memory, h.Time, h.Threads}
	if p.memory == 0 {
		p.memory = DefaultMemory
	}
	if p.time == 0 {
		p.time = DefaultTime
	}
	if p.threads == 0 {
		p.threads = DefaultThreads
	}
	return p
}

// acquire takes a slot of the semaphore, or returns ctx's error.
func (h *Hasher) acquire(ctx context.Context) error {
	h.once.Do(func() {
		n := h.MaxConcurrent
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		h.sem = make(chan struct{}, n)
	})
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the argon2id PHC string of password with a random salt. It
// fails only when ctx is done before a slot is free.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	p := h.params()
	salt := make([]byte, saltLen)
	rand.Read(salt)
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	sum := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
	h.release()
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64(salt), b64(sum)), nil
}

// Verify reports whether password matches encoded, an argon2id PHC string
// or a bcrypt hash ($2a$, $2b$, $2y$). A mismatch is (false, nil). An empty
// encoded, for a user that does not exist, spends the time of a real
// verification and reports false, so that timing does not tell unknown
// users from wrong passwords; a password over 72 bytes against a bcrypt
// hash is a mismatch too, at the cost of a real comparison. Errors:
// ErrUnsupportedHash, ErrMalformedHash, or ctx's error when it is done
// before a slot is free.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	switch {
	case encoded == "":
		p := h.params()
		if err := h.acquire(ctx); err != nil {
			return false, err
		}
		argon2.IDKey([]byte(password), make([]byte, saltLen), p.time, p.memory, p.threads, keyLen)
		h.release()
		return false, nil
	case strings.HasPrefix(encoded, "$argon2id$"):
		ph, err := parseArgon2id(encoded)
		if err != nil {
			return false, err
		}
		if err := h.acquire(ctx); err != nil {
			return false, err
		}
		sum := argon2.IDKey([]byte(password), ph.salt, ph.time, ph.memory, ph.threads, uint32(len(ph.sum)))
		h.release()
		return subtle.ConstantTimeCompare(sum, ph.sum) == 1, nil
	case isBcrypt(encoded):
		return h.verifyBcrypt(ctx, password, encoded)
	default:
		return false, ErrUnsupportedHash
	}
}

// verifyBcrypt compares password with a bcrypt hash. bcrypt reads only 72
// bytes, so a longer password cannot be the one that was hashed: it is a
// mismatch, not an error (an error would be a 500 that tells which users
// have bcrypt hashes), and it still costs a full comparison (of its first
// 72 bytes, whose result is ignored) so that timing does not tell either.
func (h *Hasher) verifyBcrypt(ctx context.Context, password, encoded string) (bool, error) {
	if _, err := bcrypt.Cost([]byte(encoded)); err != nil {
		return false, ErrMalformedHash
	}
	tooLong := len(password) > 72
	if tooLong {
		password = password[:72]
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
	h.release()
	switch {
	case err == nil:
		return !tooLong, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, ErrMalformedHash
	}
}

// NeedsRehash reports whether encoded should be replaced by a new Hash of
// the password (after a successful Verify): it is not argon2id (bcrypt
// hashes migrate), or its parameters are weaker than h's.
func (h *Hasher) NeedsRehash(encoded string) bool {
	ph, err := parseArgon2id(encoded)
	if err != nil {
		return true
	}
	p := h.params()
	return ph.memory < p.memory || ph.time < p.time || ph.threads < p.threads ||
		len(ph.salt) < saltLen || len(ph.sum) < keyLen
}

// HashBcrypt returns the bcrypt hash ($2a$) of password at cost, for
// systems that need bcrypt (such as htpasswd files); prefer Hasher.Hash.
// It rejects passwords over 72 bytes with ErrPasswordTooLong.
func HashBcrypt(password string, cost int) (string, error) {
	if len(password) > 72 {
		return "", ErrPasswordTooLong
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("security: bcrypt: %w", err)
	}
	return string(b), nil
}

func isBcrypt(s string) bool {
	return strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$")
}

type argonHash struct {
	argonParams
	salt, sum []byte
}

// Bounds on parameters read from a stored hash, so that a corrupted or
// planted hash cannot make one verification take gigabytes or minutes.
const (
	maxMemory = 1 << 21 // KiB: 2 GiB
	maxTime   = 64
)

// parseArgon2id decodes "$argon2id$v=19$m=M,t=T,p=P$salt$hash".
func parseArgon2id(s string) (*argonHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, ErrUnsupportedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, ErrMalformedHash
	}
	var h argonHash
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return nil, ErrMalformedHash
	}
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return nil, ErrMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, ErrMalformedHash
		}
		switch i {
		case 0:
			h.memory = uint32(n)
		case 1:
			h.time = uint32(n)
		case 2:
			if n > 255 {
				return nil, ErrMalformedHash
			}
			h.threads = uint8(n)
		}
	}
	if h.time < 1 || h.time > maxTime || h.threads < 1 || h.memory < 8*uint32(h.threads) || h.memory > maxMemory {
		return nil, ErrMalformedHash
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(h.salt) < 8 || len(h.salt) > 64 {
		return nil, ErrMalformedHash
	}
	if h.sum, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(h.sum) < 16 || len(h.sum) > 128 {
		return nil, ErrMalformedHash
	}
	return &h, nil
}
