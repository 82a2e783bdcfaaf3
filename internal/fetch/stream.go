package fetch

import "github.com/pb-archive/pb/internal/cli"

// SyncWriter serialises writes to stderr (see cli.SyncWriter).
type SyncWriter = cli.SyncWriter
