package fetch

import "github.com/pb-archive/pb/internal/cli"

// ByteSize is the size flag type shared by every tool (see cli.ByteSize).
type ByteSize = cli.ByteSize
