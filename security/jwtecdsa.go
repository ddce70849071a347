package security

import (
	"crypto/elliptic"
	"errors"
	"math/big"

	"github.com/golang-jwt/jwt/v5"
)

// ECDSA signatures are malleable: if (r, s) is a valid signature, so is
// (r, n-s). Left alone, one ES256 token has two valid spellings, and a
// deny-list of revoked tokens keyed by the token string misses the twin.
// Keys therefore sign only low-S signatures (s <= n/2) and a Verifier
// refuses high-S ones unless VerifierOptions.AllowHighS.

var errHighS = errors.New("security: ES256 signature is not in low-S form")

// p256N is the order of P-256 and p256HalfN is n/2, rounded down.
var (
	p256N     = elliptic.P256().Params().N
	p256HalfN = new(big.Int).Rsh(p256N, 1)
)

// highS reports whether sig, an ES256 signature r || s of 32 bytes each,
// has s > n/2. A signature of another length is left to ES256's Verify,
// which refuses it.
func highS(sig []byte) bool {
	return len(sig) == 64 && new(big.Int).SetBytes(sig[32:]).Cmp(p256HalfN) > 0
}

// lowSES256 is ES256 that signs in low-S form. Its Alg is "ES256" and its
// Verify is ES256's: the tokens it signs are plain ES256 tokens.
type lowSES256 struct{ *jwt.SigningMethodECDSA }

var signingMethodES256 = lowSES256{jwt.SigningMethodES256}

// Sign returns the signature ES256 gives, or its low-S twin.
func (m lowSES256) Sign(signingString string, key any) ([]byte, error) {
	sig, err := m.SigningMethodECDSA.Sign(signingString, key)
	if err != nil || !highS(sig) {
		return sig, err
	}
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(p256N, s).FillBytes(sig[32:])
	return sig, nil
}
