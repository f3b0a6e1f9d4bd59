package scheduling

import (
	"reflect"
	"testing"
	"time"
)

func TestSubtract(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2030, 1, 1, h, 0, 0, 0, time.UTC) }
	iv := func(a, b int) Interval { return Interval{at(a), at(b)} }
	for _, c := range []struct {
		name      string
		from, cut []Interval
		want      []Interval
	}{
		{"nothing cut", []Interval{iv(9, 12)}, nil, []Interval{iv(9, 12)}},
		{"touching stays", []Interval{iv(9, 12)}, []Interval{iv(8, 9), iv(12, 13)}, []Interval{iv(9, 12)}},
		{"middle", []Interval{iv(9, 17)}, []Interval{iv(11, 12), iv(14, 15)}, []Interval{iv(9, 11), iv(12, 14), iv(15, 17)}},
		{"edges", []Interval{iv(9, 17)}, []Interval{iv(8, 10), iv(16, 18)}, []Interval{iv(10, 16)}},
		{"all", []Interval{iv(9, 12), iv(13, 14)}, []Interval{iv(8, 15)}, nil},
		{"unsorted input", []Interval{iv(13, 15), iv(9, 11)}, []Interval{iv(10, 14)}, []Interval{iv(9, 10), iv(14, 15)}},
	} {
		if got := Subtract(c.from, c.cut); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
