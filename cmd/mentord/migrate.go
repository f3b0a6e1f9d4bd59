package main

import (
	"context"
	"fmt"
	"io"
)

// migrate applies the pending migrations and names them.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no arguments")
	}
	cfg, err := loadConfig(getenv)
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
