package redis

import (
	"errors"

	"github.com/stdapi/stdapi/ws"
)

// An envelope is what a node publishes for one broadcast: the message
// encoded once, whatever the number of nodes and members, tagged with its
// origin node so that the node skips it when Redis hands it back.
//
//	byte 0      format version (envelopeVersion)
//	byte 1      message type: 't' text, 'b' binary
//	byte 2      length n of the origin node id (1..255)
//	bytes 3..   the node id, then the payload, unchanged
const (
	envelopeVersion = 1
	envelopeHeader  = 3
)

var errMalformed = errors.New("ws/redis: malformed envelope")

// appendEnvelope appends the envelope of a message from node to dst.
func appendEnvelope(dst []byte, node string, typ ws.MessageType, data []byte) []byte {
	t := byte('t')
	if typ == ws.Binary {
		t = 'b'
	}
	dst = append(dst, envelopeVersion, t, byte(len(node)))
	dst = append(dst, node...)
	return append(dst, data...)
}

// parseEnvelope splits an envelope read from Redis into its origin node,
// message type and payload, without copying. It returns errMalformed for
// anything this version did not write.
func parseEnvelope(s string) (node string, typ ws.MessageType, data string, err error) {
	if len(s) < envelopeHeader || s[0] != envelopeVersion {
		return "", 0, "", errMalformed
	}
	switch s[1] {
	case 't':
		typ = ws.Text
	case 'b':
		typ = ws.Binary
	default:
		return "", 0, "", errMalformed
	}
	n := int(s[2])
	if n == 0 || len(s) < envelopeHeader+n {
		return "", 0, "", errMalformed
	}
	return s[envelopeHeader : envelopeHeader+n], typ, s[envelopeHeader+n:], nil
}
