package seal

import (
	"bytes"
	"testing"
)

// FuzzOpen feeds arbitrary ciphertexts and contexts to Open. It must never
// panic, and must never accept anything but the one value sealed in the
// seed's context (a success on another input would be a forgery).
func FuzzOpen(f *testing.F) {
	k := mustKeyring(f)
	dk, _ := mustDataKey(f, k, "s")
	ct, err := dk.Seal([]byte("CANARY-fuzz"), "person", "name", "1")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ct, "person", "name", "1")
	f.Add(ct[:SealOverhead], "person", "name", "1")
	f.Add([]byte{}, "t", "c", "r")
	f.Add([]byte{1}, "", "", "")
	f.Add(bytes.Repeat([]byte{1}, 100), "a|b", "c", "1")
	f.Fuzz(func(t *testing.T, data []byte, table, column, row string) {
		pt, err := dk.Open(data, table, column, row)
		if err == nil {
			if !bytes.Equal(data, ct) || table != "person" || column != "name" || row != "1" || string(pt) != "CANARY-fuzz" {
				t.Fatalf("Open accepted a forged input: %x (%q,%q,%q) -> %q", data, table, column, row, pt)
			}
		} else if pt != nil {
			t.Fatalf("Open returned plaintext with error %v", err)
		}
	})
}

// FuzzUnwrap feeds arbitrary wrapped keys to UnwrapDataKey, Rewrap,
// WrappedKeyID and Indexer.
func FuzzUnwrap(f *testing.F) {
	k := mustKeyring(f)
	_, w := mustDataKey(f, k, "s")
	f.Add(w, "s")
	f.Add(w[:10], "s")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, data []byte, subject string) {
		WrappedKeyID(data)
		dk, err := k.UnwrapDataKey(subject, data)
		if err == nil && (!bytes.Equal(data, w) || subject != "s" || dk == nil) {
			t.Fatalf("UnwrapDataKey accepted a forged key for %q: %x", subject, data)
		}
		if _, _, err := k.Rewrap(subject, data); err == nil && (!bytes.Equal(data, w) || subject != "s") {
			t.Fatalf("Rewrap accepted a forged key")
		}
		if _, err := k.Indexer(data, 0); err == nil {
			t.Fatalf("Indexer accepted a forged key")
		}
	})
}

// FuzzParseKeyring checks that ParseKeyring never panics and never echoes
// its input in an error (the input may be key material).
func FuzzParseKeyring(f *testing.F) {
	k := mustKeyring(f)
	k.AddPrimary()
	f.Add(k.Export())
	f.Add([]byte("fristad-master-key v1 00000000 AAAA primary"))
	f.Add([]byte(";;#;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKeyring(data)
		if err == nil {
			if k.PrimaryID() == "" || len(k.KeyIDs()) == 0 {
				t.Fatal("parsed keyring without keys or primary")
			}
			return
		}
		// Any 24-byte run of base64 characters in the input must not appear
		// in the message.
		for _, f := range bytes.Fields(data) {
			if len(f) >= 24 && bytes.Contains([]byte(err.Error()), f) {
				t.Fatalf("error echoes input %q: %v", f, err)
			}
		}
	})
}
