package scheduling

// Subtract returns the parts of the intervals in from that no interval of
// cut overlaps, sorted; touching is not overlapping.
func Subtract(from, cut []Interval) []Interval {
	cut = Merge(cut)
	var out []Interval
	for _, iv := range byStart(from) {
		rest := iv
		for _, c := range cut {
			if !c.End.After(rest.Start) {
				continue
			}
			if !c.Start.Before(rest.End) {
				break
			}
			if c.Start.After(rest.Start) {
				out = append(out, Interval{Start: rest.Start, End: c.Start})
			}
			rest.Start = c.End
			if !rest.Valid() {
				break
			}
		}
		if rest.Valid() {
			out = append(out, rest)
		}
	}
	return out
}
