// Package other declares a type whose name collides with one in zoo, to
// prove that component names stay distinct.
package other

// User is another package's user.
type User struct {
	Login string `json:"login" validate:"required,alphanum"`
}
