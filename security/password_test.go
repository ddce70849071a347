package security

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"golang.org/x/crypto/bcrypt"
)

// htpasswdHash was made by `htpasswd -nbB alice 'correct horse'` (Debian
// apache2-utils 2.4).
const htpasswdHash = "$2y$05$MSbYbMSUpq9o7sgY6mFRG.gx3SxKbEEH9ENdFv/qkNqJSvZXS5qja"

// fast is a Hasher with cheap parameters for tests.
func fast() *Hasher { return &Hasher{Memory: 64, Time: 1} }

func TestHasher(t *testing.T) {
	ctx := context.Background()
	h := fast()
	enc, err := h.Hash(ctx, "pässword")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") || len(strings.Split(enc, "$")) != 6 {
		t.Fatalf("Hash = %s", enc)
	}
	if again, _ := h.Hash(ctx, "pässword"); again == enc {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	for _, tt := range []struct {
		pw string
		ok bool
	}{{"pässword", true}, {"password", false}, {"", false}, {"pässword ", false}} {
		if ok, err := h.Verify(ctx, tt.pw, enc); ok != tt.ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v", tt.pw, ok, err)
		}
	}
	if ok, err := h.Verify(ctx, "x", ""); ok || err != nil {
		t.Errorf("Verify with empty hash = %v, %v", ok, err)
	}
}

func TestHasherDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("19 MiB argon2id")
	}
	var h Hasher
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("Hash = %s, %v", enc, err)
	}
	if ok, err := h.Verify(context.Background(), "pw", enc); !ok || err != nil {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
	if h.NeedsRehash(enc) {
		t.Error("fresh default hash needs rehash")
	}
}

// A hash of "password" from the reference argon2 implementation (the
// phc-winner-argon2 CLI: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e).
const referenceArgon2id = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"

func TestArgon2idReference(t *testing.T) {
	h := fast()
	if ok, err := h.Verify(context.Background(), "password", referenceArgon2id); !ok || err != nil {
		t.Fatalf("reference hash: %v, %v", ok, err)
	}
	if ok, _ := h.Verify(context.Background(), "Password", referenceArgon2id); ok {
		t.Fatal("reference hash accepts another password")
	}
}

func TestBcrypt(t *testing.T) {
	ctx := context.Background()
	h := fast()
	long := strings.Repeat("a", 73)
	long72 := strings.Repeat("a", 72)
	b72, err := HashBcrypt(long72, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pw   string
		hash string
		ok   bool
		err  error
	}{
		{"htpasswd $2y$", "correct horse", htpasswdHash, true, nil},
		{"htpasswd wrong", "correct horsE", htpasswdHash, false, nil},
		{"$2a$", "correct horse", "$2a$" + htpasswdHash[4:], true, nil},
		{"$2b$", "correct horse", "$2b$" + htpasswdHash[4:], true, nil},
		{"$2x$ refused", "correct horse", "$2x$" + htpasswdHash[4:], false, ErrUnsupportedHash},
		{"$2$ refused", "correct horse", "$2$" + htpasswdHash[4:], false, ErrUnsupportedHash},
		{"72 bytes", long72, b72, true, nil},
		{"73 bytes is a mismatch", long, b72, false, nil},
		{"truncated hash", "correct horse", htpasswdHash[:20], false, ErrMalformedHash},
		{"bad cost", "correct horse", "$2y$99$" + htpasswdHash[7:], false, ErrMalformedHash},
		{"md5 apr1", "x", "$apr1$abc$def", false, ErrUnsupportedHash},
		{"plain text", "x", "x", false, ErrUnsupportedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify(ctx, tt.pw, tt.hash)
			if ok != tt.ok || !errors.Is(err, tt.err) {
				t.Errorf("Verify = %v, %v; want %v, %v", ok, err, tt.ok, tt.err)
			}
		})
	}
	if _, err := HashBcrypt(long, bcrypt.MinCost); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("HashBcrypt(73 bytes) = %v", err)
	}
	if _, err := HashBcrypt("x", 99); err == nil {
		t.Error("HashBcrypt accepted cost 99")
	}
	if !h.NeedsRehash(htpasswdHash) {
		t.Error("bcrypt hash does not need rehash to argon2id")
	}
}

// TestHtpasswd checks a hash made by the htpasswd found on this machine.
// It skips without htpasswd unless CI=true.
func TestHtpasswd(t *testing.T) {
	path, err := exec.LookPath("htpasswd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("htpasswd not found; CI must install apache2-utils")
		}
		t.Skip("htpasswd not found (apt-get install apache2-utils)")
	}
	out, err := exec.Command(path, "-nbB", "-C", "5", "bob", "s3cret: pass").Output()
	if err != nil {
		t.Fatal(err)
	}
	user, hash, ok := strings.Cut(strings.TrimSpace(string(out)), ":")
	if !ok || user != "bob" {
		t.Fatalf("htpasswd output %q", out)
	}
	h := fast()
	if ok, err := h.Verify(context.Background(), "s3cret: pass", hash); !ok || err != nil {
		t.Errorf("htpasswd hash %s: %v, %v", hash, ok, err)
	}
	if ok, _ := h.Verify(context.Background(), "s3cret: pas", hash); ok {
		t.Error("htpasswd hash accepts another password")
	}
}

func TestNeedsRehash(t *testing.T) {
	h := &Hasher{Memory: 128, Time: 2, Threads: 2}
	tests := []struct {
		hash string
		want bool
	}{
		{"$argon2id$v=19$m=128,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", false},
		{"$argon2id$v=19$m=256,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", false},
		{"$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", true},
		{"$argon2id$v=19$m=128,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", true},
		{"$argon2id$v=19$m=128,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", true},
		{"$argon2id$v=19$m=128,t=2,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", true},
		{"$argon2i$v=19$m=128,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8CTFhFdXPJO0", true},
		{htpasswdHash, true},
		{"", true},
	}
	for _, tt := range tests {
		if got := h.NeedsRehash(tt.hash); got != tt.want {
			t.Errorf("NeedsRehash(%s) = %v", tt.hash, got)
		}
	}
}

func TestParseArgon2id(t *testing.T) {
	bad := []string{
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1,p=256$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1000,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1,p=1$c29t$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFh",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8$",
		"$argon2id$v=19$m=-1,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8",
	}
	for _, s := range bad {
		if ok, err := fast().Verify(context.Background(), "password", s); ok || err == nil {
			t.Errorf("Verify accepted %s", s)
		}
	}
}

func TestHasherConcurrencyBound(t *testing.T) {
	defer leakcheck.Check(t)()
	h := &Hasher{Memory: 64, Time: 1, MaxConcurrent: 1}
	// Hold the only slot, as a running hash would.
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for _, f := range []func() error{
		func() error { _, err := h.Hash(ctx, "x"); return err },
		func() error { _, err := h.Verify(ctx, "x", ""); return err },
		func() error { _, err := h.Verify(ctx, "password", referenceArgon2id); return err },
	} {
		wg.Go(func() { errs <- f() })
	}
	select {
	case err := <-errs:
		t.Fatalf("a hash ran while the slot was taken: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("waiting hash returned %v, want context.Canceled", err)
		}
	}
	h.release()
	if _, err := h.Hash(context.Background(), "x"); err != nil {
		t.Errorf("after release: %v", err)
	}
}

func FuzzParseArgon2id(f *testing.F) {
	f.Add(referenceArgon2id)
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseArgon2id(s)
		if err != nil {
			return
		}
		if h.memory > maxMemory || h.time > maxTime || h.time == 0 || h.threads == 0 || len(h.salt) < 8 || len(h.sum) < 16 {
			t.Fatalf("accepted out-of-bounds %q: %+v", s, h)
		}
	})
}
