package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/sqlstore"

	"golang.org/x/mod/sumdb/note"
)

func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	return runSubcommand(ctx, "audit", args, stdout, []command{
		{"keygen", "create the key that signs audit checkpoints", runAuditKeygen, false},
		{"checkpoint", "sign the current head of the audit trail and print it", runAuditCheckpoint, false},
		{"verify", "prove that no audit event was altered, removed, inserted or reordered", runAuditVerify, false},
		{"list", "list audit events, newest first", runAuditList, false},
	})
}

func runAuditKeygen(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var out, name string
	fs := flagSet("audit keygen", "Creates the key that signs audit checkpoints, in a file readable by its owner\nonly, and prints the verifier key to give to auditors and witnesses. Keep the\nsigning key apart from the database: with both, history could be rewritten.", stdout)
	fs.StringVar(&out, "out", "", "the `file` for the signing key; never overwritten")
	fs.StringVar(&name, "name", "fristad-audit", "the key's `name`, shown in signatures")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if out == "" {
		return usageError{"--out is required"}
	}
	skey, vkey, err := audit.NewKey(name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fristad.Errorf(fristad.EINVALID, "cannot create %s: %v", out, errors.Unwrap(err))
	}
	if _, err := fmt.Fprintln(f, skey); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s. The verifier key, for 'fristad audit verify --verifier-key':\n%s\n", out, vkey)
	return nil
}

func runAuditCheckpoint(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var keyFile string
	fs := flagSet("audit checkpoint", "Signs the current head of the audit trail, stores the checkpoint and prints\nit. Keep the printed checkpoint outside the system — with auditors, in the\nregistry — so a rewritten history can be caught later.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&keyFile, "key-file", "", "the signing key `file` from 'fristad audit keygen'")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if keyFile == "" {
		return usageError{"--key-file is required"}
	}
	buf, err := os.ReadFile(keyFile)
	if err != nil {
		return fristad.Errorf(fristad.EINVALID, "cannot read %s: %v", keyFile, errors.Unwrap(err))
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(buf)))
	if err != nil {
		return fristad.Errorf(fristad.EINVALID, "%s does not hold a signing key", keyFile)
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		signed, err := db.CheckpointAudit(ctx, signer)
		if err != nil {
			return err
		}
		_, err = stdout.Write(signed)
		return err
	})
}

func runAuditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var keys, witnessed stringList
	fs := flagSet("audit verify", "Recomputes every event's hash and the tree above them, checks the signed\ncheckpoints and, given checkpoints kept outside the system, that the log\nstill contains what they saw. Exits 1 and names the first bad event when\nanything was altered, removed, inserted or reordered.", stdout)
	dataFlags(fs, &cfg)
	fs.Var(&keys, "verifier-key", "a verifier `key` for the checkpoints' signatures (repeatable)")
	fs.Var(&witnessed, "witness", "a `file` holding a checkpoint kept outside the system (repeatable)")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	var verifiers []note.Verifier
	for _, k := range keys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return usageError{fmt.Sprintf("--verifier-key %q is not a verifier key", k)}
		}
		verifiers = append(verifiers, v)
	}
	list := note.VerifierList(verifiers...)
	var outside []audit.Checkpoint
	for _, file := range witnessed {
		buf, err := os.ReadFile(file)
		if err != nil {
			return fristad.Errorf(fristad.EINVALID, "cannot read %s: %v", file, errors.Unwrap(err))
		}
		c, err := audit.OpenCheckpoint(buf, list)
		if err != nil {
			return fristad.Errorf(fristad.EINVALID, "%s: not a checkpoint signed by a given key: %v", file, err)
		}
		outside = append(outside, c)
	}
	// Verify reads gigabytes of rows but keeps only a few batches of them:
	// collecting garbage when the small live heap has grown fivefold
	// rather than twofold saves it about a tenth of its time, for some
	// 50 MB more memory.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		var report *audit.Report
		var bar *progress
		var seen int64
		err := db.ReadAuditLog(ctx, func(l audit.Log) error {
			var err error
			report, err = audit.VerifyProgress(ctx, l, list, outside, func(done, total int64) {
				if bar == nil {
					bar = newProgress(os.Stderr, total, "verifying")
				}
				bar.Add(done - seen)
				seen = done
			})
			return err
		})
		if bar != nil {
			bar.Done()
		}
		if err != nil {
			return fmt.Errorf("FAILED: %w", err)
		}
		fmt.Fprintf(stdout, "ok: %d events, %d signed checkpoints, %d witnessed; root %s\n",
			report.Size, len(report.Checkpoints), report.Witnessed, report.Root)
		return nil
	})
}

func runAuditList(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var filter fristad.AuditFilter
	var object, actor string
	fs := flagSet("audit list", "Lists audit events, newest first: who did what to which record, and when.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&object, "object", "", "only events about this record `id`")
	fs.StringVar(&actor, "actor", "", "only events by this user `id`")
	fs.IntVar(&filter.Limit, "limit", 50, "at most this many `events`")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if object != "" {
		filter.ObjectID = &object
	}
	if actor != "" {
		filter.ActorID = &actor
	}
	return withStore(ctx, &cfg, func(ctx context.Context, db *sqlstore.DB) error {
		svc := sqlstore.NewServices(db)
		events, err := svc.Audit.FindAuditEvents(ctx, filter)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "SEQ\tTIME (UTC)\tACTOR\tACTION\tRESULT\tOBJECT")
		for _, e := range events {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s %s\n", e.Seq, e.Time.UTC().Format("2006-01-02 15:04:05"), e.ActorID, e.Action, e.Result, e.ObjectType, e.ObjectID)
		}
		return w.Flush()
	})
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }
