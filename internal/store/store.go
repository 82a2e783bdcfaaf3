// Package store is the archive database: it opens (or creates) the SQLite
// file with the project's schema and settings, applies records to it
// idempotently, and dumps it canonically so tests can compare two archives.
// pb-load is its Run.
//
// Every write goes through one connection in batched transactions (WAL,
// synchronous=NORMAL), so a killed load leaves a consistent file and a rerun
// of the same input continues it.
//
// # How records become rows
//
// Entities are upserted by their natural key (the ProBoards id; image.id is
// record.ImageID of the URL; set tables by both ids). A field absent from a
// record (or null) keeps the stored value, so a partial record never erases
// a fuller one; a present field replaces it, so when two observations
// disagree the later one wins (a refresh sees new view counts). The records
// of one crawl agree, so their order does not matter. The few fields that
// records of one crawl legitimately set differently merge by an order-free
// rule instead (tables.go): an image's description (a specific one beats
// "post image"), its post_id (the smallest), its download status (a success
// is not undone by a later failure) and the staff user's name.
//
// Authors without a ProBoards profile get user rows of their own: a guest
// name becomes record.GuestID(name) with group Guest, -1 is "Deleted User",
// -3 is ProBoards staff. A post whose message changes keeps the earlier one
// in post_revision (a trigger in forum.sql).
//
// The crawl table gains a page from url and link records only if it is
// absent, so state never goes back. An outcome marks it done, or counts a
// failed attempt, in the transaction of the page's entities or a later one;
// an outcome whose fetched_at is not newer than the last one applied is a
// replay and changes nothing, so rerunning an input does not count failures
// twice.
//
// # What is refused at the door
//
// validate.go checks each record before it reaches the database: url, link
// and outcome URLs must be absolute http(s) URLs with a host, without
// user:password@, at most MaxURLBytes long and not write, session or search
// pages, and a link must stay on the site of the page it was found on (the
// theme stylesheet may be on ProBoards' own hosts); an image's filename
// must be a plain <md5>.<ext>; an outcome's fetched_at may be at most
// MaxClockSkew ahead of pb-load's clock (refused, not clamped: see
// MaxClockSkew). A refused record is reported with its line and skipped.
//
// A failure of the database itself (DBError) is not a bad record: the load
// stops at once and pb-load exits 2.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"

	"github.com/pb-archive/pb/schema"
)

// migrations are the schema versions in order: migrations[i] brings a
// database at user_version i to version i+1. Version 1 is forum.sql, written
// with IF NOT EXISTS so it also completes a forum.db of the earlier Python
// scraper. A change to a released schema is a new entry, never an edit.
var migrations = []string{
	schema.SQL,
}

// SchemaVersion is the user_version of a database this package wrote.
var SchemaVersion = len(migrations)

// busyTimeoutMS is how long a statement waits for another process's lock
// (pb-urls reading, a second pb-load) before it fails.
const busyTimeoutMS = 60_000

// Store is an open archive database.
type Store struct {
	// DB is the database/sql handle, for tests and read-only inspection;
	// the crawl table's reads and transitions are the methods in crawl.go.
	DB   *sql.DB
	path string
}

// Open opens the archive at path, creating it if needed, and brings its
// schema up to date. The database is in WAL mode, so readers such as
// `pb-urls pending` work while pb-load writes.
func Open(path string) (*Store, error) {
	db, err := driver.Open(dsn(path), initConn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	s := &Store{DB: db, path: path}
	if err := db.Ping(); err != nil { // connect: is it a database at all?
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return s, nil
}

// dsn is the driver's URI for path. The connection settings are made by
// initConn, so that a file that is no database is reported as such rather
// than as a bad setting.
func dsn(path string) string {
	q := url.Values{}
	q.Set("_txlock", "immediate") // take the write lock at BEGIN: no upgrade deadlocks
	// EscapedPath keeps slashes but escapes '?', '#' and '%', which would
	// otherwise end the file name inside a URI.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// connPragmas are the settings every connection needs (pragmas are per
// connection). 16 MiB of page cache per connection keeps the upserts'
// index lookups in memory on a big archive while memory stays bounded.
const connPragmas = `PRAGMA synchronous = normal; PRAGMA foreign_keys = off; PRAGMA cache_size = -16384;`

// testHookConn, when set by a test, is called on every new connection
// after its settings (to make a disk "full" with max_page_count).
var testHookConn func(*sqlite3.Conn) error

// testHookWALBusy, when set by a test, is called each time the switch to
// WAL found the file busy and is about to be retried.
var testHookWALBusy func()

// initConn sets up every new connection: the busy timeout first, so that
// it covers the rest, then the pragmas and WAL.
func initConn(c *sqlite3.Conn) error {
	if err := c.BusyTimeout(busyTimeoutMS * time.Millisecond); err != nil {
		return err
	}
	if err := c.Exec(connPragmas); err != nil {
		return err
	}
	if err := walMode(c, busyTimeoutMS*time.Millisecond); err != nil {
		return err
	}
	if testHookConn != nil {
		return testHookConn(c)
	}
	return nil
}

// walMode switches the database to WAL (a setting stored in the file).
// SQLite answers SQLITE_BUSY to the switch without calling the busy
// handler when another connection is creating or switching the same file
// at that moment (two pb-load starting on a new archive), so the switch is
// retried here, with a growing pause, for up to limit.
func walMode(c *sqlite3.Conn, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	pause := time.Millisecond
	for {
		err := c.Exec(`PRAGMA journal_mode = wal`)
		if err == nil || !(errors.Is(err, sqlite3.BUSY) || errors.Is(err, sqlite3.LOCKED)) || time.Now().After(deadline) {
			return err
		}
		if testHookWALBusy != nil {
			testHookWALBusy()
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// Version returns the database's schema version (its user_version).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.DB.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// migrate applies the migrations the database lacks, each in its own
// transaction with its user_version bump, so a crash leaves a valid version.
func (s *Store) migrate(ctx context.Context) error {
	for {
		v, err := s.Version(ctx)
		if err != nil {
			return fmt.Errorf("reading schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this pb understands (%d): use a newer pb", v, len(migrations))
		}
		if v == len(migrations) {
			return nil
		}
		if err := s.step(ctx, v); err != nil {
			return fmt.Errorf("migrating schema to version %d: %w", v+1, err)
		}
	}
}

func (s *Store) step(ctx context.Context, from int) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Re-check inside the write lock: another process may have migrated.
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v != from {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[from]); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, from+1)); err != nil {
		return err
	}
	return tx.Commit()
}
