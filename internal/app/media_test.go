package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/store"
)

// TestMediaCannotRunScript: a file under MEDIA_ROOT that a browser would
// run (an SVG or HTML page from an imported deployment; uploads are
// re-encoded photos) is served with a policy that runs no script and
// sandboxes it, so opening /media/… cannot act on the site's origin.
func TestMediaCannotRunScript(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "profile_photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"profile_photos/old.svg": `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>`,
		"profile_photos/x.html":  `<script>alert(document.domain)</script>`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := apptest.Start(t, store.SQLite, apptest.Options{NoWorker: true, Config: func(c *config.Config) { c.MediaRoot = root }})
	for name := range files {
		res := s.Get("/media/" + name).Do().Expect(200)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") {
			t.Errorf("/media/%s: Content-Security-Policy %q, want default-src 'none' and sandbox", name, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("/media/%s: no nosniff", name)
		}
	}
}
