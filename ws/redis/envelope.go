package redis

import (
	"encoding/binary"
	"errors"

	"github.com/stdapi/stdapi/ws"
)

// An envelope is what a node publishes for one broadcast: the message
// encoded once, whatever the number of nodes and members, tagged with its
// origin node, so that the node skips it when Redis hands it back, and with
// a sequence number, so that the receivers drop the copies a retried
// PUBLISH makes (see dedupe).
//
//	byte 0       format version (envelopeVersion)
//	byte 1       message type: 't' text, 'b' binary
//	byte 2       flags: bit 0 set for a droppable message (ws.Message.Droppable)
//	byte 3       length n of the origin node id (1..255)
//	bytes 4..    the node id (n bytes),
//	             the epoch (8 bytes, big-endian): random for each Broker,
//	             the sequence number (8 bytes, big-endian): 1, 2, ... for each Broker,
//	             then the payload, unchanged
const (
	envelopeVersion = 2
	envelopeHeader  = 4
	envelopeIDs     = 16 // epoch and sequence number
	flagDroppable   = 1
)

var errMalformed = errors.New("ws/redis: malformed envelope")

// envelope is the header of a message between nodes.
type envelope struct {
	node      string
	epoch     uint64
	seq       uint64
	typ       ws.MessageType
	droppable bool
}

// appendEnvelope appends the envelope of data to dst.
func appendEnvelope(dst []byte, e envelope, data []byte) []byte {
	t := byte('t')
	if e.typ == ws.Binary {
		t = 'b'
	}
	var flags byte
	if e.droppable {
		flags |= flagDroppable
	}
	dst = append(dst, envelopeVersion, t, flags, byte(len(e.node)))
	dst = append(dst, e.node...)
	dst = binary.BigEndian.AppendUint64(dst, e.epoch)
	dst = binary.BigEndian.AppendUint64(dst, e.seq)
	return append(dst, data...)
}

// parseEnvelope splits an envelope read from Redis into its header and
// payload, without copying. It returns errMalformed for anything this
// version did not write.
func parseEnvelope(s string) (e envelope, data string, err error) {
	if len(s) < envelopeHeader || s[0] != envelopeVersion || s[2]&^flagDroppable != 0 {
		return e, "", errMalformed
	}
	switch s[1] {
	case 't':
		e.typ = ws.Text
	case 'b':
		e.typ = ws.Binary
	default:
		return e, "", errMalformed
	}
	e.droppable = s[2]&flagDroppable != 0
	n := int(s[3])
	if n == 0 || len(s) < envelopeHeader+n+envelopeIDs {
		return e, "", errMalformed
	}
	e.node = s[envelopeHeader : envelopeHeader+n]
	ids := s[envelopeHeader+n : envelopeHeader+n+envelopeIDs]
	e.epoch = binary.BigEndian.Uint64([]byte(ids[:8]))
	e.seq = binary.BigEndian.Uint64([]byte(ids[8:]))
	return e, s[envelopeHeader+n+envelopeIDs:], nil
}
