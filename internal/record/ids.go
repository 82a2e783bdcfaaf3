package record

import (
	"crypto/sha256"
	"encoding/binary"
)

// hash53 maps s to a non-negative 53-bit integer, so ids stay exact in
// JavaScript and jq.
func hash53(s string) int64 {
	sum := sha256.Sum256([]byte(s))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 11)
}

// GuestID is the stable negative user id of a guest name: the same name maps
// to the same id in every database, whatever order records are loaded in.
// Ids from -1 to -15 are left for special kinds (DeletedUserID, StaffUserID).
func GuestID(name string) int64 { return -16 - hash53("guest:"+name) }

// ImageID is the image table's id for an image URL, derived from the URL so
// resumed, reordered and repeated loads all agree.
func ImageID(url string) int64 { return 1 + hash53("image:"+url) }
