package main

import (
	"os"
	"regexp"
	"testing"
)

// TestComposePassesSettingsThrough checks docker-compose.yml against the
// README's promise that the e-mail, URL and proxy settings pass through from
// the environment, each left to mentord's own default when unset (no Docker
// engine here to run it).
func TestComposePassesSettingsThrough(t *testing.T) {
	compose, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{"EMAIL_PORT": "587", "PUBLIC_URL": "http://localhost:8000"}
	for _, name := range []string{"PUBLIC_URL", "FRONTEND_URL", "CORS_ALLOWED_ORIGINS", "TRUSTED_PROXIES",
		"EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
		"EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL"} {
		line := regexp.MustCompile(`(?m)^\s+` + name + `: \$\{` + name + `:-` + regexp.QuoteMeta(defaults[name]) + `\}\s*$`)
		if !line.Match(compose) {
			t.Errorf("docker-compose.yml does not pass %s through with the default %q", name, defaults[name])
		}
	}
}
