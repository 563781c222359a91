package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
)

func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	return runSubcommand(ctx, "user", args, stdout, []command{
		{"create", "create a user and print a single-use activation link", runUserCreate, false},
		{"activation", "issue a new activation link for a user", runUserActivation, false},
		{"disable", "disable a user and end their sessions", runUserDisable, false},
		{"roles", "set a user's roles and end their sessions", runUserRoles, false},
		{"list", "list the users", runUserList, false},
	})
}

// staffURLFlag adds --staff-url, the address users reach the workspace
// at, for the links the commands print.
func staffURLFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.StaffURL, "staff-url", c.StaffURL, "the `URL` staff reach the workspace at, for activation links (default: from --staff-addr)")
}

func runUserCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var (
		orgRef, roles string
		bootstrap     bool
		user          fristad.User
	)
	fs := flagSet("user create", "Creates a user and prints a single-use activation link, valid for 24 hours,\nwith which the user sets a password and enrols a second factor.\n\nWith --bootstrap, creates the first administrator of a new installation\n(in the organisation --org names, created if needed); refused once one exists.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&cfg.StaffAddr, "staff-addr", cfg.StaffAddr, "`address` of the staff workspace")
	staffURLFlag(fs, &cfg)
	fs.StringVar(&orgRef, "org", "", "the user's organisation: its `name or id`")
	fs.StringVar(&user.Email, "email", "", "the user's e-mail `address`, their login name")
	fs.StringVar(&user.Name, "name", "", "the user's `name`")
	fs.StringVar(&roles, "role", "", "comma-separated `roles`: "+roleNames())
	fs.BoolVar(&bootstrap, "bootstrap", false, "create the first administrator")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		var a *fristad.Activation
		if bootstrap {
			if orgRef == "" {
				orgRef = "Fristad administration"
			}
			org := &fristad.Organisation{Name: orgRef, Type: "national_coordinator"}
			u, act, err := svc.Users.BootstrapAdministrator(ctx, org, user.Email)
			if err != nil {
				return err
			}
			user, a = *u, act
		} else {
			rs, err := fristad.ParseRoles(roles)
			if err != nil {
				return err
			}
			org, err := findOrg(ctx, db, orgRef)
			if err != nil {
				return err
			}
			user.OrganisationID, user.Roles = org.ID, rs
			if a, err = svc.Users.CreateUser(ctx, &user); err != nil {
				return err
			}
		}
		printActivation(stdout, &cfg, a)
		return nil
	})
}

func runUserActivation(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var email string
	fs := flagSet("user activation", "Issues a new single-use activation link for a user; earlier links stop working.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&cfg.StaffAddr, "staff-addr", cfg.StaffAddr, "`address` of the staff workspace")
	staffURLFlag(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's e-mail `address`")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		u, err := findUserByEmail(ctx, db, email)
		if err != nil {
			return err
		}
		a, err := svc.Users.CreateActivation(ctx, u.ID)
		if err != nil {
			return err
		}
		printActivation(stdout, &cfg, a)
		return nil
	})
}

func runUserDisable(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var email string
	fs := flagSet("user disable", "Disables a user; their sessions end at once.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's e-mail `address`")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		u, err := findUserByEmail(ctx, db, email)
		if err != nil {
			return err
		}
		if err := svc.Users.DisableUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Disabled %s.\n", u.Email)
		return nil
	})
}

func runUserList(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	fs := flagSet("user list", "Lists the users: id, e-mail address, state, roles and organisation id.", stdout)
	dataFlags(fs, &cfg)
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		users, err := svc.Users.FindUsers(ctx, fristad.UserFilter{})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tEMAIL\tSTATE\tROLES\tORGANISATION")
		for _, u := range users {
			state := "active"
			switch {
			case u.Disabled:
				state = "disabled"
			case !u.Activated:
				state = "not activated"
			}
			var rs []string
			for _, r := range u.Roles {
				rs = append(rs, string(r))
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, state, strings.Join(rs, ","), u.OrganisationID)
		}
		return w.Flush()
	})
}

func printActivation(w io.Writer, cfg *Config, a *fristad.Activation) {
	base := cfg.StaffURL
	if base == "" {
		base = "http://" + cfg.StaffAddr
	}
	link := strings.TrimSuffix(base, "/") + "/activate?token=" + url.QueryEscape(a.Token)
	fmt.Fprintf(w, "Activation link for %s, valid until %s, for one use only:\n%s\n",
		a.Email, a.ExpiresAt.Local().Format(time.DateTime), link)
}

func findOrg(ctx context.Context, db *sqlstore.DB, ref string) (*fristad.Organisation, error) {
	svc := sqlstore.NewServices(db)
	if ref == "" {
		return nil, usageError{"--org is required"}
	}
	if org, err := svc.Organisations.FindOrganisationByID(ctx, ref); err == nil {
		return org, nil
	}
	orgs, err := svc.Organisations.FindOrganisations(ctx, fristad.OrganisationFilter{Name: &ref})
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no organisation named %q (see 'fristad org list')", ref)
	}
	return orgs[0], nil
}

func findUserByEmail(ctx context.Context, db *sqlstore.DB, email string) (*fristad.User, error) {
	svc := sqlstore.NewServices(db)
	if email == "" {
		return nil, usageError{"--email is required"}
	}
	users, err := svc.Users.FindUsers(ctx, fristad.UserFilter{Email: &email})
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no user with that e-mail address")
	}
	return users[0], nil
}

func roleNames() string {
	var names []string
	for _, r := range fristad.Roles {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func runUserRoles(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var email, roles string
	fs := flagSet("user roles", "Sets a user's roles; their sessions end at once, so the change applies from\nthe very next request.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's e-mail `address`")
	fs.StringVar(&roles, "role", "", "comma-separated `roles`: "+roleNames())
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		rs, err := fristad.ParseRoles(roles)
		if err != nil {
			return err
		}
		u, err := findUserByEmail(ctx, db, email)
		if err != nil {
			return err
		}
		if err := svc.Users.SetRoles(ctx, u.ID, rs); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s now has roles %s.\n", u.Email, roles)
		return nil
	})
}
