package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/pb-archive/pb/internal/cli"
)

// blamesALine matches a message that puts a database failure on an input line.
var blamesALine = regexp.MustCompile(`line \d+`)

// categories makes n category records with long names, so they fill pages.
func categories(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `{"type":"category","id":%d,"name":"%s"}`+"\n", i, strings.Repeat("x", 500))
	}
	return []byte(b.String())
}

// corruptTable overwrites the root page of table in the archive at path
// with garbage, leaving the file's header and schema readable.
func corruptTable(t *testing.T, path, table string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var root, size int64
	if err := s.DB.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE name = ?`, table).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	s.Close() // checkpoints the WAL into the file
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(strings.Repeat("\xde\xad\xbe\xef", int(size)/4)), (root-1)*size); err != nil {
		t.Fatal(err)
	}
}

// TestBrokenDatabaseIsASetupError: a database that cannot be used (not a
// database at all, a corrupt table, a full disk) ends the load at once
// with exit 2 and names the file and SQLite's error, not an input line.
func TestBrokenDatabaseIsASetupError(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		in      []byte
		want    string // in the error
	}{
		{"garbage file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("garbage!", 2048)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, categories(3), "file is not a database"},
		{"corrupt table", func(t *testing.T, path string) {
			mustLoad(t, path, categories(50))
			corruptTable(t, path, "category")
		}, categories(60), "malformed"},
		{"disk full", func(t *testing.T, path string) {
			mustLoad(t, path, categories(1))
			// SQLite's own quota: a file that may grow by two pages
			// fails like a full disk, with SQLITE_FULL.
			testHookConn = func(c *sqlite3.Conn) error {
				st, _, err := c.Prepare(`PRAGMA page_count`)
				if err != nil {
					return err
				}
				defer st.Close()
				st.Step()
				return c.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, st.ColumnInt64(0)+2))
			}
			t.Cleanup(func() { testHookConn = nil })
		}, categories(200), "database or disk is full"},
		{"read-only", func(t *testing.T, path string) {
			mustLoad(t, path, categories(1))
			// What a file the user may not write gives (chmod is no
			// test when the tests run as root): SQLITE_READONLY.
			testHookConn = func(c *sqlite3.Conn) error { return c.Exec(`PRAGMA query_only = on`) }
			t.Cleanup(func() { testHookConn = nil })
		}, categories(2), "readonly database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "forum.db")
			tt.prepare(t, path)
			r := runLoad(t, path, tt.in, Options{Batch: 5})
			if r.exit != cli.ExitUsage || r.err == nil {
				t.Fatalf("exit %d, err %v; want exit 2 and an error\n%s", r.exit, r.err, r.stderr)
			}
			msg := r.err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not name the database %s and %q", msg, path, tt.want)
			}
			if blamesALine.MatchString(msg) || blamesALine.MatchString(r.stderr) {
				t.Errorf("an input line is blamed for the database's failure:\nerr: %s\n%s", msg, r.stderr)
			}
			if strings.Count(r.stderr, "(skipped)") > 0 {
				t.Errorf("records reported as skipped: the load must stop instead:\n%s", r.stderr)
			}
		})
	}
}

// TestFullDiskKeepsCommittedBatches: the batches committed before the disk
// filled are kept, and the load stopped at the first failure.
func TestFullDiskKeepsCommittedBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forum.db")
	mustLoad(t, path, categories(1))
	testHookConn = func(c *sqlite3.Conn) error {
		return c.Exec(`PRAGMA max_page_count = 200`)
	}
	r := runLoad(t, path, categories(2000), Options{Batch: 10})
	testHookConn = nil
	var dbErr *DBError
	if r.exit != cli.ExitUsage || !errors.As(r.err, &dbErr) || dbErr.Path != path {
		t.Fatalf("exit %d, err %v; want 2 and a DBError for %s\n%s", r.exit, r.err, path, r.stderr)
	}
	n := count(t, openPath(t, path), "category")
	if n <= 10 || n >= 2000 || n%10 != 0 {
		t.Errorf("%d categories kept; want the whole batches committed before the disk filled", n)
	}
}

// openPath opens an existing archive for a test.
func openPath(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConcurrentCreation: two loads creating the same new archive at once
// both succeed. Switching a new file to WAL answers SQLITE_BUSY without
// waiting when the other connection is doing the same; without a retry
// about one round in four failed with "database is locked".
func TestConcurrentCreation(t *testing.T) {
	dir := t.TempDir()
	for round := range 20 {
		path := filepath.Join(dir, fmt.Sprintf("%d.db", round))
		var wg sync.WaitGroup
		results := make([]loadResult, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = runLoad(t, path, categories(3), Options{Quiet: true})
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.exit != 0 || r.err != nil {
				t.Fatalf("round %d, load %d: exit %d, err %v", round, i, r.exit, r.err)
			}
		}
		if n := count(t, openPath(t, path), "category"); n != 3 {
			t.Fatalf("round %d: %d categories, want 3", round, n)
		}
	}
}

// TestWALSwitchWaitsForWriters: while another connection writes to a file
// still in rollback mode (another pb-load creating it), the switch to WAL
// fails at once with SQLITE_BUSY: SQLite does not wait when a read must
// become a write, to avoid deadlocks. pb-load retries the switch until the
// writer is done, where it used to fail with "database is locked".
func TestWALSwitchWaitsForWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forum.db")
	writer, err := sqlite3.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if err := writer.Exec(`CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);`); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	endWrite := func() {
		once.Do(func() {
			if err := writer.Exec(`COMMIT`); err != nil {
				t.Error(err)
			}
		})
	}
	// The writer commits once pb-load has run into it.
	testHookWALBusy = endWrite
	defer func() { testHookWALBusy = nil }()
	r := runLoad(t, path, categories(2), Options{})
	endWrite()
	if r.exit != 0 || r.err != nil {
		t.Fatalf("exit %d, err %v; want the switch to WAL to wait for the writer\n%s", r.exit, r.err, r.stderr)
	}
	var mode string
	if err := openPath(t, path).DB.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v; want wal", mode, err)
	}
}

// TestConnectionSettings: every connection of the pool gets the busy
// timeout, synchronous=NORMAL, the page cache size and WAL.
func TestConnectionSettings(t *testing.T) {
	s := openTemp(t, "c.db")
	ctx := t.Context()
	var conns []*sql.Conn
	for range 2 { // two at once: two distinct connections
		c, err := s.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		for pragma, want := range map[string]int64{"busy_timeout": busyTimeoutMS, "synchronous": 1, "cache_size": -16384, "foreign_keys": 0} {
			var got int64
			if err := c.QueryRowContext(ctx, `PRAGMA `+pragma).Scan(&got); err != nil || got != want {
				t.Errorf("connection %d: %s = %d, %v; want %d", i, pragma, got, err, want)
			}
		}
		var mode string
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("connection %d: journal_mode %q, %v", i, mode, err)
		}
		c.Close()
	}
}
