package scheduler

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/mentord/mentord/internal/httpapi/form"
)

// FuzzSlots parses any slot list and meeting time this API accepts.
func FuzzSlots(f *testing.F) {
	f.Add([]byte(`{"s": [{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference_level": 3}], "w": "2030/03/12 13:00:00"}`))
	f.Add([]byte(`{"s": [{"date": 1, "start_time": null}], "w": "2030-03-12T13:00:00-04:00"}`))
	f.Add([]byte(`{"s": "x", "w": 5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		in, err := form.Read(r)
		if err != nil {
			return
		}
		f := form.New(in)
		if raw, ok := f.Value("s"); ok {
			for _, sl := range readSlots(f, "s", raw) {
				if sl.Start.Date() != sl.End.Date() {
					t.Fatalf("slot spans days: %+v", sl)
				}
			}
		}
		w, _ := f.Value("w")
		readWhen(w)
		readDeadline(f, true)
		readIDs(f, "s")
	})
}
