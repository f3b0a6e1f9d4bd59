package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPanicsBecomeLoggedJSON500s(t *testing.T) {
	var logs bytes.Buffer
	h := Middleware{Log: slog.New(slog.NewJSONHandler(&logs, nil))}.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || rec.Body.String() != `{"detail":"A server error occurred."}` || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) || !strings.Contains(logs.String(), `"status":500`) {
		t.Fatalf("log: %s", logs.String())
	}
}

func TestTrailingSlashAndMethodRouting(t *testing.T) {
	rt := NewRouter()
	var got string
	rend := rendererFunc(func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(599)
		got = err.Error()
	})
	rt.Handle("POST", "/things/{id}", rend, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("post " + r.PathValue("id"))) })
	rt.Handle("GET", "/things/special", rend, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("special")) })
	rt.NotFound("/", rend)
	h := rt.Handler()
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/things/7/", "post 7"}, {"POST", "/things/7", "post 7"}, {"GET", "/things/special/", "special"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Body.String() != tc.want {
			t.Errorf("%s %s: %q", tc.method, tc.path, rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("DELETE", "/things/7/", nil))
	if rec.Code != 599 || !strings.Contains(got, "DELETE") || rec.Header().Get("Allow") != "POST, OPTIONS" {
		t.Fatalf("405: %d %q %q", rec.Code, got, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/unknown", nil))
	if rec.Code != 599 || got != "not found" {
		t.Fatalf("404: %d %q", rec.Code, got)
	}
}

func TestClientBehindTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	var got string
	h := Middleware{Log: slog.New(slog.DiscardHandler), TrustedProxies: trusted}.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = ClientIP(r)
	}))
	for _, tc := range []struct{ remote, xff, want string }{
		{"10.1.2.3:5555", "203.0.113.9, 10.0.0.7", "203.0.113.9"},
		{"10.1.2.3:5555", "198.51.100.1, 203.0.113.9", "203.0.113.9"}, // the first hop is the client's to forge
		{"10.1.2.3:5555", "", "10.1.2.3"},
		{"10.1.2.3:5555", "garbage, 10.0.0.7", "10.1.2.3"},
		{"192.0.2.50:4444", "203.0.113.9", "192.0.2.50"}, // not a proxy: its header means nothing
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		if tc.xff != "" {
			req.Header.Set("X-Forwarded-For", tc.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got != tc.want {
			t.Errorf("%s with %q: client %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}

type rendererFunc func(w http.ResponseWriter, r *http.Request, err error)

func (f rendererFunc) Error(w http.ResponseWriter, r *http.Request, err error) { f(w, r, err) }
