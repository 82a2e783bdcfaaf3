package store

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkLoad measures pb-load's throughput on a realistic crawl (posts
// with ~1 KB messages, users, images, links and outcomes) into a new
// database, in records/s and input MB/s.
func BenchmarkLoad(b *testing.B) {
	f := genForum(1, 200, 50) // ~10,000 posts
	in := input(f.lines)
	dir := b.TempDir()
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		path := filepath.Join(dir, "bench"+strconv.Itoa(i)+".db")
		exit, err := Run(context.Background(), bytes.NewReader(in), io.Discard, io.Discard, Options{DB: path, Quiet: true})
		if exit != 0 || err != nil {
			b.Fatalf("exit %d: %v", exit, err)
		}
	}
	b.ReportMetric(float64(len(f.lines))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReload measures a rerun of the same input on a loaded database,
// where every record is a repeat that changes nothing.
func BenchmarkReload(b *testing.B) {
	f := genForum(1, 200, 50)
	in := input(f.lines)
	path := filepath.Join(b.TempDir(), "reload.db")
	if exit, err := Run(context.Background(), bytes.NewReader(in), io.Discard, io.Discard, Options{DB: path, Quiet: true}); exit != 0 || err != nil {
		b.Fatalf("exit %d: %v", exit, err)
	}
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		exit, err := Run(context.Background(), bytes.NewReader(in), io.Discard, io.Discard, Options{DB: path, Quiet: true})
		if exit != 0 || err != nil {
			b.Fatalf("exit %d: %v", exit, err)
		}
	}
	b.ReportMetric(float64(len(f.lines))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
