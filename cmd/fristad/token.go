package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
)

func runToken(ctx context.Context, args []string, stdout io.Writer) error {
	return runSubcommand(ctx, "token", args, stdout, []command{
		{"create", "create a personal API token and print it", runTokenCreate, false},
		{"list", "list a user's API tokens", runTokenList, false},
		{"revoke", "revoke an API token at once", runTokenRevoke, false},
	})
}

func runTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var email, name, scope string
	var ttl time.Duration
	fs := flagSet("token create", "Creates a personal API token for a user and prints it alone on the last line.\nOnly a hash is kept: the token cannot be shown again. Use it as\n  Authorization: Bearer TOKEN", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&email, "user", "", "the user's e-mail `address`")
	fs.StringVar(&name, "name", "", "what the token is for")
	fs.StringVar(&scope, "scope", fristad.ScopeRead, "read or write")
	fs.DurationVar(&ttl, "expires", fristad.DefaultTokenTTL, "how long the token lives (at most 8760h)")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		u, err := findUserByEmail(ctx, db, email)
		if err != nil {
			return err
		}
		t, err := svc.Tokens.CreateToken(ctx, u.ID, name, scope, ttl)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Token %s for %s, scope %s, valid until %s:\n%s\n", t.ID, u.Email, t.Scope, t.ExpiresAt.Local().Format(time.DateTime), t.Token)
		return nil
	})
}

func runTokenList(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var email string
	fs := flagSet("token list", "Lists a user's API tokens (never the tokens themselves).", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&email, "user", "", "the user's e-mail `address`")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		u, err := findUserByEmail(ctx, db, email)
		if err != nil {
			return err
		}
		tokens, err := svc.Tokens.FindTokens(ctx, u.ID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tSCOPE\tEXPIRES\tSTATE\tNAME")
		for _, t := range tokens {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked"
			} else if time.Now().After(t.ExpiresAt) {
				state = "expired"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Scope, t.ExpiresAt.Local().Format(time.DateOnly), state, t.Name)
		}
		return w.Flush()
	})
}

func runTokenRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var id string
	fs := flagSet("token revoke", "Revokes an API token; the next request with it is refused.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&id, "id", "", "the token's `id` (see 'fristad token list')")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		if err := svc.Tokens.RevokeToken(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked %s.\n", id)
		return nil
	})
}
