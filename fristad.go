// Package fristad holds the domain of the Fristad support programme: the
// nouns case workers, coordinators and partners work with, the rules that
// come from law, and the error codes every layer speaks.
//
// The root package imports only the standard library. Storage, the staff
// workspace, the public portal and the JSON API live in internal/ and
// depend on this package, never the other way round; cmd/fristad wires
// them together.
package fristad

// Version and Commit identify the build. They are set at link time with
// -ldflags "-X fristad.Version=… -X fristad.Commit=…".
var (
	Version = "dev"
	Commit  = ""
)
