package seal

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// mustKeyring returns a fresh in-memory keyring with one primary key.
func mustKeyring(t testing.TB) *Keyring {
	t.Helper()
	k, err := GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustDataKey(t testing.TB, k *Keyring, subject string) (*DataKey, []byte) {
	t.Helper()
	dk, w, err := k.NewDataKey(subject)
	if err != nil {
		t.Fatal(err)
	}
	return dk, w
}

// secretForms returns the encodings in which a key could plausibly leak into
// a message.
func secretForms(key []byte) []string {
	return []string{
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		string(key),
		// A prefix is enough to count as a leak.
		base64.StdEncoding.EncodeToString(key)[:16],
		hex.EncodeToString(key)[:16],
	}
}

// keyringSecrets returns every form of every master key in k.
func keyringSecrets(k *Keyring) []string {
	var s []string
	for _, mk := range k.keys {
		s = append(s, secretForms(mk.raw[:])...)
	}
	return s
}

func assertNoSecrets(t *testing.T, what, msg string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("%s leaks key material %q: %q", what, s, msg)
		}
	}
}
