package templates_test

import (
	"crypto/sha256"
	"encoding/hex"
)

// hashOf is the content hash that static URLs and ETags carry.
func hashOf(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:8])
}
