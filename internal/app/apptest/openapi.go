package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/mentord/mentord/internal/apidoc"
)

// Every response a test server gives to a documented route is checked
// against docs/openapi.yaml, so the document cannot drift from the code.

var (
	docOnce  sync.Once
	docIndex *apidoc.Index
	docErr   error
)

func openAPIIndex() (*apidoc.Index, error) {
	docOnce.Do(func() {
		doc, err := apidoc.Load()
		if err != nil {
			docErr = err
			return
		}
		docIndex = apidoc.NewIndex(doc)
		openapi3filter.RegisterBodyDecoder("image/jpeg", openapi3filter.FileBodyDecoder)
		openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
	})
	return docIndex, docErr
}

// validating checks each response of h against the document and fails t on
// a mismatch. Routes the document does not have (unknown paths, methods a
// path does not take) are left to the route coverage test.
func validating(t testing.TB, idx *apidoc.Index, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, path := r.Method, r.URL.Path
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if method == http.MethodHead || method == http.MethodOptions {
			return
		}
		route, params := idx.Find(method, path)
		if route == nil {
			return
		}
		if err := checkResponse(r, route, params, rec); err != nil {
			body := rec.body.String()
			if len(body) > 400 {
				body = body[:400] + "…"
			}
			msg := err.Error()
			if len(msg) > 1500 {
				msg = msg[:1500] + "…"
			}
			t.Errorf("response does not match docs/openapi.yaml: %s %s (%s %s) → %d: %s\nbody: %s",
				method, path, route.Method, route.Path, rec.status(), msg, body)
		}
	})
}

func checkResponse(r *http.Request, route *routers.Route, params map[string]string, rec *recorder) error {
	header := rec.header
	if header == nil {
		header = rec.ResponseWriter.Header()
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.status(),
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		return err
	}
	// kin-openapi accepts any body for a response documented without one.
	resp := route.Operation.Responses.Status(rec.status())
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	if resp != nil && resp.Value != nil && len(resp.Value.Content) == 0 && rec.body.Len() > 0 {
		return fmt.Errorf("the document gives status %d no body, the server sent %d bytes", rec.status(), rec.body.Len())
	}
	return nil
}

// recorder passes a response through while keeping a copy.
type recorder struct {
	http.ResponseWriter
	code   int
	header http.Header
	body   bytes.Buffer
}

func (rec *recorder) WriteHeader(code int) {
	if rec.code == 0 {
		rec.code = code
		rec.header = rec.ResponseWriter.Header().Clone()
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.code == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	rec.body.Write(p)
	return rec.ResponseWriter.Write(p)
}

func (rec *recorder) status() int {
	if rec.code == 0 {
		return http.StatusOK
	}
	return rec.code
}

// Unwrap lets http.ResponseController reach the connection.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
