package portal

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fristad"

	"golang.org/x/text/language"
)

// TestApplyItems checks an edition applied over the release's content:
// what it names changes, and nothing else; items of pages, help lines or
// languages a release no longer has are left out; an edition that would
// break a page is refused.
func TestApplyItems(t *testing.T) {
	release := mustLoadContent(t)
	items := map[string]json.RawMessage{
		"page/help/en":     json.RawMessage(`{"title":"Call","heading":"Call now","lead":"Lead.","summary":"Numbers.","body":["See [[rights]]."]}`),
		"page/help":        json.RawMessage(`{"owner":"Redaktör","updated":"2026-12-01","next_review":"2027-06-01","law":["Lag 1"],"editor_note":""}`),
		"contact/women":    json.RawMessage(`{"number":"020-50 50 51","urgent":true}`),
		"contact/women/sv": json.RawMessage(`{"name":"Kvinnofridslinjen","text":"Ny text."}`),
		"site":             json.RawMessage(`{"address":"https://stod.example","feedback_email":"a@stod.example"}`),
		"page/retired/en":  json.RawMessage(`{"title":"Gone"}`),
		"page/help/xx":     json.RawMessage(`{"title":"Gone"}`),
		"contact/gone":     json.RawMessage(`{"number":"1"}`),
	}
	c, err := release.Apply(items)
	if err != nil {
		t.Fatal(err)
	}
	help := c.Site.Page("help")
	if got := c.Texts[language.English].Pages["help"]; got.Title != "Call" || !slices.Equal(got.Body, []string{"See [[rights]]."}) {
		t.Errorf("the English help text: %+v", got)
	}
	if help.Owner != "Redaktör" || help.NextReview != "2027-06-01" || help.Template != "help" || help.Path != "help" {
		t.Errorf("the help page's facts: %+v", help)
	}
	if c.Site.Contact("women").Number != "020-50 50 51" || c.Texts[language.Swedish].Contacts["women"].Text != "Ny text." || c.Site.Address != "https://stod.example" {
		t.Errorf("the help line or the site did not change")
	}
	if c.Texts[language.Swedish].Pages["help"].Title != release.Texts[language.Swedish].Pages["help"].Title {
		t.Error("the Swedish help page changed with the English")
	}
	// The release's content is untouched.
	if release.Texts[language.English].Pages["help"].Title == "Call" || release.Site.Contact("women").Number == "020-50 50 51" {
		t.Error("apply changed the release's content")
	}
	for name, bad := range map[string]map[string]json.RawMessage{
		"an empty title":         {"page/help/en": json.RawMessage(`{"title":"","heading":"h","lead":"l","summary":"s"}`)},
		"an unknown field":       {"page/help": json.RawMessage(`{"owner":"x","colour":"red"}`)},
		"an address without TLS": {"site": json.RawMessage(`{"address":"http://stod.example","feedback_email":"a@b"}`)},
		"an unknown kind":        {"menu/main": json.RawMessage(`{}`)},
	} {
		if _, err := release.Apply(bad); err == nil {
			t.Errorf("%s: applied", name)
		}
	}
}

// TestSetEdition checks that the portal serves a new edition at once,
// keeps its pages when an edition does not render, and goes back to the
// release's text for none.
func TestSetEdition(t *testing.T) {
	h, _, srv := newServer(t)
	nonce := regexp.MustCompile(`nonce="[^"]*"`)
	page := func(addr string) string { return nonce.ReplaceAllString(get(t, srv, addr).Body.String(), "") }
	before := page("/en/help")
	e := &fristad.ContentEdition{Number: 2, Items: map[string]json.RawMessage{
		"page/help/en": json.RawMessage(`{"title":"Call","heading":"Call us now","lead":"A new lead.","summary":"Numbers.","body":[]}`)}}
	if err := h.SetEdition(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	if got := page("/en/help"); !strings.Contains(got, "A new lead.") {
		t.Error("the new edition is not served")
	}
	if got := page("/en/services"); !strings.Contains(got, `>Call</a>`) {
		t.Error("the directory's menu still has the old title")
	}
	broken := &fristad.ContentEdition{Number: 3, Items: map[string]json.RawMessage{"page/help/en": json.RawMessage(`{"title":""}`)}}
	if err := h.SetEdition(t.Context(), broken); err == nil {
		t.Error("a broken edition was taken")
	}
	if got := page("/en/help"); !strings.Contains(got, "A new lead.") {
		t.Error("a broken edition replaced the pages served")
	}
	if err := h.SetEdition(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if got := page("/en/help"); got != before {
		t.Error("without an edition the release's text is not back")
	}
}

// BenchmarkRenderSite measures rendering every content page in every
// language, as publishing an edition does.
func BenchmarkRenderSite(b *testing.B) {
	h, _ := mustNew(b, Config{})
	c := h.content()
	for b.Loop() {
		if _, err := h.renderSite(c, 1); err != nil {
			b.Fatal(err)
		}
	}
}
