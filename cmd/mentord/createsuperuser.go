package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi/drf"
)

// createSuperuser makes a staff superuser, asking for what the flags and the
// environment do not give.
func createSuperuser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("createsuperuser", stderr)
	noinput := fs.Bool("noinput", false, "do not prompt; read DJANGO_SUPERUSER_* from the environment")
	fs.BoolVar(noinput, "no-input", false, "same as --noinput")
	username := fs.String("username", "", "username")
	email := fs.String("email", "", "e-mail address")
	cfg, err := configure(fs, args, getenv)
	if err != nil {
		return err
	}
	pick := func(flagVal, env string) string {
		if flagVal != "" {
			return flagVal
		}
		return getenv(env)
	}
	user, mail, password := pick(*username, "DJANGO_SUPERUSER_USERNAME"), pick(*email, "DJANGO_SUPERUSER_EMAIL"), getenv("DJANGO_SUPERUSER_PASSWORD")
	if *noinput {
		if user == "" || mail == "" || password == "" {
			return errors.New("--noinput needs DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD and DJANGO_SUPERUSER_EMAIL")
		}
	} else {
		in := bufio.NewReader(stdin)
		ask := func(prompt, current string) (string, error) {
			if current != "" {
				return current, nil
			}
			fmt.Fprint(stdout, prompt)
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
			}
			return strings.TrimSpace(line), nil
		}
		if user, err = ask("Username: ", user); err != nil {
			return err
		}
		if mail, err = ask("Email address: ", mail); err != nil {
			return err
		}
		if password == "" {
			p1, err := readSecret(in, stdout, "Password: ")
			if err != nil {
				return err
			}
			p2, err := readSecret(in, stdout, "Password (again): ")
			if err != nil {
				return err
			}
			if p1 != p2 {
				return errors.New("the passwords do not match")
			}
			password = p1
		}
	}
	a, _, err := openApp(ctx, cfg, newLogger(cfg, stderr), stdout)
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if existing, err := a.Store.UserByUsername(ctx, strings.ToLower(user)); err == nil && existing.IsSuperuser && *noinput {
		// The original deployment ran this at every start; keep it idempotent.
		fmt.Fprintf(stdout, "Superuser %s already exists.\n", existing.Username)
		return nil
	}
	u, err := a.Accounts.CreateSuperuser(ctx, user, mail, password)
	if err != nil {
		if v, ok := errs.AsInvalid(err); ok {
			var msgs []string
			// The generic checks carry a code, not a text: word them as
			// the API does, or "email: " says nothing.
			for _, f := range v.Fields {
				for _, m := range f.Msgs {
					msgs = append(msgs, f.Field+": "+drf.Word(m))
				}
			}
			for _, m := range v.NonField {
				msgs = append(msgs, drf.Word(m))
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		return err
	}
	fmt.Fprintf(stdout, "Superuser %s created successfully.\n", u.Username)
	return nil
}

// readSecret reads a line without echo when stdin is a terminal.
func readSecret(in *bufio.Reader, stdout io.Writer, prompt string) (string, error) {
	fmt.Fprint(stdout, prompt)
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		return string(b), err
	}
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
