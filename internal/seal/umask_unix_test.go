//go:build unix

package seal

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestGenerateKeyringFileUmask checks that the file mode is exactly 0600
// whatever the umask (a restrictive umask must not yield 0400 or 0000, which
// would then break WriteFile's mode preservation or LoadKeyringFile).
func TestGenerateKeyringFileUmask(t *testing.T) {
	for _, mask := range []int{0o000, 0o022, 0o277, 0o777} {
		old := syscall.Umask(mask)
		p := filepath.Join(t.TempDir(), "k")
		_, err := GenerateKeyringFile(p)
		syscall.Umask(old)
		if err != nil {
			t.Fatalf("umask %#o: %v", mask, err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("umask %#o: mode = %#o, want 0600", mask, fi.Mode().Perm())
		}
	}
}
