package parse

import (
	"path/filepath"
	"testing"

	"github.com/pb-archive/pb/internal/record"
)

// The benchmarks parse realistic pages saved from the fake forum
// (testdata/fakeforum, refreshed by `go test -run Golden -update`) and
// report throughput in MB/s of HTML.

func benchmarkFixture(b *testing.B, name string) {
	rec := loadFixture(b, filepath.Join("testdata", "fakeforum", name+".json"))
	if out := Parse(rec, DefaultLimits); out.Outcome.Status != record.OutcomeDone || len(out.Entities) == 0 {
		b.Fatalf("%s does not parse: %+v", name, out.Outcome)
	}
	b.SetBytes(int64(len(rec.Body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Parse(rec, DefaultLimits)
	}
}

// BenchmarkParseThread parses a thread page of 30 posts.
func BenchmarkParseThread(b *testing.B) { benchmarkFixture(b, "thread-full-page") }

// BenchmarkParseBoard parses a board page of 25 threads with sub-boards.
func BenchmarkParseBoard(b *testing.B) { benchmarkFixture(b, "board-moderators-subboards") }

// BenchmarkParseProfile parses a complete profile.
func BenchmarkParseProfile(b *testing.B) { benchmarkFixture(b, "user-full") }
