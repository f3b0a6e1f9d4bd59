package apidoc

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Index finds the documented operation of a request. Paths match with or
// without a trailing slash, as the server serves them; a literal segment
// beats a parameter ("/auth/users/me" over "/auth/users/{id}"); a final
// parameter named "path" takes the rest of the path, slashes included
// ("/media/{path}").
type Index struct {
	doc       *openapi3.T
	templates []pathTemplate
}

type pathTemplate struct {
	path     string // as documented
	segments []string
	item     *openapi3.PathItem
}

// NewIndex indexes doc's paths.
func NewIndex(doc *openapi3.T) *Index {
	idx := &Index{doc: doc}
	for path, item := range doc.Paths.Map() {
		idx.templates = append(idx.templates, pathTemplate{path: path, segments: segments(path), item: item})
	}
	return idx
}

// Normalize writes a path template with its parameters unnamed and no
// trailing slash ("/auth/users/{}"), the form in which a documented path and
// a registered route compare.
func Normalize(path string) string {
	segs := segments(path)
	for i, s := range segs {
		if isParam(s) {
			segs[i] = "{}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

func segments(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// Find returns the documented route of method and a request path, with the
// path's parameters, or nil when the document has no such operation.
func (idx *Index) Find(method, path string) (*routers.Route, map[string]string) {
	got := segments(path)
	var best *pathTemplate
	var bestParams map[string]string
	var bestScore []bool
	for i := range idx.templates {
		t := &idx.templates[i]
		op := t.item.GetOperation(method)
		if op == nil {
			continue
		}
		params, score, ok := t.match(got)
		if !ok {
			continue
		}
		if best == nil || beats(score, bestScore) {
			best, bestParams, bestScore = t, params, score
		}
	}
	if best == nil {
		return nil, nil
	}
	return &routers.Route{Spec: idx.doc, Path: best.path, PathItem: best.item, Method: method,
		Operation: best.item.GetOperation(method)}, bestParams
}

// match reports whether the template matches the segments; score marks
// which segments matched literally.
func (t *pathTemplate) match(got []string) (map[string]string, []bool, bool) {
	params := map[string]string{}
	score := make([]bool, len(t.segments))
	for i, seg := range t.segments {
		if i >= len(got) {
			return nil, nil, false
		}
		if !isParam(seg) {
			if seg != got[i] {
				return nil, nil, false
			}
			score[i] = true
			continue
		}
		name := seg[1 : len(seg)-1]
		if name == "path" && i == len(t.segments)-1 {
			params[name] = strings.Join(got[i:], "/")
			return params, score, true
		}
		params[name] = got[i]
	}
	return params, score, len(got) == len(t.segments)
}

// beats prefers the earliest literal segment.
func beats(a, b []bool) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return len(a) > len(b)
}
