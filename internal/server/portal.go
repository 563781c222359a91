package server

import (
	"fristad/internal/portal"
	"fristad/internal/render"
)

// portalConfig is what the public portal is given of cfg. The store
// reaches it only as the few functions it needs (portal.Directory,
// portal.Editions, portal.Inbox): nothing the portal holds can be
// type-asserted or reflected back into the store, and so into case data
// (portal_test.go tries).
func portalConfig(cfg Config, assets *render.Assets) portal.Config {
	return portal.Config{
		Demo:         cfg.Demo,
		Assets:       assets,
		QuickExitURL: cfg.QuickExitURL,
		Directory:    portal.DirectoryOf(cfg.Directory),
		Callbacks:    portal.InboxOf(cfg.CallbackInbox),
		Content:      portal.EditionsOf(cfg.PublicContent),
	}
}
