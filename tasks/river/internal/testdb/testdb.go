// Package testdb gives the tests of the tasks/river module a PostgreSQL
// database of their own, on the server of $DATABASE_URL, so that their
// River jobs meet no other test's workers: tasks.Queue's default queue is
// River's "default", which every client of one database may work.
package testdb

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL returns $DATABASE_URL. Without it t is skipped, or fails when CI=true:
// CI must source tasks/river/ci.sh first.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATABASE_URL is not set and CI=true: source tasks/river/ci.sh before the tests")
		}
		t.Skip("DATABASE_URL is not set: source tasks/river/ci.sh to start a throwaway PostgreSQL")
	}
	return u
}

// Fresh creates an empty database on the server of URL(t), drops it when t
// ends (closing what is still connected to it), and returns its URL.
func Fresh(t testing.TB) string {
	t.Helper()
	server := URL(t)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	name := "stdapi_test_" + strings.ToLower(rand.Text())
	exec(t, server, "CREATE DATABASE "+name)
	t.Cleanup(func() { exec(t, server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on the database of dbURL.
func exec(t testing.TB, dbURL, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
