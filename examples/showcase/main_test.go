package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain runs main instead of the tests when the test binary is started
// by TestCommandLine with SHOWCASE_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("SHOWCASE_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command line's failures: each exits before serving, with its status
// and a message on stderr. (Serving is tested in package app.)
func TestCommandLine(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string // all of stderr when exact, a part of it otherwise
		exact  bool
	}{
		{"database URL", []string{"-database-url", "postgres://localhost/db"}, 2,
			"showcase: -database-url needs the PostgreSQL backend, in its own module: run `cd tasks/river && go run ./cmd/showcase -database-url URL`\n", true},
		{"unknown flag", []string{"-nope"}, 2, "flag provided but not defined: -nope", false},
		{"bad address", []string{"-addr", "127.0.0.1:-1", "-database-url="}, 1, `msg="showcase failed"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), "SHOWCASE_TEST_MAIN=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tt.status {
				t.Fatalf("exit: %v, want status %d; stderr:\n%s", err, tt.status, stderr.String())
			}
			if got := stderr.String(); tt.exact && got != tt.stderr || !strings.Contains(got, tt.stderr) {
				t.Errorf("stderr %q, want %q", got, tt.stderr)
			}
		})
	}
}
