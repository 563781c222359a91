package sqlstore

import (
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestFrontier checks that the hashes appendEvents reads before a batch
// are all that appending the batch asks for: for logs of every size up to
// a few hundred, a batch of up to twenty leaves appended with only the
// frontier and the batch's own hashes at hand yields the stored hashes of
// the whole tree.
func TestFrontier(t *testing.T) {
	const sizes, batch = 300, 20
	leaf := func(n int64) []byte { return []byte{byte(n), byte(n >> 8)} }
	var tree []tlog.Hash // audit_hashes of a log of sizes+batch leaves
	whole := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = tree[x]
		}
		return out, nil
	})
	for n := range int64(sizes + batch) {
		hs, err := tlog.StoredHashes(n, leaf(n), whole)
		if err != nil {
			t.Fatal(err)
		}
		tree = append(tree, hs...)
	}
	for size := range int64(sizes) {
		known := map[int64]tlog.Hash{}
		for _, x := range frontier(size) {
			known[x] = tree[x]
		}
		partial := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(indexes))
			for i, x := range indexes {
				h, ok := known[x]
				if !ok {
					t.Fatalf("appending after %d leaves asks for stored hash %d, not on the frontier", size, x)
				}
				out[i] = h
			}
			return out, nil
		})
		for n := size; n < size+batch; n++ {
			hs, err := tlog.StoredHashes(n, leaf(n), partial)
			if err != nil {
				t.Fatal(err)
			}
			first := tlog.StoredHashIndex(0, n)
			for j, h := range hs {
				if h != tree[first+int64(j)] {
					t.Fatalf("stored hash %d of leaf %d, appended after %d leaves, differs from the whole tree's", first+int64(j), n, size)
				}
				known[first+int64(j)] = h
			}
		}
	}
}
