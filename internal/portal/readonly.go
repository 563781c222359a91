package portal

import (
	"context"

	"fristad"
)

// The portal faces the internet, so it holds no way into the database
// but the three it needs: it reads the service directory and the
// published edition of its content, and hands call-back requests in. It
// is given them as function values, not as the store that implements
// them. A Directory, Editions or Inbox holds nothing but functions, and
// neither a type assertion nor reflection can turn a function back into
// the store behind it: whatever goes wrong in the portal, it cannot
// widen what it holds into a way to case data (DP-01). cmd/fristad
// builds them with ReadOnly, and readonly_test.go tries to reach the
// store through them.

// Directory is how the portal reads the public service directory and
// programme information (fristad.PublicDirectory). Both functions are
// set.
type Directory struct {
	PublicListings   func(ctx context.Context, day string) ([]fristad.Listing, error)
	PublicProgrammes func(ctx context.Context, day string) ([]fristad.PublicProgramme, error)
}

// Editions is how the portal reads the content editors published
// (fristad.PublicContent). Both functions are set.
type Editions struct {
	PublishedContent func(ctx context.Context) (*fristad.ContentEdition, error)
	PublishedEdition func(ctx context.Context) (int, error)
}

// Inbox is how the portal hands a call-back request in
// (fristad.CallbackInbox, IN-08); it can read nothing back.
type Inbox struct {
	SubmitCallback func(ctx context.Context, c *fristad.CallbackRequest) error
}

// DirectoryOf returns the read-only view of d the portal may hold, or
// nil for nil.
func DirectoryOf(d fristad.PublicDirectory) *Directory {
	if d == nil {
		return nil
	}
	return &Directory{PublicListings: d.PublicListings, PublicProgrammes: d.PublicProgrammes}
}

// EditionsOf returns the read-only view of c the portal may hold, or
// nil for nil.
func EditionsOf(c fristad.PublicContent) *Editions {
	if c == nil {
		return nil
	}
	return &Editions{PublishedContent: c.PublishedContent, PublishedEdition: c.PublishedEdition}
}

// ReadOnly returns the configuration of a portal over s holding only
// the read-only views of its public services: the directory, the
// published content and the call-back inbox. The caller sets the rest
// (assets, demo, quick exit). cmd/fristad builds the portal with it.
func ReadOnly(s fristad.Services) Config {
	return Config{
		Directory: DirectoryOf(s.Directory),
		Callbacks: InboxOf(s.CallbackInbox),
		Content:   EditionsOf(s.PublicContent),
	}
}

// InboxOf returns the one function of in the portal may hold, or
// nil for nil.
func InboxOf(in fristad.CallbackInbox) *Inbox {
	if in == nil {
		return nil
	}
	return &Inbox{SubmitCallback: in.SubmitCallback}
}
