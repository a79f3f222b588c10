//go:build unix

package dataset

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps a regular file read-only, its pages populated up front
// (one call instead of a fault per 64 KiB), and returns the bytes and a
// function that unmaps them. ok is false when the file cannot be mapped
// (not a regular file, empty, too large for the address space); the
// caller then reads it. The file must not be truncated while mapped: the
// bytes would fault. The bytes must not be kept after unmap.
func mapFile(f *os.File) (data []byte, unmap func(), ok bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() <= 0 || int64(int(st.Size())) != st.Size() {
		return nil, nil, false
	}
	data, err = unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, nil, false
	}
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return data, func() { _ = unix.Munmap(data) }, true
}
