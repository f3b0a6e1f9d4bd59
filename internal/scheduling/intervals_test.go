package scheduling

import (
	"testing"
	"time"
)

func at(h, m int) time.Time { return time.Date(2030, 1, 16, h, m, 0, 0, time.UTC) }

func TestOverlapAndContain(t *testing.T) {
	a := Interval{at(14, 0), at(15, 0)}
	for _, tc := range []struct {
		b             Interval
		overlap, cont bool
	}{
		{Interval{at(15, 0), at(16, 0)}, false, false}, // touching
		{Interval{at(13, 0), at(14, 0)}, false, false}, // touching
		{Interval{at(14, 30), at(15, 30)}, true, false},
		{Interval{at(14, 15), at(14, 45)}, true, true},
		{Interval{at(14, 0), at(15, 0)}, true, true},
		{Interval{at(13, 0), at(16, 0)}, true, false},
	} {
		if a.Overlaps(tc.b) != tc.overlap || tc.b.Overlaps(a) != tc.overlap || a.Contains(tc.b) != tc.cont {
			t.Errorf("%v vs %v", a, tc.b)
		}
	}
}

func TestOverlapping(t *testing.T) {
	iv := func(h1, m1, h2, m2 int) Interval { return Interval{at(h1, m1), at(h2, m2)} }
	for _, tc := range []struct {
		name string
		in   []Interval
		want bool
	}{
		{"none", nil, false},
		{"one", []Interval{iv(9, 0, 10, 0)}, false},
		{"apart", []Interval{iv(9, 0, 10, 0), iv(11, 0, 12, 0)}, false},
		{"touching", []Interval{iv(9, 0, 10, 0), iv(10, 0, 11, 0)}, false},
		{"touching, given late first", []Interval{iv(10, 0, 11, 0), iv(9, 0, 10, 0)}, false},
		{"a minute over", []Interval{iv(9, 0, 10, 1), iv(10, 0, 11, 0)}, true},
		{"same start", []Interval{iv(9, 0, 9, 30), iv(9, 0, 10, 0)}, true},
		{"equal", []Interval{iv(9, 0, 10, 0), iv(9, 0, 10, 0)}, true},
		{"inside", []Interval{iv(9, 0, 12, 0), iv(10, 0, 11, 0)}, true},
		{"inside, given first", []Interval{iv(10, 0, 11, 0), iv(9, 0, 12, 0)}, true},
		{"long one over a later pair", []Interval{iv(9, 0, 12, 0), iv(9, 30, 9, 45), iv(11, 0, 11, 30)}, true},
		{"chain of three", []Interval{iv(11, 0, 12, 0), iv(9, 0, 10, 0), iv(10, 0, 11, 0)}, false},
		{"last pair of many", []Interval{iv(8, 0, 9, 0), iv(9, 0, 10, 0), iv(13, 0, 14, 0), iv(13, 59, 15, 0)}, true},
	} {
		if got := Overlapping(tc.in); got != tc.want {
			t.Errorf("%s: Overlapping(%v) = %v", tc.name, tc.in, got)
		}
		// The same answer as comparing every pair.
		pairs := false
		for i := range tc.in {
			for j := i + 1; j < len(tc.in); j++ {
				pairs = pairs || tc.in[i].Overlaps(tc.in[j])
			}
		}
		if pairs != tc.want {
			t.Errorf("%s: the table says %v, every pair says %v", tc.name, tc.want, pairs)
		}
	}
}

func TestChunks(t *testing.T) {
	// The documents' examples: 14:30-15:30 is two chunks; 2 h 15 min is four
	// chunks and the 15-minute remainder is dropped.
	c := Chunks(at(14, 30), at(15, 30), 30*time.Minute)
	if len(c) != 2 || !c[0].End.Equal(at(15, 0)) || !c[1].Start.Equal(at(15, 0)) || !c[1].End.Equal(at(15, 30)) {
		t.Fatalf("14:30-15:30: %v", c)
	}
	c = Chunks(at(14, 0), at(16, 15), 30*time.Minute)
	if len(c) != 4 || !c[3].End.Equal(at(16, 0)) {
		t.Fatalf("2h15: %v", c)
	}
	if c := Chunks(at(14, 0), at(14, 20), 30*time.Minute); len(c) != 0 {
		t.Fatalf("under 30 minutes: %v", c)
	}
}

func TestCovered(t *testing.T) {
	chunks := []Interval{{at(15, 30), at(16, 0)}, {at(15, 0), at(15, 30)}, {at(17, 0), at(18, 0)}}
	if !Covered(Interval{at(15, 0), at(16, 0)}, chunks) {
		t.Fatal("adjacent chunks should cover an hour")
	}
	if Covered(Interval{at(15, 30), at(16, 30)}, chunks) {
		t.Fatal("a gap was covered")
	}
	if m := Merge(chunks); len(m) != 2 {
		t.Fatalf("merge %v", m)
	}
}
