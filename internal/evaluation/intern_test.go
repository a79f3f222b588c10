package evaluation

import (
	"strconv"
	"strings"
	"testing"
)

// TestInterner checks numbering, lookup after growth, and keys longer than
// the inline slot.
func TestInterner(t *testing.T) {
	tab := newInterner()
	key := func(i int) string {
		s := strconv.Itoa(i)
		if i%3 == 0 {
			s = strings.Repeat("long-", i%7+4) + s // beyond inlineKey bytes
		}
		return s
	}
	const n = 50000
	for i := 0; i < n; i++ {
		if got := tab.intern([]byte(key(i))); got != int32(i) {
			t.Fatalf("intern(%q) = %d, want %d", key(i), got, i)
		}
	}
	for i := 0; i < n; i++ {
		if got := tab.intern([]byte(key(i))); got != int32(i) {
			t.Fatalf("second intern(%q) = %d, want %d", key(i), got, i)
		}
		if id, ok := tab.lookup([]byte(key(i))); !ok || id != int32(i) || tab.names[id] != key(i) {
			t.Fatalf("lookup(%q) = %d, %v", key(i), id, ok)
		}
	}
	for _, k := range []string{"", "x", strings.Repeat("long-", 4), "-1"} {
		if _, ok := tab.lookup([]byte(k)); ok {
			t.Errorf("lookup(%q) found an id never interned", k)
		}
	}
	if len(tab.names) != n || len(tab.slots) < 2*n {
		t.Errorf("%d names in %d slots", len(tab.names), len(tab.slots))
	}
}
