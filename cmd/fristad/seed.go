package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
)

func runSeed(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	cfg.DataDir = demoDataDir
	var cases int
	fs := flagSet("seed", "Adds fictional cases to a demo installation, to try Fristad at the size of a\nnational programme: persons (sealed), cases in every step and pathway,\nassessments, support plans, notes, documents, tasks and about a hundred\naudit events a case, spread over the organisations and case workers it\ncreates. It loads the demo data first into an empty database, and refuses\na database that holds real data. Run the result with 'fristad demo' (or\n'fristad serve --demo'); every account has the demo password.", stdout)
	dataFlags(fs, &cfg)
	masterKeyFlag(fs, &cfg)
	fs.IntVar(&cases, "cases", 1000, "how many `cases` to add")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if cases < 1 || cases > 10_000_000 {
		return usageError{"--cases must be between 1 and 10000000"}
	}
	setupLogging(&cfg)
	dsn := cfg.DSN()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	demo, err := isDemoOrEmpty(ctx, db)
	source := db.String()
	db.Close()
	if err != nil {
		return err
	}
	if !demo {
		return fristad.Errorf(fristad.EINVALID, "%s holds data that is not demo data; seed adds fictional cases to a demo database or an empty one only", source)
	}
	kr, err := demoKeyring(&cfg, stdout)
	if err != nil {
		return err
	}
	if db, err = prepareDemo(ctx, dsn, kr); err != nil {
		return err
	}
	defer db.Close()
	db.KeyringFile = cfg.MasterKeyFile
	if _, err := seedDemo(ctx, db); err != nil {
		return err
	}

	fmt.Fprintf(stdout, "Seeding %d fictional cases into %s.\n", cases, db)
	progress, seeded := newProgress(stdout, int64(cases), "seeding cases"), 0
	start := time.Now()
	report, err := db.Seed(fristad.NewContextWithActor(ctx, fristad.SystemActor("seed")), sqlstore.SeedOptions{
		Cases:      cases,
		Password:   demoPassword,
		TOTPSecret: demoSecret,
		Progress: func(p sqlstore.SeedProgress) {
			progress.Add(int64(p.Cases - seeded))
			seeded = p.Cases
		},
		Seed: uint64(time.Now().UnixNano()),
	})
	progress.Done()
	if err != nil {
		return err
	}
	took := time.Since(start).Round(100 * time.Millisecond)
	fmt.Fprintf(stdout, "Added %s cases, %s audit events and %s rows in all in %s (%s cases/s), over %d organisations; %d new accounts.\n",
		thousands(int64(report.Cases)), thousands(report.Events), thousands(report.Rows), took,
		thousands(int64(float64(report.Cases)/took.Seconds())), report.Organisations, report.Users)
	if len(report.Workers) > 0 {
		w := report.Workers[0]
		fmt.Fprintf(stdout, "\nEvery seeded account has the password %q and the TOTP key of the demo's\n"+
			"accounts (see 'fristad demo'); a case worker, for one:\n\n  %-34s %-15s key %s\n\n", demoPassword, w.Role, w.Email, demoSecret(w.Email))
	}
	if cfg.DB == "" {
		fmt.Fprintf(stdout, "Run it with: fristad demo --data-dir %s\n", cfg.DataDir)
	} else {
		fmt.Fprintf(stdout, "Run it with: fristad serve --demo --db DATABASE --master-key-file %s\n", cfg.MasterKeyFile)
	}
	return nil
}

// thousands writes n with thin groups of three digits: 10,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
