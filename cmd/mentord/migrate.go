package main

import (
	"context"
	"fmt"
	"io"
)

// migrate applies the pending migrations and names them.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := configure(newFlags("migrate", stderr), args, getenv)
	if err != nil {
		return err
	}
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "No migrations to apply.")
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "Applied", m)
	}
	return nil
}
