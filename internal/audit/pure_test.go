package audit

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPure keeps the package free of I/O: the storage layer calls it inside
// its own transactions, so it must not reach a database, the file system or
// the network itself.
func TestPure(t *testing.T) {
	allowed := map[string]bool{
		"cmp": true, "context": true, "crypto/rand": true, "crypto/sha256": true, "encoding/base64": true,
		"encoding/binary": true, "errors": true, "fmt": true, "hash": true, "math/bits": true, "slices": true,
		"strconv": true, "strings": true, "sync": true, "time": true, "unicode/utf8": true,
		"golang.org/x/mod/sumdb/note": true, "golang.org/x/mod/sumdb/tlog": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowed[path] {
				t.Errorf("%s imports %s; internal/audit must stay pure (no SQL, no I/O)", name, path)
			}
		}
	}
}
