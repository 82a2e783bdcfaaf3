// Package schema embeds the SQLite schema of an archive (forum.sql), so the
// store applies exactly the file that documents it. The record contract
// (README.md and <type>.json) lives beside it.
package schema

import _ "embed"

// SQL is forum.sql: every table and index of an archive database, written
// with IF NOT EXISTS so that applying it to an existing file only adds what
// is missing.
//
//go:embed forum.sql
var SQL string
