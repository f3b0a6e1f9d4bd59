package timefmt

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	want := time.Date(2030, 1, 15, 15, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"2030-01-15T15:00:00Z", "2030-01-15T15:00:00.000Z", "2030-01-15T15:00:00", "2030-01-15 15:00:00",
		"2030-01-15T15:00", "2030-01-15T16:00:00+01:00", "2030-01-15T10:00:00-0500", "2030-01-15T17:00:00+02",
		"2030-01-15T15:00Z", " 2030-01-15T15:00:00z ", "2030-01-15T20:45+0545", "2030-01-15T10:00-05",
	} {
		got, err := Parse(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("Parse(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "tomorrow", "2030-01-15", "2030-13-15T15:00:00Z", "2030-01-15T25:00:00Z", "15:00", "2030/01/15 15:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2030-01-15T15:00:00+24:00", "2030-01-15T15:00:00-2400", "2031-02-29T15:00:00Z", "2030-01-15T24:00:00Z"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	frac, _ := Parse("2030-01-15T15:00:00.123456Z")
	if DRF(frac) != "2030-01-15T15:00:00.123456Z" || DRF(want) != "2030-01-15T15:00:00Z" {
		t.Errorf("DRF format: %s %s", DRF(frac), DRF(want))
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2030-01-15T15:00:00Z")
	f.Add("2030-01-15 15:00:00.5+05:30")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("Parse(%q) not in UTC", s)
		}
		back, err := Parse(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}
