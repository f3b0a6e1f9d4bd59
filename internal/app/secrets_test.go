package app_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// TestNoSecretInDatabaseFiles: after a password reset and invitations have
// been e-mailed, and the server has stopped, no byte of any database file
// (SQLite's database, WAL and shared-memory files; PostgreSQL's table files
// and write-ahead log) holds a reset token or an invitation token.
func TestNoSecretInDatabaseFiles(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		start := time.Now()
		dbURL := storetest.URL(t, e)
		s := apptest.Start(t, e, apptest.Options{URL: dbURL, Now: time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)})
		s.SignUp("ann")
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "ann@example.com"}).Do().Expect(204)
		s.Post("/accounts/signup/").JSON(map[string]string{"email": "olive@example.com", "username": "olive",
			"password": apptest.Password, "password2": apptest.Password}).Do().Expect(201)
		var tok struct{ Access string }
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&tok)
		var contacts []int
		for i := range 5 {
			var k struct{ ID int }
			s.Post("/schedules/contacts/").Bearer(tok.Access).JSON(map[string]string{"first_Name": fmt.Sprint("C", i), "last_Name": "G",
				"email": fmt.Sprintf("c%d@guests.example", i)}).Do().Expect(201).Decode(&k)
			contacts = append(contacts, k.ID)
		}
		s.Post("/schedules/calendars/create/").Bearer(tok.Access).JSON(map[string]any{"name": "N", "description": "D", "deadline": "2030-03-05",
			"invitees": contacts, "available_slots": []any{map[string]any{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference_level": 3}}}).
			Do().Expect(201)

		var secrets []string
		for _, m := range s.SMTP.Wait(6, 10*time.Second) {
			for _, re := range []*regexp.Regexp{apptest.ResetLink, apptest.InviteLink} {
				for _, sub := range re.FindAllStringSubmatch(m.Text, -1) {
					secrets = append(secrets, sub[2])
				}
			}
		}
		if len(secrets) != 6 {
			t.Fatalf("found %d secrets in the e-mails, want 6", len(secrets))
		}
		// The reset link still works, so it is a live secret worth finding.
		s.Close()
		if err := s.Store.Close(); err != nil {
			t.Fatal(err)
		}

		files := databaseFiles(t, e, dbURL, start)
		if len(files) == 0 {
			t.Fatal("no database files to scan")
		}
		var scanned int64
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				if os.IsNotExist(err) { // a WAL segment recycled meanwhile
					continue
				}
				t.Fatal(err)
			}
			scanned += int64(len(data))
			for _, secret := range secrets {
				if bytes.Contains(data, []byte(secret)) {
					t.Errorf("%s holds the secret %s", f, secret)
				}
			}
		}
		t.Logf("%s: scanned %d files, %d bytes, for %d secrets", e, len(files), scanned, len(secrets))
	})
}

// databaseFiles lists the files holding the test's database: SQLite's file
// and its companions; for PostgreSQL the files of the test schema's
// relations and the write-ahead log written since start (the cluster's
// data directory must be readable, as it is for CI, which runs it).
func databaseFiles(t *testing.T, e store.Engine, dbURL string, start time.Time) []string {
	if e == store.SQLite {
		path := strings.TrimPrefix(dbURL, "sqlite:")
		matches, _ := filepath.Glob(path + "*")
		return matches
	}
	u, _ := url.Parse(dbURL)
	schema := strings.Split(u.Query().Get("search_path"), ",")[0]
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		t.Skipf("cannot CHECKPOINT (%v); skipping the scan of PostgreSQL's files", err)
	}
	var dataDir string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('data_directory')").Scan(&dataDir); err != nil {
		t.Skipf("cannot read data_directory (%v); skipping the scan of PostgreSQL's files", err)
	}
	if _, err := os.Stat(dataDir); err != nil {
		t.Skipf("PostgreSQL's data directory is not readable here (%v); skipping the scan of its files", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE (n.nspname = $1 OR c.oid IN (SELECT reltoastrelid FROM pg_class k JOIN pg_namespace kn ON kn.oid = k.relnamespace WHERE kn.nspname = $1))
		AND pg_relation_filepath(c.oid) IS NOT NULL`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var rel string
		if err := rows.Scan(&rel); err != nil {
			t.Fatal(err)
		}
		segments, _ := filepath.Glob(filepath.Join(dataDir, rel) + "*") // the relation, its .1 segments, _fsm, _vm
		out = append(out, segments...)
	}
	filepath.WalkDir(filepath.Join(dataDir, "pg_wal"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && !info.ModTime().Before(start.Add(-time.Second)) {
				out = append(out, path)
			}
		}
		return nil
	})
	return out
}
