// Command fristad runs the Fristad support programme's software: the staff
// workspace, the public portal and the administrative tasks around them.
//
//	fristad serve     run both sites
//	fristad demo      run both sites on fictional demo data
//	fristad seed      add many fictional cases to a demo database
//	fristad migrate   bring the database schema up to date
//	fristad version   print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"fristad"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand. Run parses its own flags from args.
type command struct {
	name        string
	summary     string
	run         func(ctx context.Context, args []string, stdout io.Writer) error
	subcommands bool // the first argument names a subcommand
}

func commands() []command {
	return []command{
		{"serve", "run the staff workspace and the public portal", runServe, false},
		{"demo", "run both sites on fictional demo data", runDemo, false},
		{"seed", "add many fictional cases to a demo database", runSeed, false},
		{"migrate", "bring the database schema up to date", runMigrate, false},
		{"backup", "copy the embedded database and its key store, apart", runBackup, false},
		{"org", "create and list organisations", runOrg, true},
		{"user", "create, list and disable users", runUser, true},
		{"keys", "generate, rotate and retire master keys", runKeys, true},
		{"audit", "verify, checkpoint and list the audit trail", runAudit, true},
		{"token", "create, list and revoke API tokens", runToken, true},
		{"version", "print the version", runVersion, false},
	}
}

// run executes the command line and returns the exit code: 0 for success,
// 1 when the command failed, 2 for a usage error. Every failure is one
// line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if len(args) > 1 && c.subcommands && !strings.HasPrefix(args[1], "-") {
			name += " " + args[1]
		}
		err := c.run(ctx, args[1:], stdout)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		}
		fmt.Fprintf(stderr, "fristad %s: %s\n", name, oneLine(err))
		if _, ok := errors.AsType[usageError](err); ok {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stderr, "fristad: unknown command %q (see 'fristad --help')\n", name)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Fristad: case management and public information for a support programme\nfor people subjected to human trafficking.\n\nUsage: fristad COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'fristad COMMAND --help' for a command's flags.\n")
}

// flagErrHelp is returned after printing help that was asked for.
var flagErrHelp = flag.ErrHelp

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// oneLine returns err's message on one line: the user-facing message of a
// fristad error, or the first line of any other.
func oneLine(err error) string {
	msg := err.Error()
	if _, ok := errors.AsType[*fristad.Error](err); ok {
		msg = fristad.ErrorMessage(err)
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return msg
}
