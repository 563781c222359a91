package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fristad"
	"fristad/internal/mail"
	"fristad/internal/portal"
	"fristad/internal/server"
	"fristad/internal/sqlstore"
)

// Config is the configuration of every subcommand. Each value comes from
// its default, then a FRISTAD_* environment variable, then a flag; the
// database location may also be read from the file named by
// FRISTAD_DB_FILE, so a password need not sit in the environment.
type Config struct {
	DataDir         string
	DB              string
	StaffAddr       string
	StaffURL        string
	PublicAddr      string
	QuickExitURL    string
	MasterKeyFile   string
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
	IdleTimeout     time.Duration
	SessionMaxAge   time.Duration
	TrustedProxies  string // comma-separated addresses or CIDR prefixes
	SMTPURL         string // where notice mail goes; none sent when empty
	MailFrom        string
	Pprof           bool // the Go runtime's profiles on the staff listener, for administrators
	Demo            bool
	Reset           bool
	PrintConfig     bool
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		DataDir:         "./fristad-data",
		StaffAddr:       "127.0.0.1:8080",
		PublicAddr:      "127.0.0.1:8081",
		QuickExitURL:    portal.DefaultQuickExitURL,
		LogLevel:        "info",
		LogFormat:       "auto",
		ShutdownTimeout: 15 * time.Second,
		IdleTimeout:     fristad.DefaultIdleTimeout,
		SessionMaxAge:   fristad.DefaultAbsoluteTimeout,
	}
}

// DSN returns the database to use: --db, or the SQLite file in the data
// folder.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "fristad.db")
}

// flagSet returns a FlagSet for a subcommand that reports errors to its
// caller instead of printing them, and prints --help to stdout.
func flagSet(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("fristad "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: fristad %s [flags]\n\n%s\n\nFlags (each also read from the environment variable shown):\n", name, synopsis)
		fs.SetOutput(stdout)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(stdout, "  --%s", f.Name)
			if name, _ := flag.UnquoteUsage(f); name != "" {
				fmt.Fprintf(stdout, " %s", name)
			}
			_, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(stdout, "\n        %s", usage)
			if envName(f.Name) != "" {
				fmt.Fprintf(stdout, " [%s]", envName(f.Name))
			}
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(stdout, " (default %q)", f.DefValue)
			}
			fmt.Fprintln(stdout)
		})
		fs.SetOutput(io.Discard)
	}
	return fs
}

// dataFlags adds the flags of every subcommand that touches data.
func dataFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder for the embedded database and other data")
	fs.StringVar(&c.DB, "db", c.DB, "database: a postgres:// URL, or a SQLite file (default: fristad.db in the data folder)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: json, text, or auto (text on a terminal, json otherwise)")
}

// serverFlags adds the flags of the subcommands that run the sites.
func serverFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.StaffAddr, "staff-addr", c.StaffAddr, "`address` of the staff workspace (keep it on an internal network)")
	fs.StringVar(&c.PublicAddr, "public-addr", c.PublicAddr, "`address` of the public portal")
	fs.StringVar(&c.QuickExitURL, "quick-exit-url", c.QuickExitURL, "neutral `URL` the portal's quick exit leaves for")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "reverse proxies, as comma-separated `addresses` or CIDR prefixes, whose X-Forwarded-For names the client (for login throttling and the portal's call-back limit); from anyone else the header is ignored")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long to let requests finish when stopping")
	fs.DurationVar(&c.IdleTimeout, "session-idle-timeout", c.IdleTimeout, "a staff session ends after this long without a request")
	fs.DurationVar(&c.SessionMaxAge, "session-max-age", c.SessionMaxAge, "a staff session ends this long after login in any case")
	fs.BoolVar(&c.Pprof, "pprof", c.Pprof, "serve the Go runtime's profiles (CPU, heap, goroutines, trace) under /debug/pprof/ on the staff listener, to signed-in administrators only")
}

// mailFlags adds the flags of the mail that tells staff of changes to
// their accounts (SR-06).
func mailFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "SMTP relay for notices to staff, smtp://[user:password@]host[:port]; STARTTLS is required except on loopback (default: no e-mail, notices in the workspace only)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "the `address` notices are sent from")
}

// envOnly are flags that are not read from the environment: they change
// what one invocation does, not how the installation is set up.
var envOnly = map[string]bool{"print-config": true, "reset": true, "demo": true, "status": true}

// envName returns the environment variable for a flag.
func envName(flagName string) string {
	if envOnly[flagName] {
		return ""
	}
	return "FRISTAD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies the environment and then the command line to fs's flags,
// and checks the result. Every problem is one line.
func parse(fs *flag.FlagSet, c *Config, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if err != nil || name == "" {
			return
		}
		v, ok := os.LookupEnv(name)
		if file, fok := os.LookupEnv(name + "_FILE"); fok && !ok {
			buf, rerr := os.ReadFile(file)
			if rerr != nil {
				err = usageError{fmt.Sprintf("%s_FILE: cannot read %s", name, file)}
				return
			}
			v, ok = strings.TrimSpace(string(buf)), true
		}
		if !ok {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = usageError{fmt.Sprintf("%s: invalid value %q", name, v)}
		}
	})
	if err != nil {
		return err
	}
	// The flag package prints the usage on every parse error; print it
	// only when asked for.
	usage := fs.Usage
	fs.Usage = func() {}
	err = fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return err
		}
		return usageError{fmt.Sprintf("%v (see '%s --help')", err, fs.Name())}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (see '%s --help')", fs.Arg(0), fs.Name())}
	}
	return c.validate()
}

func (c *Config) validate() error {
	if c.DataDir == "" {
		return usageError{"--data-dir must not be empty"}
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		return usageError{fmt.Sprintf("--log-format %q: want json, text or auto", c.LogFormat)}
	}
	if strings.Contains(c.DB, "://") && !sqlstore.IsPostgres(c.DB) {
		return usageError{fmt.Sprintf("--db %q: want a postgres:// URL or a SQLite file path", sqlstore.RedactURL(c.DB))}
	}
	if _, err := server.ParseProxies(c.TrustedProxies); err != nil {
		return usageError{fmt.Sprintf("--trusted-proxies %q: want addresses or CIDR prefixes, separated by commas", c.TrustedProxies)}
	}
	if c.SMTPURL != "" {
		if _, err := mail.NewSender(c.SMTPURL, c.MailFrom); err != nil {
			return usageError{fmt.Sprintf("--smtp-url %q and --mail-from %q: %v", sqlstore.RedactURL(c.SMTPURL), c.MailFrom, err)}
		}
	}
	if c.ShutdownTimeout <= 0 {
		return usageError{"--shutdown-timeout must be positive"}
	}
	if c.IdleTimeout < 10*time.Second || c.SessionMaxAge < c.IdleTimeout || c.SessionMaxAge > 24*time.Hour {
		return usageError{"--session-idle-timeout must be at least 10s, and --session-max-age between it and 24h"}
	}
	return nil
}

// print writes the effective configuration as environment assignments,
// with the database password redacted.
func (c *Config) print(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if name == "" {
			return
		}
		v := f.Value.String()
		switch f.Name {
		case "db":
			v = sqlstore.RedactURL(c.DSN())
		case "smtp-url":
			v = sqlstore.RedactURL(v)
		}
		fmt.Fprintf(w, "%s=%s\n", name, v)
	})
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", s)}
	}
	return l, nil
}

// setupLogging makes log/slog write to stderr: JSON when stderr is not a
// terminal (collected by a log system), readable text when it is.
func setupLogging(c *Config) {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	format := c.LogFormat
	if format == "auto" {
		format = "json"
		if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			format = "text"
		}
	}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if format == "text" {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	slog.SetDefault(slog.New(h))
}
