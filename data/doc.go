// Package data is Inkan's record store: one bbolt file in the data directory.
//
// Records are JSON objects with a "v" field (the record format version), so the file
// can be read with the bbolt CLI and old records tolerate added fields. Each record kind
// has its own bucket keyed by an ID that sorts: zero-padded business IDs (C000001,
// U000001) or big-endian sequence numbers. Secondary indexes are buckets of their own,
// keyed "<value>/<id>" with empty values, and are written in the same transaction as the
// record they point at.
//
// Tenancy lives here, not in handlers: records that belong to a company are reached
// through a Tenant, which answers ErrNotFound for another company's IDs. The few
// installation-wide reads (authenticating a login, the operator console) are named as
// such.
package data
