package drf

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/httpapi"
)

// FuzzForm reads every kind of field out of any JSON body: values come back
// typed or as DRF messages, never a panic.
func FuzzForm(f *testing.F) {
	f.Add([]byte(`{"s": "x", "b": "True", "i": "12", "l": ["a", 1], "d": "2030-01-01T00:00:00Z", "p": 3}`))
	f.Add([]byte(`{"s": null, "b": 2, "i": 1.5, "l": "a,b", "d": 5, "p": "x"}`))
	f.Add([]byte(`{"s": "\u0000", "l": [null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		in, err := httpapi.ReadInput(r)
		if err != nil {
			return
		}
		form := NewForm(in)
		for _, name := range []string{"s", "b", "i", "l", "d", "p", "missing"} {
			form.Str(name, Str{Max: 10})
			form.Raw(name, true)
			form.Bool(name, true)
			form.Int(name, true)
			form.PK(name, true)
			form.List(name, true, true)
			form.DateTime(name, true)
		}
		if v := form.Invalid(); !v.Empty() {
			out := string(InvalidJSON(v))
			if !strings.HasPrefix(out, "{") || !strings.HasSuffix(out, "}") {
				t.Fatalf("bad error JSON %s", out)
			}
		}
	})
}
