package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pb-archive/pb/internal/fakeforum"
	"github.com/pb-archive/pb/internal/record"
)

// TestFakeForumTruthLoads loads the small fake forum's ground truth (what
// a perfect scraper emits) twice and shuffled: always the same database,
// holding every entity of the truth.
func TestFakeForumTruthLoads(t *testing.T) {
	f, err := fakeforum.New(fakeforum.Config{Seed: 1, Size: "small"})
	if err != nil {
		t.Fatal(err)
	}
	var truth bytes.Buffer
	if err := f.WriteTruth(&truth, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	recs := bytes.Split(bytes.TrimSpace(truth.Bytes()), []byte("\n"))
	perType := map[string]int{}
	for _, r := range recs {
		var head struct{ Type string }
		if err := json.Unmarshal(r, &head); err != nil {
			t.Fatalf("truth is not NDJSON: %v: %s", err, r)
		}
		perType[head.Type]++
	}
	t.Logf("truth: %d records %v", len(recs), perType)

	dir := t.TempDir()
	once := filepath.Join(dir, "once.db")
	mustLoad(t, once, truth.Bytes())
	want := dumpFile(t, once)

	// Every entity of the truth is a row (the truth has no repeats, except
	// images shared between users, which it writes once).
	for typ, table := range map[string]string{
		record.TypeCategory: "category", record.TypeBoard: "board", record.TypeThread: "thread",
		record.TypePost: "post", record.TypePoll: "poll", record.TypePollOption: "poll_option",
		record.TypeShoutboxPost: "shoutbox_post", record.TypeAvatar: "avatar", record.TypeLike: "post_like",
		record.TypePollVoter: "poll_voter", record.TypeModerator: "moderator", record.TypeImage: "image",
	} {
		if got := len(want[table]); got != perType[typ] {
			t.Errorf("%s has %d rows for %d %s records", table, got, perType[typ], typ)
		}
	}
	if len(want["user"]) < perType[record.TypeUser] {
		t.Errorf("user has %d rows for %d user records", len(want["user"]), perType[record.TypeUser])
	}

	mustLoad(t, once, truth.Bytes())
	sameDump(t, "truth loaded twice", want, dumpFile(t, once))

	for _, seed := range []uint64{1, 2} {
		path := filepath.Join(dir, "shuffled"+strconv.FormatUint(seed, 10)+".db")
		mustLoad(t, path, input(shuffled(recs, seed)))
		sameDump(t, "truth shuffled", want, dumpFile(t, path))
	}
}
