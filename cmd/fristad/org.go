package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"fristad"
	"fristad/internal/sqlstore"
)

func runOrg(ctx context.Context, args []string, stdout io.Writer) error {
	return runSubcommand(ctx, "org", args, stdout, []command{
		{"create", "create an organisation and print its id", runOrgCreate, false},
		{"list", "list the organisations", runOrgList, false},
		{"types", "list the organisation types", runOrgTypes, false},
	})
}

func runOrgCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var org fristad.Organisation
	fs := flagSet("org create", "Creates an organisation and prints its id alone, for scripts.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&org.Name, "name", "", "the organisation's `name` (required)")
	fs.StringVar(&org.Type, "type", "", "the organisation's `type` (see 'fristad org types')")
	fs.StringVar(&org.Region, "region", "", "county or `region`")
	fs.StringVar(&org.Country, "country", "SE", "two-letter ISO 3166 `country` code")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		if err := svc.Organisations.CreateOrganisation(ctx, &org); err != nil {
			return err
		}
		fmt.Fprintln(stdout, org.ID)
		return nil
	})
}

func runOrgList(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	fs := flagSet("org list", "Lists the organisations: id, type, country, region and name.", stdout)
	dataFlags(fs, &cfg)
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		orgs, err := svc.Organisations.FindOrganisations(ctx, fristad.OrganisationFilter{})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTYPE\tCOUNTRY\tREGION\tNAME")
		for _, o := range orgs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.Type, o.Country, o.Region, o.Name)
		}
		return w.Flush()
	})
}

func runOrgTypes(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	fs := flagSet("org types", "Lists the organisation types.", stdout)
	dataFlags(fs, &cfg)
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		types, err := svc.Organisations.OrganisationTypes(ctx)
		for _, t := range types {
			fmt.Fprintln(stdout, t)
		}
		return err
	})
}

// withStore opens the database, checks its schema, and runs fn with a
// context in which the command line acts as the system.
func withStore(ctx context.Context, cfg *Config, fn func(context.Context, *sqlstore.DB) error) error {
	setupLogging(cfg)
	db, err := sqlstore.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	return fn(fristad.NewContextWithActor(ctx, fristad.SystemActor("cli")), db)
}

// runSubcommand dispatches to one of a command's subcommands.
func runSubcommand(ctx context.Context, parent string, args []string, stdout io.Writer, subs []command) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, "Usage: fristad %s COMMAND [flags]\n\nCommands:\n", parent)
		for _, c := range subs {
			fmt.Fprintf(stdout, "  %-11s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return usageError{fmt.Sprintf("which one? (see 'fristad %s --help')", parent)}
		}
		return flagErrHelp
	}
	for _, c := range subs {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	return usageError{fmt.Sprintf("unknown command %q (see 'fristad %s --help')", args[0], parent)}
}
