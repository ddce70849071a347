// Package testclient tests an http.Handler in process, the Go twin of
// FastAPI's TestClient: requests are served by calling the handler, cookies
// are kept between requests, WebSockets are dialed on a loopback server,
// and Response.Wait waits for the background tasks and dependency cleanups
// of one request, so that tests can check their effects, in parallel.
//
//	func TestCreate(t *testing.T) {
//		c := testclient.New(t, app.New())
//		c.Header.Set("Authorization", "Bearer "+token)
//		res := c.Post("/items", testclient.JSON(map[string]any{"name": "pen", "price": 2}))
//		if res.StatusCode != 201 || res.Text() != `{"id":1,"name":"pen","price":2}` {
//			t.Fatalf("got %d %s", res.StatusCode, res.Body)
//		}
//		res.Wait() // the confirmation e-mail task has run
//	}
//
// Redirects are not followed: a test sees the 3xx and its Location. The
// handler sees Host testserver (BaseURL), RemoteAddr 192.0.2.1:1234 and the
// test's context; a panic in the handler fails the test.
package testclient
