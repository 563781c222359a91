package sqlstore_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// TestContentEditions checks the life of the portal's content in the
// store (IN-10): drafts per item, a conflict when an item changed since
// the editor read it, publishing as one new edition that keeps the items
// of the last, and that only coordinators edit, each change audited.
func TestContentEditions(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)

		if e, err := db.PublishedContent(t.Context()); err != nil || e != nil {
			t.Fatalf("before any edition: %v, %v; want nil, nil", e, err)
		}
		if n, err := db.PublishedEdition(t.Context()); err != nil || n != 0 {
			t.Fatalf("the edition number before any: %d, %v; want 0", n, err)
		}
		draft := func(item, body, version string) error {
			return db.SaveContentDraft(coord, &fristad.ContentDraft{Item: item, Body: json.RawMessage(body)}, version)
		}
		if err := draft("page/help/en", `{"title": "Help"}`, "0"); err != nil {
			t.Fatal(err)
		}
		if err := draft("site", `{"address":"https://stod.example"}`, "0"); err != nil {
			t.Fatal(err)
		}
		// Saved on what was read before the first draft: a conflict, and
		// the draft stays.
		if err := draft("page/help/en", `{"title":"Other"}`, "0"); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Fatalf("saving over a newer draft: %v; want conflict", err)
		}
		ds, err := db.ContentDrafts(coord)
		if err != nil || len(ds) != 2 || ds[0].Item != "page/help/en" || string(ds[0].Body) != `{"title":"Help"}` || ds[0].UpdatedBy != "coord-a" {
			t.Fatalf("drafts = %+v, %v", ds, err)
		}
		if err := draft("page/help/en", `{"title":"Help now"}`, fristad.ContentVersion(ds[0].Body)); err != nil {
			t.Fatal(err)
		}
		if err := draft("bad", `{`, "0"); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a body that is not JSON: %v; want invalid", err)
		}

		// Not for a case worker, and not past prepare's refusal.
		if err := db.SaveContentDraft(worker, &fristad.ContentDraft{Item: "site", Body: json.RawMessage(`{}`)}, "0"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker saving a draft: %v; want not found", err)
		}
		if _, err := db.PublishContent(worker, "", nil); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker publishing: %v; want not found", err)
		}
		refuse := func(map[string]json.RawMessage, []string) error { return fristad.Errorf(fristad.EINVALID, "no") }
		if _, err := db.PublishContent(coord, "", refuse); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Fatalf("publishing what prepare refuses: %v", err)
		}
		if ds, _ := db.ContentDrafts(coord); len(ds) != 2 {
			t.Fatalf("a refused edition dropped the drafts: %+v", ds)
		}

		e1, err := db.PublishContent(coord, "  Nya nummer ", func(items map[string]json.RawMessage, changed []string) error {
			items["page/help"] = json.RawMessage(`{"updated":"2026-12-06"}`)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if e1.Number != 1 || e1.Note != "Nya nummer" || !slices.Equal(e1.Changed, []string{"page/help/en", "site"}) {
			t.Errorf("edition 1 = %+v", e1)
		}
		if ds, _ := db.ContentDrafts(coord); len(ds) != 0 {
			t.Errorf("drafts after publishing: %+v", ds)
		}
		if _, err := db.PublishContent(coord, "", nil); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("publishing nothing: %v; want invalid", err)
		}

		// The next edition keeps what the first had and changes one item.
		live, err := db.PublishedContent(t.Context())
		if err != nil || live.Number != 1 || string(live.Items["page/help/en"]) != `{"title":"Help now"}` || string(live.Items["page/help"]) != `{"updated":"2026-12-06"}` {
			t.Fatalf("published = %+v, %v", live, err)
		}
		// A draft equal to what is published is no change.
		if err := draft("site", `{"address": "https://stod.example"}`, fristad.ContentVersion(live.Items["site"])); err != nil {
			t.Fatal(err)
		}
		if ds, _ := db.ContentDrafts(coord); len(ds) != 0 {
			t.Errorf("a draft equal to the published item was kept: %+v", ds)
		}
		if err := draft("site", `{"address":"https://fristad.example"}`, fristad.ContentVersion(live.Items["site"])); err != nil {
			t.Fatal(err)
		}
		if err := db.DiscardContentDraft(coord, "site"); err != nil {
			t.Fatal(err)
		}
		if err := db.DiscardContentDraft(coord, "site"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("discarding no draft: %v; want not found", err)
		}
		if err := draft("page/home/sv", `{"title":"Start"}`, "0"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublishContent(coord, "", nil); err != nil {
			t.Fatal(err)
		}
		if n, err := db.PublishedEdition(t.Context()); err != nil || n != 2 {
			t.Errorf("the edition number after two: %d, %v; want 2", n, err)
		}
		latest, err := db.LatestContentEdition(coord)
		if err != nil || latest.Number != 2 || len(latest.Items) != 4 || !slices.Equal(latest.Changed, []string{"page/home/sv"}) {
			t.Fatalf("edition 2 = %+v, %v", latest, err)
		}
		es, err := db.ContentEditions(coord, 10)
		if err != nil || len(es) != 2 || es[0].Number != 2 || es[1].Number != 1 || es[0].Items != nil || es[1].PublishedBy != "coord-a" {
			t.Errorf("editions = %+v, %v", es, err)
		}
		if _, err := db.ContentEditions(worker, 10); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker reading the editions: %v", err)
		}

		events, err := db.FindAuditEvents(cli(t), fristad.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range events {
			if e.ObjectType == "content_item" || e.ObjectType == "content_edition" {
				trail = append(trail, e.Action+"/"+e.ObjectID)
			}
		}
		for _, w := range []string{"content.draft/page/help/en", "content.draft/site", "content.publish/1", "content.discard/site", "content.publish/2"} {
			if !slices.Contains(trail, w) {
				t.Errorf("the audit trail lacks %s: %v", w, trail)
			}
		}
	})
}

// TestContentConcurrentEdits checks that two editors saving the same
// item from the same version at the same moment cannot both win, and
// that editions published at once get numbers of their own.
func TestContentConcurrentEdits(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		const editors = 8
		errs := make(chan error, editors)
		var wg sync.WaitGroup
		for i := range editors {
			wg.Go(func() {
				body := json.RawMessage(`{"title":"Version ` + strconv.Itoa(i) + `"}`)
				errs <- db.SaveContentDraft(coord, &fristad.ContentDraft{Item: "page/help/en", Body: body}, "0")
			})
		}
		wg.Wait()
		close(errs)
		saved := 0
		for err := range errs {
			switch fristad.ErrorCode(err) {
			case "":
				saved++
			case fristad.ECONFLICT:
			default:
				t.Errorf("a concurrent save: %v", err)
			}
		}
		if saved != 1 {
			t.Errorf("%d of %d editors saved over the same version; want exactly 1", saved, editors)
		}

		numbers := make(chan int, editors)
		for i := range editors {
			wg.Go(func() {
				if err := db.SaveContentDraft(coord, &fristad.ContentDraft{Item: "page/faq" + strconv.Itoa(i) + "/sv", Body: json.RawMessage(`{}`)}, "0"); err != nil {
					t.Error(err)
				}
				e, err := db.PublishContent(coord, "", nil)
				switch {
				case err == nil:
					numbers <- e.Number
				case fristad.ErrorCode(err) != fristad.EINVALID: // nothing left to publish is fine
					t.Errorf("a concurrent publish: %v", err)
				}
			})
		}
		wg.Wait()
		close(numbers)
		seen := map[int]bool{}
		for n := range numbers {
			if seen[n] {
				t.Errorf("edition %d published twice", n)
			}
			seen[n] = true
		}
		if len(seen) == 0 {
			t.Error("no edition was published")
		}
	})
}
