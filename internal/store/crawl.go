package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pb-archive/pb/internal/record"
)

// The crawl table's states and transitions. pb-load's records move a row
// forward (url and link add it as pending, outcomes make it done or one
// more failed attempt: see apply.go); pb-urls reads the frontier and a
// refresh moves chosen rows back to pending. Every statement that touches
// the crawl table lives in this package.
const (
	StatePending = "pending" // queued, never fetched
	StateDone    = "done"    // fetched (or a final answer for an image)
	StateFailed  = "failed"  // the last attempt failed; retried while attempts last
)

// CrawlEntry is one row of the crawl frontier.
type CrawlEntry struct {
	URL      string
	Render   bool   // a page that needs a browser
	Kind     string // record.Kind*, "" when not known yet
	Attempts int
	Seq      int64 // discovery order
}

// Renders selects rows by their render flag.
type Renders int

// The Renders choices.
const (
	PlainOnly    Renders = iota // pages a plain HTTP fetch can get (and images)
	AlsoRendered                // every row
	RenderedOnly                // only pages that need a browser
)

// Pending returns the frontier, unordered: rows that are pending, and
// failed rows with fewer than maxAttempts attempts, of the given renders.
func (s *Store) Pending(ctx context.Context, maxAttempts int, r Renders) ([]CrawlEntry, error) {
	q := `SELECT url, render, COALESCE(kind, ''), attempts, seq FROM crawl
	      WHERE (state = '` + StatePending + `' OR (state = '` + StateFailed + `' AND attempts < ?))`
	switch r {
	case RenderedOnly:
		q += ` AND render = 1`
	case PlainOnly:
		q += ` AND render = 0`
	}
	rows, err := s.DB.QueryContext(ctx, q, maxAttempts)
	if err != nil {
		return nil, fmt.Errorf("reading the crawl table: %w", err)
	}
	defer rows.Close()
	var out []CrawlEntry
	for rows.Next() {
		var e CrawlEntry
		if err := rows.Scan(&e.URL, &e.Render, &e.Kind, &e.Attempts, &e.Seq); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FirstURL returns the first page ever queued (the job's start page); ok
// is false when the crawl table is empty.
func (s *Store) FirstURL(ctx context.Context) (url string, ok bool, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT url FROM crawl ORDER BY seq LIMIT 1`).Scan(&url)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return url, err == nil, err
}

// Requeue names the plain (not rendered) pages a refresh sends back to the
// frontier.
type Requeue struct {
	// Kinds: every page of these kinds.
	Kinds []string
	// Pick: for each kind it names, the function chooses which of the URLs
	// of that kind's pages (in any state) to re-queue.
	Pick map[string]func(urls []string) []string
}

// Requeue moves the pages r names that are done or failed back to pending
// with their attempts reset, in one transaction, and counts them by kind.
// A pending page stays as it is (its attempts too).
func (s *Store) Requeue(ctx context.Context, r Requeue) (map[string]int, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	const requeue = `UPDATE crawl SET state = '` + StatePending + `', attempts = 0
	  WHERE render = 0 AND state != '` + StatePending + `' AND `
	counts := map[string]int{}
	for _, kind := range r.Kinds {
		res, err := tx.ExecContext(ctx, requeue+`kind = ?`, kind)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		counts[kind] += int(n)
	}
	byURL, err := tx.PrepareContext(ctx, requeue+`url = ?`)
	if err != nil {
		return nil, err
	}
	defer byURL.Close()
	for kind, pick := range r.Pick {
		urls, err := kindURLs(ctx, tx, kind)
		if err != nil {
			return nil, err
		}
		for _, u := range pick(urls) {
			res, err := byURL.ExecContext(ctx, u)
			if err != nil {
				return nil, err
			}
			n, _ := res.RowsAffected()
			counts[kind] += int(n)
		}
	}
	return counts, tx.Commit()
}

// kindURLs lists the URLs of the plain pages of one kind.
func kindURLs(ctx context.Context, tx *sql.Tx, kind string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT url FROM crawl WHERE render = 0 AND kind = ?`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		urls = append(urls, u)
	}
	return urls, rows.Err()
}

// CrawlCount is the number of crawl rows in one state.
type CrawlCount struct {
	State  string
	Render bool // pages that need a browser
	Image  bool // images waiting to be downloaded again, not pages
	N      int64
}

// CrawlCounts counts the crawl table by state, render and page/image,
// pages first, then by state and render.
func (s *Store) CrawlCounts(ctx context.Context) ([]CrawlCount, error) {
	rows, err := s.DB.QueryContext(ctx,
		`SELECT state, render, kind IS '`+record.KindImage+`' AS image, count(*) FROM crawl
		 GROUP BY state, render, image ORDER BY image, state, render`)
	if err != nil {
		return nil, fmt.Errorf("reading the crawl table: %w", err)
	}
	defer rows.Close()
	var out []CrawlCount
	for rows.Next() {
		var c CrawlCount
		if err := rows.Scan(&c.State, &c.Render, &c.Image, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Count returns the number of rows of one of the archive's tables.
func (s *Store) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM `+quote(table)).Scan(&n)
	return n, err
}

// ImageFiles counts the image rows with a file and those without one.
func (s *Store) ImageFiles(ctx context.Context) (files, missing int64, err error) {
	err = s.DB.QueryRowContext(ctx,
		`SELECT count(filename), count(*) - count(filename) FROM image`).Scan(&files, &missing)
	return files, missing, err
}
