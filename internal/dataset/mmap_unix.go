//go:build unix

package dataset

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapFile maps a regular file read-only and returns the bytes and a
// function that unmaps them. ok is false when the file cannot be mapped
// (not a regular file, empty, too large for the address space); the
// caller then reads it. A file truncated while mapped faults past its new
// end: readers of the bytes go through guardFault, which makes that an
// error. The bytes must not be kept after unmap.
func mapFile(f *os.File) (data []byte, unmap func(), ok bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() <= 0 || int64(int(st.Size())) != st.Size() {
		return nil, nil, false
	}
	data, err = unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return data, func() { _ = unix.Munmap(data) }, true
}

// release drops the pages of b, a part of the mapping m, from the
// process: they stay in the page cache and a later read of them maps them
// again, so a neighbouring block still being parsed loses nothing.
// Without it the whole file would count in the resident set by the end.
func release(m, b []byte) {
	if len(b) == 0 {
		return
	}
	page := os.Getpagesize()
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) - uintptr(unsafe.Pointer(unsafe.SliceData(m))))
	lo := off &^ (page - 1)
	hi := min((off+len(b)+page-1)&^(page-1), len(m))
	_ = unix.Madvise(m[lo:hi], unix.MADV_DONTNEED)
}
