package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"fristad"
)

func runVersion(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("version", "Prints the version of this build.", stdout)
	cfg := DefaultConfig()
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	commit := fristad.Commit
	if commit == "" {
		commit = "unknown commit"
	}
	fmt.Fprintf(stdout, "fristad %s (%s, %s)\n", fristad.Version, commit, runtime.Version())
	return nil
}
