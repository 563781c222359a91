package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad/internal/seal"
	"fristad/internal/testing/sqlstoretest"
)

// MustRunDemo starts a demo installation on free loopback ports with a
// fresh database on engine and stops it when the test ends. Each setup
// function may change the command's configuration and database (its
// clock, say) before the demo data is loaded and the sites start.
func MustRunDemo(tb testing.TB, engine string, setup ...func(*ServeCommand)) *ServeCommand {
	tb.Helper()
	ctx := context.Background()
	c := &ServeCommand{Config: DefaultConfig()}
	c.Config.Demo = true
	c.Config.StaffAddr = "127.0.0.1:0"
	c.Config.PublicAddr = "127.0.0.1:0"
	kr, err := seal.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := prepareDemo(ctx, sqlstoretest.NewDSN(tb, engine), kr)
	if err != nil {
		tb.Fatal(err)
	}
	c.DB = db
	for _, f := range setup {
		f(c)
	}
	if _, err := seedDemo(ctx, db); err != nil {
		tb.Fatal(err)
	}
	if err := c.Open(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return c
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runCommand runs the command line and returns its exit code and output.
func runCommand(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut syncBuffer
	code = run(t.Context(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// startCommand runs a long-running command line in the background until
// the test ends, waits until it prints both site addresses and returns
// them, and checks that it then stops cleanly.
func startCommand(t *testing.T, args ...string) (staff, public string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &out, &errOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("%v exited %d after SIGTERM; stderr: %s", args, code, errOut.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("%v did not stop within 20 s of being told to", args)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("%v exited %d early; stderr: %s", args, code, errOut.String())
		default:
		}
		s := out.String()
		staff, public = addressAfter(s, "Staff workspace:"), addressAfter(s, "Public portal:")
		if staff != "" && public != "" {
			return staff, public
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%v printed no addresses within 30 s; stdout: %s stderr: %s", args, out.String(), errOut.String())
	return "", ""
}

func addressAfter(s, label string) string {
	_, rest, ok := strings.Cut(s, label)
	if !ok {
		return ""
	}
	line, _, ok := strings.Cut(rest, "\n")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSpace(line), "/")
}

// mustGet fetches url and returns the status code.
func mustGet(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBrowserTestsRequireToolsFirst: every test in a browser*_test.go file
// calls browsertest.Require(t) before anything else, so that on a machine
// without Chromium, axe-core or the Nu HTML Checker it is skipped before
// it starts a demo, and under CI fails just as early.
func TestBrowserTestsRequireToolsFirst(t *testing.T) {
	files, err := filepath.Glob("browser*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	tests := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			tests++
			if len(fn.Body.List) == 0 || !callsRequire(fn.Body.List[0]) {
				t.Errorf("%s: %s does not begin with browsertest.Require(t)", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
	if tests == 0 {
		t.Fatal("no tests in browser*_test.go")
	}
}

// callsRequire reports whether s is a call of browsertest.Require, with
// or without its result kept.
func callsRequire(s ast.Stmt) bool {
	var x ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		x = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			x = s.Rhs[0]
		}
	}
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "browsertest" && sel.Sel.Name == "Require"
}
