package ws

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Close codes used by this package (RFC 6455, section 7.4.1).
const (
	CloseNormal          = 1000 // the purpose of the connection is fulfilled
	CloseGoingAway       = 1001 // the server shuts down (Hub.Close) or the browser leaves the page
	CloseUnsupportedData = 1003 // a message of a type the endpoint does not accept (ReadText got binary)
	CloseInvalidPayload  = 1007 // a message that does not parse (ReadJSON got invalid JSON)
	ClosePolicyViolation = 1008 // a message that parses but is not acceptable (validation failed)
	CloseMessageTooBig   = 1009 // a message larger than the ReadLimit option
	CloseInternalError   = 1011 // the handler failed or panicked
	CloseTryAgainLater   = 1013 // the client read too slowly and was dropped by a Hub
)

// ErrClosed is returned, wrapped with the cause, by the read methods of a
// connection that has ended, and by the send methods of a connection that is
// closing or has ended. A handler may return such an error as is: the end of
// a connection is not a handler failure and is not logged.
//
// The cause is reachable with errors.As: a *websocket.CloseError from
// github.com/gorilla/websocket carries the peer's close code.
var ErrClosed = errors.New("ws: connection closed")

// ErrQueueFull is returned by the send methods when the connection's send
// queue (the SendQueue option) is full: the peer reads more slowly than the
// application writes. The message is not sent; the connection stays open.
var ErrQueueFull = errors.New("ws: send queue full")

// CloseError is an error that ends a connection with a given close code. A
// handler returns one to choose the code the client sees; ReadText and
// ReadJSON return one for messages they cannot accept (codes 1003, 1007 and
// 1008), wrapping a *stdapi.Error that describes the problem.
//
// When the handler returns a CloseError whose chain holds a *stdapi.Error with
// a 4xx status, that error is first sent to the client as a text message
// holding its problem JSON (see Conn.SendError), then the connection closes
// with Code and Reason. A CloseError with code 1011 is logged as a failure;
// other codes are not.
type CloseError struct {
	// Code is the close code sent to the client; 0 means 1000.
	Code int
	// Reason is the close reason sent to the client, cut to the 123 bytes
	// a close frame can carry.
	Reason string
	// Err is the cause, reachable with errors.Is and errors.As.
	Err error
}

// Error returns "ws: close CODE: REASON" and the cause.
func (e *CloseError) Error() string {
	s := "ws: close " + strconv.Itoa(e.code())
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *CloseError) Unwrap() error { return e.Err }

func (e *CloseError) code() int {
	if e.Code == 0 {
		return CloseNormal
	}
	return e.Code
}

// maxReason is the longest close reason a control frame can carry: 125 bytes
// of payload minus the 2-byte code.
const maxReason = 123

// cutReason shortens s to at most maxReason bytes without splitting a rune.
func cutReason(s string) string {
	if len(s) <= maxReason {
		return s
	}
	s = s[:maxReason]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
