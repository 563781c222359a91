package content

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/portal"
	"fristad/internal/render"

	"golang.org/x/text/language"
)

// mustRelease returns the portal's content as the release ships it.
func mustRelease(t *testing.T) *portal.Content {
	t.Helper()
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	h, err := portal.New(portal.Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	return h.Release()
}

// TestCleanBlocks checks that the body as an editor types it becomes the
// block markup meant: lines of a paragraph joined, a list line without
// its marker kept with the item before, numbered steps renumbered, and
// what cannot be shown refused.
func TestCleanBlocks(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		err  string
	}{
		{in: []string{"One line."}, want: []string{"One line."}},
		{in: []string{"  A paragraph\r\ntyped over\n  three lines. "}, want: []string{"A paragraph typed over three lines."}},
		{in: []string{"## A heading", "", "  "}, want: []string{"## A heading"}},
		{in: []string{"- One\n- Two that goes\n  on here\n- Three"}, want: []string{"- One\n- Two that goes on here\n- Three"}},
		{in: []string{"1. First\n1. Second\n7. Third"}, want: []string{"1. First\n2. Second\n3. Third"}},
		{in: []string{"> A note\nover two lines"}, want: []string{"> A note over two lines"}},
		{in: []string{"Ring [[help]] eller 112."}, want: []string{"Ring [[help]] eller 112."}},
		{in: []string{strings.Repeat("x", maxBlock+1)}, err: "content.block.long"},
		{in: []string{"a\x00b"}, err: "content.field.control"},
		{in: []string{"a\u202eb"}, err: "content.field.control"},           // a direction override
		{in: []string{"می\u200cتوانید"}, want: []string{"می\u200cتوانید"}}, // Dari needs the non-joiner
		{in: slices.Repeat([]string{"p"}, maxBlocks+1), err: "content.blocks.many"},
	} {
		got, err := cleanBlocks(tc.in)
		if tc.err != "" {
			if e, ok := err.(*fristad.Error); !ok || e.Key != tc.err || e.Field != "body" {
				t.Errorf("cleanBlocks(%q): %v; want %s on body", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("cleanBlocks(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		for _, b := range got {
			if err := portal.CheckBlock(b); err != nil {
				t.Errorf("cleanBlocks(%q) made a block the markup refuses: %q: %v", tc.in, b, err)
			}
		}
	}
}

// TestCleanBlocksKeepsRelease checks that every page of the release, in
// every language, comes back from its form as it went in: saving a page
// without changing it changes nothing.
func TestCleanBlocksKeepsRelease(t *testing.T) {
	c := mustRelease(t)
	for tag, text := range c.Texts {
		for id, pt := range text.Pages {
			typed := strings.Split(strings.Join(pt.Body, "\n\n"), "\n\n")
			got, err := cleanBlocks(typed)
			if err != nil || !slices.Equal(got, pt.Body) {
				t.Errorf("%s %s: the body comes back as %q, %v", tag, id, got, err)
			}
		}
	}
}

// memStore keeps drafts and editions in memory, as the store does, for
// testing the editor without a database.
type memStore struct {
	editions []*fristad.ContentEdition // oldest first
	drafts   map[string]*fristad.ContentDraft
}

func (m *memStore) ContentEditions(ctx context.Context, limit int) ([]*fristad.ContentEdition, error) {
	var out []*fristad.ContentEdition
	for i := len(m.editions) - 1; i >= 0 && len(out) < limit; i-- {
		e := *m.editions[i]
		e.Items = nil
		out = append(out, &e)
	}
	return out, nil
}

func (m *memStore) LatestContentEdition(ctx context.Context) (*fristad.ContentEdition, error) {
	if len(m.editions) == 0 {
		return nil, nil
	}
	return m.editions[len(m.editions)-1], nil
}

func (m *memStore) ContentEdition(ctx context.Context, n int) (*fristad.ContentEdition, error) {
	if n < 1 || n > len(m.editions) {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no such edition")
	}
	return m.editions[n-1], nil
}

func (m *memStore) ContentDrafts(ctx context.Context) ([]*fristad.ContentDraft, error) {
	return slices.Collect(maps.Values(m.drafts)), nil
}

func (m *memStore) SaveContentDraft(ctx context.Context, d *fristad.ContentDraft, version string) error {
	var have []byte
	if old := m.drafts[d.Item]; old != nil {
		have = old.Body
	} else if e, _ := m.LatestContentEdition(ctx); e != nil {
		have = e.Items[d.Item]
	}
	if fristad.ContentVersion(have) != version {
		return fristad.Errorf(fristad.ECONFLICT, "changed since")
	}
	m.drafts[d.Item] = d
	return nil
}

func (m *memStore) DiscardContentDraft(ctx context.Context, item string) error {
	delete(m.drafts, item)
	return nil
}

func (m *memStore) PublishContent(ctx context.Context, note string, prepare func(map[string]json.RawMessage, []string) error) (*fristad.ContentEdition, error) {
	e := &fristad.ContentEdition{Number: len(m.editions) + 1, Items: map[string]json.RawMessage{}, Note: note}
	if latest, _ := m.LatestContentEdition(ctx); latest != nil {
		e.Items = maps.Clone(latest.Items)
	}
	for _, d := range m.drafts {
		if !bytes.Equal(e.Items[d.Item], d.Body) {
			e.Items[d.Item], e.Changed = d.Body, append(e.Changed, d.Item)
		}
	}
	if len(e.Changed) == 0 {
		return nil, fristad.Errorf(fristad.EINVALID, "nothing to publish")
	}
	if err := prepare(e.Items, e.Changed); err != nil {
		return nil, err
	}
	m.editions, m.drafts = append(m.editions, e), map[string]*fristad.ContentDraft{}
	return e, nil
}

// TestEditor edits a page's text through the editor over an in-memory
// store: the draft is checked as the portal will show it, previewed in
// the portal's layout, and once published served by the portal at once,
// with the page's date of update set; restoring the first edition makes
// drafts that bring it back.
func TestEditor(t *testing.T) {
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h, err := portal.New(portal.Config{Assets: assets, Now: func() time.Time { return day }})
	if err != nil {
		t.Fatal(err)
	}
	store := &memStore{drafts: map[string]*fristad.ContentDraft{}}
	e := New(h, store)
	ctx := t.Context()

	page, err := e.ContentPage(ctx, "help")
	if err != nil {
		t.Fatal(err)
	}
	var en *fristad.ContentText
	for _, tx := range page.Texts {
		if tx.Lang == "en" {
			en = tx
		}
	}
	if en == nil {
		t.Fatal("the help page has no English text")
	}
	text := *en
	text.Lead = "A lead written for this test."
	if err := e.SavePageText(ctx, "help", &text, en.Version); err != nil {
		t.Fatal(err)
	}
	if err := e.SavePageText(ctx, "help", &text, en.Version); fristad.ErrorCode(err) != fristad.ECONFLICT {
		t.Errorf("saving from a stale version: %v; want ECONFLICT", err)
	}
	// Text that does not compress: 50 blocks of random letters.
	heavy, rnd := text, rand.New(rand.NewPCG(1, 2))
	heavy.Body = make([]string, 50)
	for i := range heavy.Body {
		letters := make([]byte, 1900)
		for j := range letters {
			letters[j] = byte('a' + rnd.IntN(26))
		}
		heavy.Body[i] = string(letters)
	}
	if err := e.SavePageText(ctx, "help", &heavy, fristad.ContentVersion(store.drafts[portal.PageTextItem("help", "en")].Body)); !isField(err, "body", "content.heavy") {
		t.Errorf("saving a page over the budget: %v; want content.heavy on body", err)
	}

	preview, err := e.PreviewContent(ctx, "help", "en", fristad.ContentPreview{Nonce: "test-nonce", Note: "Not published", Lang: "en", Dir: "ltr", Back: "/back", BackLabel: "Back"})
	if err != nil {
		t.Fatal(err)
	}
	if p := string(preview); !strings.Contains(p, "A lead written for this test.") || !strings.Contains(p, "Not published") || !strings.Contains(p, `nonce="test-nonce"`) {
		t.Error("the preview does not show the draft in its frame")
	}
	if strings.Contains(servedLead(h, "help"), "A lead written for this test.") {
		t.Fatal("the draft is served before it is published")
	}

	edition, err := e.PublishContent(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := servedLead(h, "help"); got != "A lead written for this test." {
		t.Errorf("the portal serves %q after publishing", got)
	}
	if got := h.Served().Site.Page("help").Updated; got != "2026-12-01" {
		t.Errorf("the published page was updated %s; want the day it was published", got)
	}
	if !slices.Equal(edition.Changed, []string{portal.PageTextItem("help", "en")}) {
		t.Errorf("edition %d changed %q", edition.Number, edition.Changed)
	}

	text.Lead = "A second lead."
	if err := e.SavePageText(ctx, "help", &text, fristad.ContentVersion(edition.Items[portal.PageTextItem("help", "en")])); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PublishContent(ctx, "second"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.RestoreEdition(ctx, 1); err != nil || n != 1 {
		t.Errorf("restoring edition 1 made %d drafts, %v; want 1", n, err)
	}
	change, err := e.ContentDraftChange(ctx, portal.PageTextItem("help", "en"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (fristad.FieldChange{Field: "lead", Before: "A second lead.", After: "A lead written for this test."}); !slices.Contains(change.Fields, want) {
		t.Errorf("the restoring draft changes %+v; want %+v", change.Fields, want)
	}
}

// servedLead returns the English lead of page id as the portal serves it.
func servedLead(h *portal.Handler, id string) string {
	return h.Served().Texts[language.English].Pages[id].Lead
}

// isField reports whether err is EINVALID with key on field.
func isField(err error, field, key string) bool {
	var e *fristad.Error
	return errors.As(err, &e) && e.Code == fristad.EINVALID && e.Field == field && e.Key == key
}
