package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/store/storetest"
)

// TestLoadKitSmoke runs the whole kit on a tiny data set for a moment, so
// that it keeps working as the server changes: every scenario must get
// only the statuses it expects.
func TestLoadKitSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs mentord")
	}
	t.Chdir("../..") // the kit builds ./cmd/mentord from the repository root
	args := []string{"-mentors", "20", "-mentees", "50", "-chunks", "200", "-sessions", "500", "-groups", "20",
		"-duration", "300ms", "-warmup", "0", "-concurrency", "4", "-engines", "sqlite"}
	if url := os.Getenv(storetest.EnvPostgres); url != "" {
		args = append(args[:len(args)-1], "sqlite,postgres", "-postgres", url)
	}
	var out, errOut bytes.Buffer
	if err := loadMain(args, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	report := out.String()
	for _, want := range []string{"### SQLite", "`GET /mentor/`", "`POST /api/sessions/{id}/join/`", "peak RSS"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "first unexpected answer") {
		t.Errorf("a scenario got unexpected answers:\n%s", report)
	}
}
