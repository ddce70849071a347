// Command fullstack is FastAPI's well-known full example ported to stdapi,
// feature for feature:
//
//   - users: sign up (POST /users, a welcome mail as a background task), an
//     OAuth2 password flow with JWTs and scopes (POST /token), GET /users/me;
//   - items CRUD with pagination under a group with a prefix (/items), a
//     tag, a shared X-Token header dependency and a shared 404;
//   - a per-request database session with cleanup, and the current user, as
//     dep fields of the input structs;
//   - a file upload with a form field (POST /files);
//   - a WebSocket of notifications (GET /ws) that authenticates its token
//     before the upgrade and validates its query;
//   - an HTML home page, a custom error type with its own handler
//     (GET /unicorns/yolo answers 418), CORS (rs/cors);
//   - tests through package testclient (app_test.go).
//
// fastapi/main.py is the FastAPI original, for comparison (not run in CI).
//
//	go run ./examples/fullstack   # then open http://127.0.0.1:8000/docs
package main
