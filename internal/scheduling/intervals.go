// Package scheduling holds the pure time arithmetic of mentord: intervals,
// overlap, fitting, chunking, and (later) schedule suggestion. It does no I/O
// and imports nothing of mentord's.
package scheduling

import (
	"sort"
	"time"
)

// Interval is the half-open span [Start, End).
type Interval struct {
	Start, End time.Time
}

// Valid reports whether the interval is non-empty.
func (i Interval) Valid() bool { return i.End.After(i.Start) }

// Overlaps reports a real overlap; intervals that only touch do not overlap.
func (i Interval) Overlaps(o Interval) bool {
	return i.Start.Before(o.End) && o.Start.Before(i.End)
}

// Contains reports whether o lies entirely inside i.
func (i Interval) Contains(o Interval) bool {
	return !o.Start.Before(i.Start) && !o.End.After(i.End)
}

// Duration is End - Start.
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

// Chunks splits [start, end) into consecutive pieces of length size counted
// from start; a remainder shorter than size is dropped.
func Chunks(start, end time.Time, size time.Duration) []Interval {
	var out []Interval
	for t := start; !t.Add(size).After(end); t = t.Add(size) {
		out = append(out, Interval{t, t.Add(size)})
	}
	return out
}

// byStart returns a copy of the intervals sorted by start.
func byStart(in []Interval) []Interval {
	s := append([]Interval(nil), in...)
	sort.Slice(s, func(a, b int) bool { return s[a].Start.Before(s[b].Start) })
	return s
}

// Overlapping reports whether any two of the intervals overlap (as
// Overlaps says: intervals that only touch do not). Sorted by start, an
// overlap shows between neighbours.
func Overlapping(in []Interval) bool {
	s := byStart(in)
	for i := 1; i < len(s); i++ {
		if s[i].Start.Before(s[i-1].End) {
			return true
		}
	}
	return false
}

// Merge joins overlapping and touching intervals; the result is sorted.
func Merge(in []Interval) []Interval {
	if len(in) == 0 {
		return nil
	}
	s := byStart(in)
	out := []Interval{s[0]}
	for _, iv := range s[1:] {
		last := &out[len(out)-1]
		if !iv.Start.After(last.End) {
			if iv.End.After(last.End) {
				last.End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// Covered reports whether want lies inside the union of the intervals.
func Covered(want Interval, in []Interval) bool {
	for _, iv := range Merge(in) {
		if iv.Contains(want) {
			return true
		}
	}
	return false
}
