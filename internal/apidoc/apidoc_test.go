package apidoc_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/apidoc"
	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
)

// TestEveryRouteDocumented fails on a route the server registers that the
// document lacks, and on a documented operation the server does not serve.
func TestEveryRouteDocumented(t *testing.T) {
	doc, err := apidoc.Load()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+apidoc.Normalize(path)] = true
		}
	}
	s := apptest.Start(t, store.SQLite)
	served := map[string]bool{}
	var missing []string
	for _, r := range s.App.Routes() {
		key := r.Method + " " + apidoc.Normalize(r.Path)
		served[key] = true
		if !documented[key] {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	var extra []string
	for key := range documented {
		if !served[key] {
			extra = append(extra, key)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("%d routes are not in docs/openapi.yaml:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("%d documented operations are not served:\n  %s", len(extra), strings.Join(extra, "\n  "))
	}
	if len(served) < 40 {
		t.Errorf("only %d routes registered; the route listing is broken", len(served))
	}
}

func TestDocumentServed(t *testing.T) {
	s := apptest.Start(t, store.SQLite)
	yaml := s.Get("/openapi.yaml").Do().Expect(200)
	if ct := yaml.Header.Get("Content-Type"); ct != "application/yaml" || !strings.HasPrefix(string(yaml.Body), "openapi: 3.1.0") {
		t.Errorf("/openapi.yaml: %s %.40q", ct, yaml.Body)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	s.Get("/openapi.json").Do().Expect(200).Decode(&doc)
	if doc.OpenAPI != "3.1.0" || doc.Paths["/readyz"]["get"] == nil {
		t.Errorf("/openapi.json: version %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
	page := s.Get("/docs").Do().Expect(200)
	if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("/docs content type %q", ct)
	}
	html := string(page.Body)
	for path, item := range doc.Paths {
		for method := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch"}, method) {
				continue // path-level parameters, summary, ...
			}
			if want := strings.ToUpper(method) + "</span>" + path + "</h3>"; !strings.Contains(html, want) {
				t.Errorf("/docs lacks %s %s", strings.ToUpper(method), path)
			}
		}
	}
	if strings.Contains(html, "<script") {
		t.Error("/docs should be a page without scripts")
	}
}
