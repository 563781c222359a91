package portal

import (
	"testing"

	"fristad/internal/i18n"
	"fristad/internal/render"
	"fristad/internal/testing/rendertest"
)

// mustNew returns a portal handler with the embedded assets.
func mustNew(tb testing.TB, cfg Config) (*Handler, *render.Assets) {
	tb.Helper()
	assets, err := render.NewAssets()
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Assets = assets
	h, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return h, assets
}

func TestTemplates(t *testing.T) {
	h, _ := mustNew(t, Config{})
	rendertest.CheckPages(t, h.Engine(), map[string]any{
		"home":       &HomePage{},
		"help":       &HelpPage{},
		"rights":     &RightsPage{},
		"article":    &ArticlePage{},
		"choose":     &ChoosePage{},
		"error":      &ErrorPage{},
		"directory":  &DirectoryPage{},
		"programmes": &ProgrammesPage{},
		"callback":   &CallbackPage{},
		"leaflet":    &LeafletPage{},
	})
	rendertest.CheckKeys(t, templates, i18n.Portal())
}
