package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A calendar feed's URL is its secret: the access log does not keep it.
func TestFeedTokensStayOutOfTheLog(t *testing.T) {
	var logs bytes.Buffer
	h := Middleware{Log: slog.New(slog.NewJSONHandler(&logs, nil))}.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/feed/0123456789abcdef0123456789abcdef01234567.ics", nil))
	if strings.Contains(logs.String(), "0123456789abcdef") || !strings.Contains(logs.String(), `"path":"/feed/…"`) {
		t.Fatalf("log: %s", logs.String())
	}
}
