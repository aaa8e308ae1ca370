package data

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// releaseMapped advises the kernel that the first size bytes of the store's mapping at
// addr are not needed (MADV_DONTNEED). For bbolt's read-only shared file mapping this
// drops the pages from the process, not their contents. The address comes from bbolt
// as a uintptr and is passed to the system call as one: it is mmap'd memory, not Go
// memory, and never moves.
func releaseMapped(addr uintptr, size int64) error {
	if size <= 0 {
		return nil
	}
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, addr, uintptr(size), unix.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("data: release mapped pages: %w", errno)
	}
	return nil
}

// adviseReadAhead advises sequential reading (MADV_SEQUENTIAL) of the first size
// bytes of the store's mapping at addr, or random reading (MADV_RANDOM, bbolt's own
// advice) when on is false. See releaseMapped for the address.
func adviseReadAhead(addr uintptr, size int64, on bool) error {
	if size <= 0 {
		return nil
	}
	advice := unix.MADV_RANDOM
	if on {
		advice = unix.MADV_SEQUENTIAL
	}
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, addr, uintptr(size), uintptr(advice)); errno != 0 {
		return fmt.Errorf("data: advise read-ahead: %w", errno)
	}
	return nil
}
