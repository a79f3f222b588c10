package promote

import (
	"strings"
	"testing"
)

// FuzzDescription feeds arbitrary registry descriptions and version
// names: the block and list readers and CheckName never panic, and a
// block written into any description reads back as written.
func FuzzDescription(f *testing.F) {
	for _, s := range []string{"", "text", "<!-- mlgate:aliases -->\n- `champion`: 3\n<!-- /mlgate:aliases -->", "<!-- mlgate:aliases -->", "- `a`: b\n- `c`:", "<!-- /mlgate:aliases --><!-- mlgate:aliases -->"} {
		f.Add(s, "recommender-v1.2.3")
	}
	f.Fuzz(func(t *testing.T, desc, name string) {
		body, _ := getBlock(desc, "aliases")
		_ = parseItems(body)
		_, _, _ = cutItems(desc)
		_, _ = CheckName("recommender", name)
		if strings.Contains(desc, "<!-- ") {
			return // a description holding markers of its own may hold ours twice
		}
		items := itemLines([]Tag{{"champion", "7"}, {"previous", "6"}})
		got, ok := getBlock(setBlock(desc, "aliases", items), "aliases")
		if !ok || got != items {
			t.Errorf("block written into %q reads back %q", desc, got)
		}
		if tags := parseItems(got); len(tags) != 2 || tags[0] != (Tag{"champion", "7"}) {
			t.Errorf("items read back %v", tags)
		}
	})
}
