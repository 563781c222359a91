package fristad

// ContentPage is what the editors of the public portal need to know of
// one page (IN-10): who answers for it, what law it rests on, when it
// must be checked again, and in which languages its text is missing or
// not yet reviewed by a native speaker (IN-02).
type ContentPage struct {
	ID         string
	Path       string // under /{lang}/
	Owner      string
	Updated    string // YYYY-MM-DD
	NextReview string // YYYY-MM-DD
	Law        []string
	EditorNote string
	Missing    []string // BCP 47 tags of languages without its text
}

// ContentLanguage is one language of the portal as its editors see it.
type ContentLanguage struct {
	Tag      string
	Name     string // in itself
	Reviewed bool   // a native speaker has reviewed the translation
}

// ContentReport is the portal's content for its editors.
type ContentReport struct {
	Pages     []*ContentPage
	Languages []*ContentLanguage
}
