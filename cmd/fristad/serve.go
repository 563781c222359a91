package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"fristad"
	"fristad/internal/api"
	"fristad/internal/content"
	"fristad/internal/mail"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/seal"
	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// ServeCommand runs both sites on an open database.
type ServeCommand struct {
	Config Config
	DB     *sqlstore.DB
	Server *server.Server

	mailStop context.CancelFunc
	mailDone chan struct{}
}

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	c := ServeCommand{Config: DefaultConfig()}
	fs := flagSet("serve", "Runs the staff workspace and the public portal on their own addresses.\nThe database schema must be current (see 'fristad migrate').", stdout)
	dataFlags(fs, &c.Config)
	serverFlags(fs, &c.Config)
	masterKeyFlag(fs, &c.Config)
	staffURLFlag(fs, &c.Config)
	mailFlags(fs, &c.Config)
	fs.BoolVar(&c.Config.Demo, "demo", false, "allow a database that holds demo data, and show the DEMO banner")
	fs.BoolVar(&c.Config.PrintConfig, "print-config", false, "print the configuration (secrets redacted) and exit")
	if err := parse(fs, &c.Config, args); err != nil {
		return err
	}
	if c.Config.PrintConfig {
		c.Config.print(stdout, fs)
		return nil
	}
	setupLogging(&c.Config)
	if err := c.Open(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Fristad %s is running.\n  Staff workspace: %s/\n  Public portal:   %s/\n", fristad.Version, c.Server.StaffURL(), c.Server.PublicURL())
	return c.Wait(ctx)
}

// Open opens the database, checks that it may be served, and starts both
// sites.
func (c *ServeCommand) Open(ctx context.Context) (err error) {
	var kr *seal.Keyring
	if c.DB == nil || c.DB.Keyring == nil {
		if kr, err = loadKeyring(&c.Config); err != nil {
			return err
		}
	}
	if c.DB == nil {
		if c.DB, err = sqlstore.Open(ctx, c.Config.DSN()); err != nil {
			return err
		}
	}
	defer func() {
		if err != nil {
			c.DB.Close()
		}
	}()
	if err := c.DB.CheckSchema(ctx); err != nil {
		return err
	}
	if kr != nil {
		if err := c.DB.InitKeys(ctx, kr); err != nil {
			return err
		}
		c.DB.KeyringFile = c.Config.MasterKeyFile
	}
	c.DB.Auth.IdleTimeout, c.DB.Auth.AbsoluteTimeout = c.Config.IdleTimeout, c.Config.SessionMaxAge
	demo, err := c.DB.IsDemo(ctx)
	if err != nil {
		return err
	}
	switch {
	case demo && !c.Config.Demo:
		return fristad.Errorf(fristad.EINVALID, "%s holds demo data: run 'fristad demo', or 'fristad serve --demo' to serve it anyway", c.DB)
	case !demo && c.Config.Demo:
		return fristad.Errorf(fristad.EINVALID, "--demo given, but %s holds no demo data", c.DB)
	}
	proxies, err := server.ParseProxies(c.Config.TrustedProxies)
	if err != nil {
		return err
	}
	c.Server, err = newServer(c.Config, c.DB, demo, proxies)
	if err != nil {
		return err
	}
	if err := c.Server.Open(); err != nil {
		return err
	}
	if c.Config.SMTPURL != "" {
		sender, err := mail.NewSender(c.Config.SMTPURL, c.Config.MailFrom)
		if err != nil {
			return err
		}
		mctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		c.mailStop, c.mailDone = stop, make(chan struct{})
		go func() {
			defer close(c.mailDone)
			mail.Run(mctx, sqlstore.NewNoticeMailService(c.DB), sender, c.Server.StaffURL()+"/", time.Minute)
		}()
	}
	slog.Info("serving", "staff", c.Server.StaffURL(), "public", c.Server.PublicURL(), "engine", c.DB.Engine(), "demo", demo, "version", fristad.Version)
	return nil
}

// newServer is where Fristad is wired together, once: the domain services
// over the database, the three sites built from them — the portal given
// only its public side, through a read-only adapter — and the server that
// runs them.
func newServer(cfg Config, db *sqlstore.DB, demo bool, proxies []netip.Prefix) (*server.Server, error) {
	services := sqlstore.NewServices(db)
	assets, err := render.NewAssets()
	if err != nil {
		return nil, err
	}
	public := portal.ReadOnly(services)
	public.Demo, public.Assets, public.QuickExitURL = demo, assets, cfg.QuickExitURL
	portalUI, err := portal.New(public)
	if err != nil {
		return nil, err
	}
	editor := content.New(portalUI, services.ContentStore)
	workspace, err := web.New(web.Config{Services: services, Content: editor, Demo: demo, Assets: assets, StaffURL: cfg.StaffURL, Profiling: cfg.Pprof})
	if err != nil {
		return nil, err
	}
	return server.New(server.Config{
		StaffAddr:      cfg.StaffAddr,
		PublicAddr:     cfg.PublicAddr,
		StaffURL:       cfg.StaffURL,
		TrustedProxies: proxies,
		DB:             db,
		Assets:         assets,
		Workspace:      workspace,
		API:            api.New(api.Config{Services: services, Content: editor}),
		Portal:         portalUI,
		Collectors:     []prometheus.Collector{db.Collector()},
	})
}

// Wait serves until ctx ends (SIGINT or SIGTERM) or a site fails, then
// closes.
func (c *ServeCommand) Wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
		slog.Info("stopping")
	case err = <-c.Server.Err():
		slog.Error("a site stopped", "err", err)
	}
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close stops both sites, letting requests in flight finish within the
// shutdown timeout, and closes the database.
func (c *ServeCommand) Close() error {
	var err error
	if c.mailStop != nil {
		c.mailStop()
		<-c.mailDone
	}
	if c.Server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), c.Config.ShutdownTimeout)
		defer cancel()
		err = c.Server.Close(ctx)
	}
	if c.DB != nil {
		if cerr := c.DB.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
