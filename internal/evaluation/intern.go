package evaluation

import (
	"hash/maphash"
)

// interner maps ids to dense int32 numbers, keeping each id string once.
// It is an open-addressing hash table whose slots hold short keys inline,
// so that a lookup of a known id costs one cache miss instead of the two of
// a Go map (slot, then the string's bytes): the hot path of reading 100M
// prediction rows.
type interner struct {
	seed  maphash.Seed
	slots []islot
	mask  uint64
	names []string
}

// inlineKey is the longest id kept inside a slot.
const inlineKey = 19

type islot struct {
	h   uint64
	id  int32 // number + 1; 0 marks an empty slot
	n   uint8
	key [inlineKey]byte
}

func newInterner() *interner {
	t := &interner{seed: maphash.MakeSeed()}
	t.resize(1024)
	return t
}

func (t *interner) resize(n int) {
	t.slots = make([]islot, n)
	t.mask = uint64(n - 1)
	for i, name := range t.names {
		t.place(maphash.String(t.seed, name), int32(i), name)
	}
}

func (t *interner) place(h uint64, id int32, name string) {
	i := h & t.mask
	for t.slots[i].id != 0 {
		i = (i + 1) & t.mask
	}
	s := &t.slots[i]
	s.h, s.id = h, id+1
	if len(name) <= inlineKey {
		s.n = uint8(len(name))
		copy(s.key[:], name)
	}
}

// find returns b's number, or -1 and b's hash.
func (t *interner) find(b []byte) (int32, uint64) {
	h := maphash.Bytes(t.seed, b)
	i := h & t.mask
	for {
		s := &t.slots[i]
		if s.id == 0 {
			return -1, h
		}
		if s.h == h {
			if len(b) <= inlineKey {
				if int(s.n) == len(b) && string(s.key[:s.n]) == bstr(b) {
					return s.id - 1, h
				}
			} else if t.names[s.id-1] == bstr(b) {
				return s.id - 1, h
			}
		}
		i = (i + 1) & t.mask
	}
}

// intern returns b's number, adding b when it is new.
func (t *interner) intern(b []byte) int32 {
	id, h := t.find(b)
	if id >= 0 {
		return id
	}
	id = int32(len(t.names))
	name := string(b)
	t.names = append(t.names, name)
	if 2*len(t.names) > len(t.slots) {
		t.resize(2 * len(t.slots)) // places every name, the new one too
		return id
	}
	t.place(h, id, name)
	return id
}

// lookup returns b's number and whether b is known.
func (t *interner) lookup(b []byte) (int32, bool) {
	id, _ := t.find(b)
	return id, id >= 0
}
