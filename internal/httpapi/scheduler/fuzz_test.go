package scheduler

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
)

// FuzzSlots parses any slot list and meeting time this API accepts.
func FuzzSlots(f *testing.F) {
	f.Add([]byte(`{"s": [{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference_level": 3}], "w": "2030/03/12 13:00:00"}`))
	f.Add([]byte(`{"s": [{"date": 1, "start_time": null}], "w": "2030-03-12T13:00:00-04:00"}`))
	f.Add([]byte(`{"s": "x", "w": 5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		in, err := httpapi.ReadInput(r)
		if err != nil {
			return
		}
		form := drf.NewForm(in)
		if raw, ok := form.Value("s"); ok {
			for _, sl := range readSlots(form, "s", raw) {
				if sl.Start.Date() != sl.End.Date() {
					t.Fatalf("slot spans days: %+v", sl)
				}
			}
		}
		w, _ := form.Value("w")
		readWhen(w)
		readDeadline(form, true)
		readIDs(form, "s")
	})
}
