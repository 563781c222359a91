// Package sitetest builds Fristad's sites for tests the way cmd/fristad
// wires them for a server: the domain services over a test database, the
// workspace, the API and the portal built from them, and a server
// running them on free loopback ports. It also holds what tests of the
// running sites share: requests to either site and the API, a browser
// that keeps cookies and the form token, and users signed in with their
// password and second factor.
package sitetest

import (
	"context"
	"testing"
	"time"

	"fristad/internal/api"
	"fristad/internal/content"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
	"fristad/internal/web"
)

// Config returns the configuration of a server on db with every site
// built, listening on free loopback ports.
func Config(tb testing.TB, db *sqlstore.DB) server.Config {
	tb.Helper()
	services := sqlstore.NewServices(db)
	assets, err := render.NewAssets()
	if err != nil {
		tb.Fatal(err)
	}
	public := portal.ReadOnly(services)
	public.Assets = assets
	portalUI, err := portal.New(public)
	if err != nil {
		tb.Fatal(err)
	}
	editor := content.New(portalUI, services.ContentStore)
	workspace, err := web.New(web.Config{Services: services, Content: editor, Assets: assets})
	if err != nil {
		tb.Fatal(err)
	}
	return server.Config{
		StaffAddr:  "127.0.0.1:0",
		PublicAddr: "127.0.0.1:0",
		DB:         db,
		Assets:     assets,
		Workspace:  workspace,
		API:        api.New(api.Config{Services: services, Content: editor}),
		Portal:     portalUI,
	}
}

// Start starts a server with cfg and stops it when the test ends.
func Start(tb testing.TB, cfg server.Config) *server.Server {
	tb.Helper()
	s, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s
}

// StartOn starts a server with every site on db, on free loopback ports,
// with the changes to its configuration in change, and stops it when the
// test ends.
func StartOn(tb testing.TB, db *sqlstoretest.Store, change ...func(*server.Config)) *server.Server {
	tb.Helper()
	cfg := Config(tb, db.DB)
	for _, c := range change {
		c(&cfg)
	}
	return Start(tb, cfg)
}
