package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"text/tabwriter"

	"fristad"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
)

func runKeys(ctx context.Context, args []string, stdout io.Writer) error {
	return runSubcommand(ctx, "keys", args, stdout, []command{
		{"generate", "create a new master key file", runKeysGenerate, false},
		{"status", "show the master keys and how many data keys each wraps", runKeysStatus, false},
		{"rotate", "add a new master key and re-wrap every data key under it", runKeysRotate, false},
		{"retire", "remove an old master key that wraps nothing any more", runKeysRetire, false},
	})
}

// masterKeyFlag adds --master-key-file.
func masterKeyFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile, "`file` holding the master keys that wrap the data keys (mode 0600 or 0400)")
}

// loadKeyring reads the master key file the configuration names.
func loadKeyring(c *Config) (*seal.Keyring, error) {
	if c.MasterKeyFile == "" {
		return nil, usageError{"no master key: give --master-key-file (create one with 'fristad keys generate --out FILE')"}
	}
	kr, err := seal.LoadKeyringFile(c.MasterKeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fristad.Errorf(fristad.EINVALID, "master key file %s does not exist (create one with 'fristad keys generate --out FILE')", c.MasterKeyFile)
	}
	if err != nil {
		return nil, fristad.Errorf(fristad.EINVALID, "master key file %s: %v", c.MasterKeyFile, err)
	}
	return kr, nil
}

func runKeysGenerate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var out string
	fs := flagSet("keys generate", "Creates a new master key file, readable by its owner only. Keep it apart\nfrom the database and its backups: whoever has both can read sealed data.", stdout)
	fs.StringVar(&out, "out", "", "the `file` to create; an existing file is never overwritten")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if out == "" {
		return usageError{"--out is required"}
	}
	kr, err := seal.GenerateKeyringFile(out)
	if err != nil {
		return fristad.Errorf(fristad.EINVALID, "%v", err)
	}
	fmt.Fprintf(stdout, "Created %s with master key %s.\n", out, kr.PrimaryID())
	return nil
}

func runKeysStatus(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	fs := flagSet("keys status", "Shows the master keys in the key file and how many data keys each wraps.", stdout)
	dataFlags(fs, &cfg)
	masterKeyFlag(fs, &cfg)
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withKeys(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB, kr *seal.Keyring) error {
		use, err := db.KeyUse(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "MASTER KEY\tPRIMARY\tDATA KEYS")
		for _, id := range kr.KeyIDs() {
			primary := ""
			if id == kr.PrimaryID() {
				primary = "yes"
			}
			fmt.Fprintf(w, "%s\t%s\t%d\n", id, primary, use[id])
		}
		for id, n := range use {
			if !kr.Has(id) {
				fmt.Fprintf(w, "%s\tMISSING\t%d\n", id, n)
			}
		}
		return w.Flush()
	})
}

func runKeysRotate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	fs := flagSet("keys rotate", "Adds a new primary master key to the key file, then re-wraps every data key\nunder it, one at a time, while Fristad keeps running. Safe to run again\nif interrupted. Afterwards, retire the old key with 'fristad keys retire'.", stdout)
	dataFlags(fs, &cfg)
	masterKeyFlag(fs, &cfg)
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withKeys(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB, kr *seal.Keyring) error {
		old := kr.PrimaryID()
		id, err := kr.AddPrimary()
		if err != nil {
			return err
		}
		// The file first: a crash after this leaves both keys in it, and
		// every data key still opens.
		if err := kr.WriteFile(cfg.MasterKeyFile); err != nil {
			return err
		}
		n, err := db.RewrapKeys(ctx)
		if err != nil {
			return fmt.Errorf("re-wrapped %d data keys, then: %w (run 'fristad keys rotate' again)", n, err)
		}
		fmt.Fprintf(stdout, "New master key %s; re-wrapped %d data keys. Retire the old key with:\n  fristad keys retire --id %s\n", id, n, old)
		return nil
	})
}

func runKeysRetire(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var id string
	fs := flagSet("keys retire", "Removes a master key from the key file once no data key needs it.", stdout)
	dataFlags(fs, &cfg)
	masterKeyFlag(fs, &cfg)
	fs.StringVar(&id, "id", "", "the master key `id` to remove")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	return withKeys(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB, kr *seal.Keyring) error {
		if !slices.Contains(kr.KeyIDs(), id) {
			return fristad.Errorf(fristad.ENOTFOUND, "no master key %q in %s", id, cfg.MasterKeyFile)
		}
		use, err := db.KeyUse(ctx)
		if err != nil {
			return err
		}
		if use[id] > 0 {
			return fristad.Errorf(fristad.ECONFLICT, "master key %s still wraps %d data keys: run 'fristad keys rotate' first", id, use[id])
		}
		if err := kr.Remove(id); err != nil {
			return fristad.Errorf(fristad.EINVALID, "%v", err)
		}
		if err := kr.WriteFile(cfg.MasterKeyFile); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Removed master key %s.\n", id)
		return nil
	})
}

// withKeys is withStore with the master keys loaded into the store.
func withKeys(ctx context.Context, cfg *Config, fn func(context.Context, *sqlstore.DB, *seal.Keyring) error) error {
	kr, err := loadKeyring(cfg)
	if err != nil {
		return err
	}
	return withStore(ctx, cfg, func(ctx context.Context, db *sqlstore.DB) error {
		if err := db.InitKeys(ctx, kr); err != nil {
			return err
		}
		return fn(ctx, db, kr)
	})
}
