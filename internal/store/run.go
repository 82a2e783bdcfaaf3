package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"
	sqlite3driver "github.com/ncruces/go-sqlite3/driver"

	"github.com/pb-archive/pb/internal/cli"
	"github.com/pb-archive/pb/internal/record"
)

// Options are pb-load's flags and argument.
type Options struct {
	DB        string        `arg:"" help:"Archive database to load into (created if missing)." placeholder:"DB"`
	Batch     int           `help:"Commit a transaction every N records (default ${default})." default:"1000" placeholder:"N"`
	BatchTime time.Duration `help:"...or D after a transaction's first record, whichever comes first (default ${default})." default:"1s" name:"batch-time" placeholder:"D"`
	Quiet     bool          `help:"Print no summary on stderr." short:"q"`
	// Now is pb-load's clock (time.Now when nil): the time of crawl
	// bookkeeping, and what an outcome's fetched_at may not be far ahead
	// of. It is called from two goroutines.
	Now func() time.Time `kong:"-"`
}

// Validate refuses out-of-range flags (kong calls it; exit 2).
func (o *Options) Validate() error {
	var c cli.Checks
	c.Between("--batch", o.Batch, 1, 1_000_000)
	c.Positive("--batch-time", o.BatchTime)
	return c.Err()
}

// Stats is what a load did.
type Stats struct {
	Records int64                  // records read, bad ones included
	Applied int64                  // records written to the database
	Ignored map[string]int64       // records read past on purpose, by type (page)
	Unknown map[string]int64       // records of types pb-load does not know, by type
	Bad     int64                  // malformed records skipped
	Tables  map[string]*TableStats // rows inserted and changed, by table
	Batches int64                  // transactions committed
	Elapsed time.Duration
	Stopped bool // a signal ended the load before the end of its input
}

// Skipped is how many records were not loaded for being bad or unknown.
func (s *Stats) Skipped() int64 {
	n := s.Bad
	for _, c := range s.Unknown {
		n += c
	}
	return n
}

// testHookApplied, when set by a test, is called after each record is
// applied (not yet committed).
var testHookApplied func()

// item is one input line, decoded by the reading goroutine.
type item struct {
	n   int
	typ string
	rec any
	err error // a *record.LineError, errUnknownType, or a read error
}

// Run is pb-load: it reads records from stdin and applies them to the
// database in batched transactions, each committed within opts.Batch
// records or opts.BatchTime of its first record. Records arrive
// entities-first, so a page's outcome is always committed with or after
// its entities. Bad and unknown records are reported and skipped (exit 1);
// a database that cannot be opened or fails while loading (a full disk, a
// corrupt or read-only file) stops the load at once with exit 2; when ctx
// is cancelled (SIGINT, SIGTERM) it stops reading, commits what it
// has applied and returns normally.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, opts Options) (int, error) {
	st, err := Open(opts.DB)
	if err != nil {
		return cli.ExitUsage, err
	}
	defer st.Close()
	stats, err := st.Load(ctx, stdin, stderr, opts)
	if !opts.Quiet {
		fmt.Fprint(stderr, stats.Summary())
	}
	var dbErr *DBError
	if errors.As(err, &dbErr) {
		return cli.ExitUsage, err
	}
	if err != nil {
		return cli.ExitPartial, err
	}
	if stats.Skipped() > 0 {
		return cli.ExitPartial, nil
	}
	return cli.ExitOK, nil
}

// DBError is a failure of the database itself, not of an input record: a
// full disk, a corrupt or read-only file, a lock held past the busy
// timeout. The load stops at once, and pb-load exits 2 (cli.ExitUsage).
type DBError struct {
	Path string // the database file
	Err  error  // the SQLite error, with what pb-load was doing
}

func (e *DBError) Error() string {
	return fmt.Sprintf("database %s: %v (the batch in progress was rolled back; earlier batches are kept)", e.Path, e.Err)
}

func (e *DBError) Unwrap() error { return e.Err }

// inputError is a failure to read the input (a broken pipe upstream).
type inputError struct{ err error }

func (e *inputError) Error() string { return "reading input: " + e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// Load applies the records read from r, reporting bad lines on warn. It
// returns what it did even when it fails; a failure rolls back only the
// batch in progress. A failure of the database is a *DBError; anything
// else is the input's. opts.DB and opts.Quiet are not used.
func (s *Store) Load(ctx context.Context, r io.Reader, warn io.Writer, opts Options) (*Stats, error) {
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if opts.BatchTime <= 0 {
		opts.BatchTime = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	start := time.Now()
	stats := &Stats{Ignored: map[string]int64{}, Unknown: map[string]int64{}}
	// Not ctx: a signal stops the reading, and the load then ends cleanly.
	conn, err := s.DB.Conn(context.Background())
	if err != nil {
		return stats, &DBError{Path: s.path, Err: err}
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		raw := dc.(sqlite3driver.Conn).Raw()
		// Statements run to completion even after ctx is cancelled: the
		// batch in progress must commit.
		old := raw.SetInterrupt(context.Background())
		defer raw.SetInterrupt(old)
		return load(ctx, raw, r, warn, opts, stats)
	})
	stats.Elapsed = time.Since(start)
	var ie *inputError
	if err != nil && !errors.As(err, &ie) {
		err = &DBError{Path: s.path, Err: err}
	}
	return stats, err
}

func load(ctx context.Context, conn *sqlite3.Conn, r io.Reader, warn io.Writer, opts Options, stats *Stats) error {
	a, err := newApplier(conn)
	if err != nil {
		return err
	}
	a.now = func() int64 { return opts.Now().UnixMilli() }
	defer a.close()
	stats.Tables = a.stats
	b := &batcher{a: a, stats: stats, warn: warn, opts: opts, timer: time.NewTimer(time.Hour)}
	b.timer.Stop()
	defer b.timer.Stop()

	// Reading and JSON decoding run beside the database writes: two cores
	// load about twice as fast as one. The channel bounds the read-ahead.
	items := make(chan item, 256)
	done := make(chan struct{})
	defer close(done)
	go read(r, items, done, opts.Now)

	for {
		select {
		case <-ctx.Done():
			stats.Stopped = true
			return b.commit()
		case <-b.timer.C:
			if err := b.commit(); err != nil {
				return err
			}
		case it, ok := <-items:
			if !ok {
				return b.commit()
			}
			if ctx.Err() != nil { // the signal won the race: stop reading now
				stats.Stopped = true
				return b.commit()
			}
			if err := b.handle(it); err != nil {
				return err
			}
		}
	}
}

// batcher groups applied records into transactions.
type batcher struct {
	a       *applier
	stats   *Stats
	warn    io.Writer
	opts    Options
	timer   *time.Timer // fires BatchTime after a transaction's first record
	inTx    bool
	pending int // records applied in the open transaction
}

// handle applies or reports one input line. It returns an error only when
// the load must stop; the batch in progress is then committed if the
// database is fine (a broken input) and rolled back if not.
func (b *batcher) handle(it item) error {
	var le *record.LineError
	var ut errUnknownType
	switch {
	case it.err == nil:
		b.stats.Records++
	case errors.As(it.err, &le):
		b.stats.Records++
		b.stats.Bad++
		fmt.Fprintf(b.warn, "pb-load: %v (skipped)\n", le)
		return nil
	case errors.As(it.err, &ut):
		b.stats.Records++
		if b.stats.Unknown[ut.typ] == 0 {
			fmt.Fprintf(b.warn, "pb-load: line %d: %v: skipped, and so are all later ones (counted in the summary)\n", it.n, ut)
		}
		b.stats.Unknown[ut.typ]++
		return nil
	default:
		// The input broke. What was read before is good: keep it.
		if err := b.commit(); err != nil {
			return err
		}
		return &inputError{it.err}
	}
	if _, ok := it.rec.(ignored); ok {
		b.stats.Ignored[it.typ]++
		return nil
	}
	if !b.inTx {
		if err := b.a.begin(); err != nil {
			return fmt.Errorf("starting a transaction: %w", err)
		}
		b.inTx = true
		b.timer.Reset(b.opts.BatchTime)
	}
	if err := b.a.apply(it.rec); err != nil {
		if !isRecordError(err) {
			// The database failed, not the record: no line is to blame.
			b.inTx = false
			b.a.rollback()
			return fmt.Errorf("writing: %w", err)
		}
		b.stats.Bad++
		fmt.Fprintf(b.warn, "pb-load: line %d: %s record refused by the database: %v (skipped)\n", it.n, it.typ, err)
		return nil
	}
	b.pending++
	if testHookApplied != nil {
		testHookApplied()
	}
	if b.pending >= b.opts.Batch {
		return b.commit()
	}
	return nil
}

// commit ends the open transaction, if any.
func (b *batcher) commit() error {
	if !b.inTx {
		return nil
	}
	b.timer.Stop()
	b.inTx = false
	if err := b.a.commit(); err != nil {
		b.a.rollback()
		return fmt.Errorf("committing: %w", err)
	}
	b.stats.Applied += int64(b.pending)
	b.stats.Batches++
	b.pending = 0
	return nil
}

// read decodes lines into items until the input ends or done is closed.
func read(r io.Reader, items chan<- item, done <-chan struct{}, now func() time.Time) {
	defer close(items)
	rd := cli.NewReader(r)
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		it := item{n: l.N, typ: l.Type, err: err}
		if err == nil {
			it.rec, it.err = decode(l)
		}
		if it.err == nil {
			it.err = validate(l, it.rec, now())
		}
		select {
		case items <- it:
		case <-done:
			return
		}
		var le *record.LineError
		if err != nil && !errors.As(err, &le) {
			return // a read error ends the input
		}
	}
}

// Summary renders the stats for stderr: totals, then one line per table
// that changed.
func (s *Stats) Summary() string {
	var b strings.Builder
	secs := s.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(s.Records) / secs
	}
	fmt.Fprintf(&b, "pb-load: %s in %.2fs (%.0f records/s), %d loaded in %s",
		cli.Count(s.Records, "record"), secs, rate, s.Applied, cli.Count(s.Batches, "transaction"))
	if s.Bad > 0 {
		fmt.Fprintf(&b, ", %s skipped", cli.Count(s.Bad, "bad line"))
	}
	for _, t := range sortedKeys(s.Unknown) {
		fmt.Fprintf(&b, ", %d %q %s skipped (unknown type)", s.Unknown[t], t, cli.Plural(s.Unknown[t], "record"))
	}
	for _, t := range sortedKeys(s.Ignored) {
		fmt.Fprintf(&b, ", %d %s %s ignored", s.Ignored[t], t, cli.Plural(s.Ignored[t], "record"))
	}
	b.WriteString("\n")
	if s.Stopped {
		b.WriteString("pb-load: stopped by a signal; what was read is committed, rerun with the same input to continue\n")
	}
	names := make([]string, 0, len(s.Tables))
	for name, t := range s.Tables {
		if t.Inserted+t.Updated > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		fmt.Fprintf(&b, "  %-14s %10s %10s\n", "table", "inserted", "updated")
	}
	for _, name := range names {
		t := s.Tables[name]
		fmt.Fprintf(&b, "  %-14s %10d %10d\n", name, t.Inserted, t.Updated)
	}
	return b.String()
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
