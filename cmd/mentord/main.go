// Command mentord is the mentoring and scheduling server.
//
//	mentord [serve] [--addr :8000]   serve the API (the default)
//	mentord migrate                  apply database migrations
//	mentord createsuperuser          create a staff superuser
//	mentord healthcheck              exit 0 if the local server is ready
//	mentord version                  print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// Time zones work in a container image without an OS zone database.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal starts the graceful shutdown; the signals are then
	// let go, so a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		// -h printed the command's flags, as asked: not a failure.
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "mentord:", err)
		os.Exit(1)
	}
}

// stdin is where createsuperuser reads its answers; tests replace it.
var stdin io.Reader = os.Stdin
