package portal

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"fristad"
	"fristad/internal/i18n"

	"golang.org/x/text/language"
)

// The portal serves the edition of its content that editors published
// last (IN-10). Editing and publishing are internal/content's; the portal
// only reads the published edition (Config.Content) and serves it, and
// lends the editor what it needs to check an item as the portal will show
// it: the release's content, the content served, and rendering a page.

// PageBudget is the most a content page may weigh, gzipped with its
// stylesheet, script and icon (IN-06): 15 KB, so that it loads on a slow
// prepaid connection. Editors cannot save a text that breaks it.
const PageBudget = 15 * 1024

// SetEdition makes edition e the content served, unless it is served
// already; nil is the release's own text. A failing edition leaves the
// pages as they were. The editor calls it when it publishes.
func (h *Handler) SetEdition(ctx context.Context, e *fristad.ContentEdition) error {
	h.rendering.Lock()
	defer h.rendering.Unlock()
	return h.applyEdition(ctx, e)
}

// readEdition reads the published edition and serves it. It holds the
// lock from reading to serving, so that an edition read before another
// was published cannot replace it afterwards.
func (h *Handler) readEdition(ctx context.Context) error {
	h.rendering.Lock()
	defer h.rendering.Unlock()
	// Most refreshes find the edition served: its number says so, and
	// the items, which may be long, are read only when it changed.
	n, err := h.cfg.Content.PublishedEdition(ctx)
	if err != nil || n == h.site.Load().edition {
		return err
	}
	e, err := h.cfg.Content.PublishedContent(ctx)
	if err != nil {
		return err
	}
	return h.applyEdition(ctx, e)
}

// applyEdition is SetEdition with the lock held.
func (h *Handler) applyEdition(ctx context.Context, e *fristad.ContentEdition) error {
	n, items := 0, map[string]json.RawMessage(nil)
	if e != nil {
		n, items = e.Number, e.Items
	}
	if h.site.Load().edition == n {
		return nil
	}
	c, err := h.release.Apply(items)
	if err != nil {
		return fmt.Errorf("edition %d: %w", n, err)
	}
	s, err := h.renderSite(c, n)
	if err != nil {
		return fmt.Errorf("edition %d: %w", n, err)
	}
	h.site.Store(s)
	// The directory and programme pages carry the menus' titles.
	if d := h.dir.Load(); d != nil {
		if _, err := h.setDirectory(d.listings, d.programmes, true); err != nil {
			return err
		}
	}
	slog.InfoContext(ctx, "portal: content edition published", "edition", n)
	return nil
}

// Release returns the content as the release ships it. Callers must not
// change it.
func (h *Handler) Release() *Content { return h.release }

// Served returns the content as the portal serves it now: the release's
// with the published edition applied. Callers must not change it.
func (h *Handler) Served() *Content { return h.content() }

// Catalog returns the portal's message catalog: its languages.
func (h *Handler) Catalog() *i18n.Catalog { return h.catalog }

// Now returns the time on the portal's clock (Config.Now).
func (h *Handler) Now() time.Time { return h.now() }

// Reviewed reports whether a native speaker has reviewed language tag of
// content c (IN-02).
func (h *Handler) Reviewed(c *Content, tag language.Tag) bool { return h.reviewed(c, tag) }

// PageWeight renders page p of content c in tag and returns what it
// weighs gzipped, with its stylesheet, script and icon: what PageBudget
// limits.
func (h *Handler) PageWeight(c *Content, tag language.Tag, p *PageInfo) (int, error) {
	body, err := h.execute(p.Template, h.pageData(c, tag, p))
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	extra := 0
	if a := h.cfg.Assets; a != nil {
		extra = a.Size("style.css", true) + a.Size("quick-exit.js", true) + a.Size("favicon.svg", true)
	}
	return buf.Len() + extra, nil
}

// Preview renders page p of content c in tag as the portal would show it,
// in frame: a note that it is not published and the way back to editing.
func (h *Handler) Preview(c *Content, tag language.Tag, p *PageInfo, frame fristad.ContentPreview) ([]byte, error) {
	data := h.pageData(c, tag, p)
	f := data.(interface{ frame() *Page }).frame()
	f.Preview = &frame
	// The workspace's policy allows scripts and styles by its nonce only.
	f.Nonce = frame.Nonce
	return h.execute(p.Template, data)
}
