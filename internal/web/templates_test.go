package web

import (
	"testing"

	"fristad/internal/i18n"
	"fristad/internal/render"
	"fristad/internal/render/rendertest"
)

func TestTemplates(t *testing.T) {
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	rendertest.CheckPages(t, h.Engine(), map[string]any{
		"home":          &HomePage{},
		"error":         &render.ErrorPage{},
		"login":         &LoginPage{},
		"login_code":    &CodePage{},
		"activate":      &ActivatePage{},
		"activate_code": &ActivateCodePage{},
		"sessions":      &SessionsPage{},
	})
	rendertest.CheckKeys(t, templates, i18n.Staff())
	rendertest.CheckErrorKeys(t, "../..", i18n.Staff())
}
