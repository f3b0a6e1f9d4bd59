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
