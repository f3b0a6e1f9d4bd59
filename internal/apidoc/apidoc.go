// Package apidoc serves the OpenAPI document (docs/openapi.yaml): as written
// at /openapi.yaml, as JSON at /openapi.json, and as a readable HTML
// reference at /docs. The JSON and HTML forms are built on first request,
// so a server that is never asked for them never parses the document.
package apidoc

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mentord/mentord/docs"
)

// Load parses and validates the embedded document, recording where each
// element came from (the reference page keeps the document's order).
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromData(docs.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return doc, nil
}

// Server answers the three document routes.
type Server struct {
	once       sync.Once
	json, html []byte
	err        error
}

func (s *Server) build() {
	s.once.Do(func() {
		doc, err := Load()
		if err != nil {
			s.err = err
			return
		}
		if s.json, err = doc.MarshalJSON(); err != nil {
			s.err = err
			return
		}
		s.html, s.err = Reference(doc)
	})
}

// Register adds GET /openapi.yaml, /openapi.json and /docs.
func (s *Server) Register(rt interface{ HandleRaw(string, http.Handler) }) {
	rt.HandleRaw("GET /openapi.yaml", s.serve("application/yaml", func() []byte { return docs.OpenAPI }))
	rt.HandleRaw("GET /openapi.json", s.serve("application/json", func() []byte { return s.json }))
	rt.HandleRaw("GET /docs", s.serve("text/html; charset=utf-8", func() []byte { return s.html }))
}

func (s *Server) serve(contentType string, body func() []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.build()
		if s.err != nil {
			// Only a broken build gets here: the tests load the same bytes.
			http.Error(w, "the API document does not load: "+s.err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(body())
	})
}
