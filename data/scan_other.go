//go:build !linux

package data

// releaseMapped does nothing where the store is not run in production.
func releaseMapped(uintptr, int64) error { return nil }

// adviseReadAhead does nothing where the store is not run in production.
func adviseReadAhead(uintptr, int64, bool) error { return nil }
