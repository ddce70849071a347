// Package parity holds the FastAPI parity suite: FastAPI's tutorial
// programs written again with stdapi, each request answered as FastAPI
// (with pydantic v2) answers it, in stdapi's FastAPI error format. The
// expected answers are those FastAPI's own tutorial tests assert. Where
// stdapi differs on purpose, the test says so and checks stdapi's answer
// instead; the package doc of bind and security give the reasons.
package parity
