package groups

import "testing"

func TestCapacityNarrowed(t *testing.T) {
	for _, tc := range []struct {
		by, want Capacity
	}{
		{Capacity{}, DefaultCapacity},
		{Capacity{Min: 2, Max: 20}, Capacity{Min: 2, Max: 20}}, // the tutoring API's
		{Capacity{Min: 5}, Capacity{Min: 5, Max: MaxCapacity}},
		{Capacity{Max: 50}, Capacity{Min: 1, Max: 50}},
		{Capacity{Min: -3, Max: MaxCapacity + 1}, DefaultCapacity}, // never wider than the domain's
	} {
		if got := DefaultCapacity.narrowed(tc.by); got != tc.want {
			t.Errorf("narrowed by %+v = %+v, want %+v", tc.by, got, tc.want)
		}
	}
}
