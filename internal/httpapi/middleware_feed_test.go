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

// Nor a password-reset or invitation link's token, on any surface.
func TestLinkTokensStayOutOfTheLog(t *testing.T) {
	for path, logged := range map[string]string{
		"/app/password/reset/MQ/cz8k2-SECRET":    "/app/password/reset/MQ/…",
		"/app/respond/7/SECRET":                  "/app/respond/7/…",
		"/schedules/calendars/7/respond/SECRET/": "/schedules/calendars/7/respond/…",
		"/schedules/calendars/7/respond/SECRET":  "/schedules/calendars/7/respond/…",
		"/app/password/reset":                    "/app/password/reset",
		"/auth/users/reset_password/":            "/auth/users/reset_password/",
		"/schedules/calendars/7/respond/":        "/schedules/calendars/7/respond/",
		"/v2/calendarfeed/":                      "/v2/calendarfeed/",
	} {
		var logs bytes.Buffer
		h := Middleware{Log: slog.New(slog.NewJSONHandler(&logs, nil))}.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if strings.Contains(logs.String(), "SECRET") || !strings.Contains(logs.String(), `"path":"`+logged+`"`) {
			t.Errorf("%s: log %s", path, logs.String())
		}
	}
}
