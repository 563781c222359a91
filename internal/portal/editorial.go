package portal

import "fristad"

// Editorial reports the portal's content to its editors in the staff
// workspace: every page with its owner, legal references and review date
// (IN-10), the languages its text is missing in, and which languages'
// translations no native speaker has reviewed yet (IN-02).
func (h *Handler) Editorial() *fristad.ContentReport {
	r := &fristad.ContentReport{}
	for _, tag := range h.catalog.Languages() {
		r.Languages = append(r.Languages, &fristad.ContentLanguage{
			Tag: tag.String(), Name: h.catalog.LanguageName(tag), Reviewed: h.catalog.Printer(tag).T(ReviewedKey) == "yes",
		})
	}
	for _, p := range h.content.Site.Pages {
		cp := &fristad.ContentPage{ID: p.ID, Path: p.Path, Owner: p.Owner, Updated: p.Updated, NextReview: p.NextReview,
			Law: p.Law, EditorNote: p.EditorNote}
		for _, tag := range h.catalog.Languages() {
			if t := h.content.Texts[tag]; t == nil || t.Pages[p.ID] == nil || t.Pages[p.ID].Title == "" {
				cp.Missing = append(cp.Missing, tag.String())
			}
		}
		r.Pages = append(r.Pages, cp)
	}
	return r
}
