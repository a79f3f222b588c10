package hugemem

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// advise marks the 2 MiB-aligned inside of [p, p+n) MADV_HUGEPAGE; errors
// (an old kernel, THP off) leave ordinary pages, which is only slower.
func advise(p unsafe.Pointer, n int) {
	const huge = 2 << 20
	base := uintptr(p)
	lo := int((base+huge-1)&^(huge-1) - base)
	hi := int((base+uintptr(n))&^(huge-1) - base)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	_ = unix.Madvise(b[lo:hi], unix.MADV_HUGEPAGE)
}
