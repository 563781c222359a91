//go:build race

package sqlstore_test

// raceEnabled is set when the race detector is on: it slows the embedded
// SQLite so much that the tests that grow data keep it small.
const raceEnabled = true
