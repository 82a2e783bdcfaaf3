package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/pb-archive/pb/internal/record"
)

// Names and groups of the user rows pb-load makes for authors without a
// ProBoards profile.
const (
	DeletedUserName  = "Deleted User"
	DeletedUserGroup = "Deleted"
	StaffUserName    = "ProBoards Staff" // when the page gives no staff name
	StaffUserGroup   = "Staff"
	GuestGroup       = "Guest"
)

// arg is one value to bind; a small tagged union so binding a record
// allocates nothing.
type arg struct {
	kind uint8
	i    int64
	s    string
}

const (
	argNull uint8 = iota
	argInt
	argText
)

func null() arg           { return arg{} }
func integer(v int64) arg { return arg{kind: argInt, i: v} }
func text(v string) arg   { return arg{kind: argText, s: v} }

func optInt(p *int64) arg {
	if p == nil {
		return null()
	}
	return integer(*p)
}

func optText(p *string) arg {
	if p == nil {
		return null()
	}
	return text(*p)
}

// optBool stores booleans as 0 and 1, as the Python scraper did.
func optBool(p *bool) arg {
	switch {
	case p == nil:
		return null()
	case *p:
		return integer(1)
	}
	return integer(0)
}

// nonEmpty treats "" as absent, for fields whose Go type cannot say "unknown".
func nonEmpty(s string) arg {
	if s == "" {
		return null()
	}
	return text(s)
}

func nonZero(v int64) arg {
	if v == 0 {
		return null()
	}
	return integer(v)
}

// bind binds args to the statement's parameters ?1..?n; a statement that
// uses fewer parameters than args gets only the first ones.
func bind(s *sqlite3.Stmt, args []arg) error {
	n := min(s.BindCount(), len(args))
	for i := 0; i < n; i++ {
		var err error
		switch a := args[i]; a.kind {
		case argInt:
			err = s.BindInt64(i+1, a.i)
		case argText:
			err = s.BindText(i+1, a.s)
		default:
			err = s.BindNull(i + 1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TableStats counts the rows a load inserted and changed in one table.
// Records that changed nothing (repeats) count in neither.
type TableStats struct {
	Inserted int64
	Updated  int64
}

// upsert is an insert-if-absent statement and an update-if-different
// statement on the same parameters; running the second only when the first
// did nothing tells inserted, updated and unchanged rows apart.
type upsert struct {
	conn  *sqlite3.Conn
	ins   *sqlite3.Stmt
	upd   *sqlite3.Stmt // nil for set tables, whose rows never change
	stats *TableStats
}

// exec applies args and reports whether a row was inserted.
func (u *upsert) exec(args []arg) (inserted bool, err error) {
	if err := bind(u.ins, args); err != nil {
		return false, err
	}
	if err := u.ins.Exec(); err != nil {
		return false, err
	}
	if u.conn.Changes() > 0 {
		u.stats.Inserted++
		return true, nil
	}
	if u.upd == nil {
		return false, nil
	}
	if err := bind(u.upd, args); err != nil {
		return false, err
	}
	if err := u.upd.Exec(); err != nil {
		return false, err
	}
	if u.conn.Changes() > 0 {
		u.stats.Updated++
	}
	return false, nil
}

// Crawl bookkeeping. url and link records add a page to the frontier only
// if it is absent: a done page is never reset and state never goes back.
// The update only fills a missing kind and keeps the smallest parent URL,
// so the row does not depend on which page linked to it first.
const (
	sqlCrawlAdd = `INSERT INTO crawl (url, render, kind, parent, seq, added_at)
	  VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING`
	sqlCrawlLink = `UPDATE crawl SET kind = COALESCE(kind, ?3),
	    parent = CASE WHEN ?4 IS NOT NULL AND (parent IS NULL OR ?4 < parent) THEN ?4 ELSE parent END
	  WHERE url = ?1 AND render = ?2
	    AND ((kind IS NULL AND ?3 IS NOT NULL) OR (?4 IS NOT NULL AND (parent IS NULL OR ?4 < parent)))`

	// Outcomes: parameters ?1 url, ?2 render, ?3 kind, ?4 now, ?5
	// http_status, ?6 fetched_at, ?7 reason, ?8 seq, ?9 now plus
	// MaxClockSkew. An outcome whose fetched_at is not newer than the one
	// last applied is a replay (a rerun of the same input) or stale, and
	// changes nothing, so reruns do not count failed attempts twice. A
	// stored fetched_at beyond ?9 (written before pb-load refused outcomes
	// from the future) blocks nothing.
	sqlOutcomeAdd = `INSERT INTO crawl (url, render, kind, seq, added_at)
	  VALUES (?1, ?2, ?3, ?8, ?4) ON CONFLICT DO NOTHING`
	outcomeIsNew = `url = ?1 AND render = ?2
	    AND (?6 IS NULL OR fetched_at IS NULL OR ?6 > fetched_at OR fetched_at > ?9)`
	sqlOutcomeDone = `UPDATE crawl SET state = 'done', done_at = ?4, http_status = COALESCE(?5, http_status),
	    fetched_at = COALESCE(?6, fetched_at), kind = COALESCE(kind, ?3)
	  WHERE ` + outcomeIsNew
	sqlOutcomeFailed = `UPDATE crawl SET state = 'failed', attempts = attempts + 1, last_error = ?7,
	    http_status = COALESCE(?5, http_status), fetched_at = COALESCE(?6, fetched_at), kind = COALESCE(kind, ?3)
	  WHERE ` + outcomeIsNew

	// Images whose download failed for a passing reason
	// (record.ImageRetryable) wait in the frontier as rows of kind image,
	// so `pb-urls pending` hands them to pb-images again; they count
	// attempts like pages, one per download (a fetched_at not newer than
	// the last one applied is the same download, named by another record,
	// or a replay). A file removes the row: an image on file needs no
	// entry and never gets one, so the crawl table does not depend on
	// whether a failure was loaded before or after the success. Another
	// final answer (404, not an image) closes the row as done, keeping its
	// attempts; a later failure does not reopen it. These statements never
	// touch a page's row of the same URL. Parameters: ?1 url, ?2 status, ?3
	// http_status, ?4 fetched_at, ?5 seq, ?6 now, ?7 image id.
	sqlImageRetryAdd = `INSERT INTO crawl (url, render, kind, state, attempts, last_error, http_status, fetched_at, seq, added_at)
	  SELECT ?1, 0, '` + record.KindImage + `', 'failed', 1, ?2, ?3, ?4, ?5, ?6
	  WHERE NOT EXISTS (SELECT 1 FROM image_status WHERE image_id = ?7 AND status = 'ok')
	  ON CONFLICT DO NOTHING`
	imageRow      = `url = ?1 AND render = 0 AND kind = '` + record.KindImage + `' AND state != 'done'`
	sqlImageRetry = `UPDATE crawl SET state = 'failed', attempts = attempts + 1, last_error = ?2,
	    http_status = COALESCE(?3, http_status), fetched_at = COALESCE(?4, fetched_at)
	  WHERE ` + imageRow + ` AND (?4 IS NULL OR fetched_at IS NULL OR ?4 > fetched_at)`
	sqlImageFinal = `UPDATE crawl SET state = 'done', done_at = ?6, http_status = COALESCE(?3, http_status),
	    fetched_at = COALESCE(?4, fetched_at)
	  WHERE ` + imageRow
	sqlImageOnFile = `DELETE FROM crawl WHERE url = ?1 AND render = 0 AND kind = '` + record.KindImage + `'`

	// Vanished posts: a thread page lists the posts it shows (?2, a JSON
	// array); posts of the thread (?1) stored with an id inside the page's
	// range (?3..?4) but not shown are marked deleted at ?5, and shown ones
	// lose any such mark. Nothing is ever erased from post.
	sqlPostsVanished = `INSERT INTO post_deleted (post_id, deleted_at)
	  SELECT id, ?5 FROM post WHERE thread_id = ?1 AND id BETWEEN ?3 AND ?4
	    AND id NOT IN (SELECT value FROM json_each(?2))
	  ON CONFLICT DO NOTHING`
	sqlPostsShown = `DELETE FROM post_deleted WHERE post_id IN (SELECT value FROM json_each(?2))`

	// A user_field record is the whole set of a user's (?1) custom fields:
	// fields whose names (?2, a JSON array) it lacks are gone from the profile.
	sqlUserFieldsGone = `DELETE FROM user_field WHERE user_id = ?1 AND name NOT IN (SELECT value FROM json_each(?2))`

	// The next discovery number: the largest seq of each state is one
	// index lookup in crawl_state, so this stays fast on a big frontier.
	sqlMaxSeq = `SELECT max(m) FROM (
	    SELECT max(seq) AS m FROM crawl WHERE state = 'pending'
	    UNION ALL SELECT max(seq) FROM crawl WHERE state = 'done'
	    UNION ALL SELECT max(seq) FROM crawl WHERE state = 'failed')`
)

// Special users. Guests and deleted users always get the same row. Staff
// all share id -3; its name is the staff name the pages give, and when they
// give several, the alphabetically first, so the row does not depend on
// the order posts arrive in.
var (
	sqlGuest   = `INSERT INTO "user" (id, name, "group") VALUES (?1, ?2, '` + GuestGroup + `') ON CONFLICT DO NOTHING`
	sqlDeleted = fmt.Sprintf(`INSERT INTO "user" (id, name, "group") VALUES (%d, '%s', '%s') ON CONFLICT DO NOTHING`,
		record.DeletedUserID, DeletedUserName, DeletedUserGroup)
	sqlStaffAdd = fmt.Sprintf(`INSERT INTO "user" (id, name, "group") VALUES (%d, ?1, '%s') ON CONFLICT DO NOTHING`,
		record.StaffUserID, StaffUserGroup)
	sqlStaffName = fmt.Sprintf(`UPDATE "user" SET name = ?1 WHERE id = %d AND ?1 != '%s'
	    AND (name IS NULL OR name = '%s' OR ?1 < name)`, record.StaffUserID, StaffUserName, StaffUserName)
)

// applier applies decoded records to the database through one connection
// and its prepared statements. It is not safe for concurrent use.
type applier struct {
	conn *sqlite3.Conn
	now  func() int64 // ms since the epoch

	category, board, moderator, thread, post, like     *upsert
	poll, pollOption, pollVoter, user, shoutbox, image *upsert
	imageStatus, avatar, userField                     *upsert
	guest, deleted, staff, crawlAdd, outcomeAdd        *upsert
	imageRetry                                         *upsert
	outcomeDone, outcomeFailed, maxSeq                 *sqlite3.Stmt
	imageFinal, imageOnFile                            *sqlite3.Stmt
	postsVanished, postsShown, userFieldsGone          *sqlite3.Stmt
	stmts                                              []*sqlite3.Stmt

	stats     map[string]*TableStats
	seq       int64          // last discovery number handed out
	known     map[int64]bool // guest and deleted rows already written
	lastStaff string         // staff name last merged, to skip repeats
	args      []arg          // scratch
	urlOnly   record.Image   // scratch: the image row of an avatar
	field     userFieldRow   // scratch: one user_field row
}

func newApplier(conn *sqlite3.Conn) (a *applier, err error) {
	a = &applier{
		conn:  conn,
		now:   func() int64 { return time.Now().UnixMilli() },
		stats: map[string]*TableStats{},
		known: map[int64]bool{},
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	prep := func(sql string) *sqlite3.Stmt {
		if err != nil || sql == "" {
			return nil
		}
		var s *sqlite3.Stmt
		s, _, err = conn.Prepare(sql)
		if err != nil {
			err = fmt.Errorf("preparing %q: %w", sql, err)
			return nil
		}
		a.stmts = append(a.stmts, s)
		return s
	}
	pair := func(tableName, ins, upd string) *upsert {
		st := a.stats[tableName]
		if st == nil {
			st = &TableStats{}
			a.stats[tableName] = st
		}
		return &upsert{conn: conn, ins: prep(ins), upd: prep(upd), stats: st}
	}

	for _, t := range []struct {
		u **upsert
		t table
	}{
		{&a.category, tCategory.table}, {&a.board, tBoard.table}, {&a.moderator, tModerator.table},
		{&a.thread, tThread.table}, {&a.post, tPost.table}, {&a.like, tLike.table},
		{&a.poll, tPoll.table}, {&a.pollOption, tPollOption.table}, {&a.pollVoter, tPollVoter.table},
		{&a.user, tUser.table}, {&a.shoutbox, tShoutbox.table}, {&a.image, tImage.table},
		{&a.imageStatus, tImageStatus.table}, {&a.avatar, tAvatar.table}, {&a.userField, tUserField.table},
	} {
		*t.u = pair(t.t.name, t.t.insertSQL(), t.t.updateSQL())
	}
	a.userFieldsGone = prep(sqlUserFieldsGone)
	a.guest = pair("user", sqlGuest, "")
	a.deleted = pair("user", sqlDeleted, "")
	a.staff = pair("user", sqlStaffAdd, sqlStaffName)
	a.crawlAdd = pair("crawl", sqlCrawlAdd, sqlCrawlLink)
	a.outcomeAdd = pair("crawl", sqlOutcomeAdd, "")
	a.imageRetry = pair("crawl", sqlImageRetryAdd, sqlImageRetry)
	a.imageFinal = prep(sqlImageFinal)
	a.imageOnFile = prep(sqlImageOnFile)
	a.outcomeDone = prep(sqlOutcomeDone)
	a.outcomeFailed = prep(sqlOutcomeFailed)
	a.maxSeq = prep(sqlMaxSeq)
	a.postsVanished = prep(sqlPostsVanished)
	a.postsShown = prep(sqlPostsShown)
	if _, ok := a.stats["post_deleted"]; !ok {
		a.stats["post_deleted"] = &TableStats{}
	}
	return a, err
}

func (a *applier) close() {
	for _, s := range a.stmts {
		s.Close()
	}
	a.stmts = nil
}

// begin opens a write transaction and reads where discovery numbers stand
// (another process may have added pages since the last batch).
func (a *applier) begin() error {
	if err := a.conn.Exec(`BEGIN IMMEDIATE`); err != nil {
		return err
	}
	a.seq = 0
	if a.maxSeq.Step() {
		a.seq = a.maxSeq.ColumnInt64(0)
	}
	if err := a.maxSeq.Reset(); err != nil {
		a.conn.Exec(`ROLLBACK`)
		return err
	}
	return nil
}

func (a *applier) commit() error { return a.conn.Exec(`COMMIT`) }

func (a *applier) rollback() error { return a.conn.Exec(`ROLLBACK`) }

// isRecordError tells an error caused by one record's values (it is
// reported and skipped; the statement's changes are undone by SQLite) from
// one that stops the load (I/O, a full disk, a corrupt file).
func isRecordError(err error) bool {
	for _, code := range []sqlite3.ErrorCode{sqlite3.CONSTRAINT, sqlite3.MISMATCH, sqlite3.TOOBIG, sqlite3.RANGE} {
		if errors.Is(err, code) {
			return true
		}
	}
	return false
}

// apply writes one decoded record inside the current transaction.
func (a *applier) apply(rec any) error {
	args := a.args[:0]
	defer func() { a.args = args[:0] }()
	switch r := rec.(type) {
	case *record.URL:
		return a.addPage(r.URL, r.Render, r.Kind, "")
	case *record.Link:
		return a.addPage(r.URL, r.Render, r.Kind, r.From)
	case *record.Outcome:
		return a.outcome(r)

	case *record.Category:
		args = tCategory.args(args, r, derived{})
		_, err := a.category.exec(args)
		return err
	case *record.Board:
		args = tBoard.args(args, r, derived{})
		_, err := a.board.exec(args)
		return err
	case *record.Moderator:
		if err := a.special(r.UserID); err != nil {
			return err
		}
		args = tModerator.args(args, r, derived{})
		_, err := a.moderator.exec(args)
		return err
	case *record.Thread:
		author, err := a.author(r.UserID, r.GuestName, nil)
		if err != nil {
			return err
		}
		args = tThread.args(args, r, derived{author: author})
		_, err = a.thread.exec(args)
		return err
	case *record.Post:
		author, err := a.author(r.UserID, r.GuestName, r.StaffName)
		if err != nil {
			return err
		}
		editor, err := a.author(r.EditUserID, r.EditGuestName, nil)
		if err != nil {
			return err
		}
		args = tPost.args(args, r, derived{author: author, editor: editor})
		_, err = a.post.exec(args)
		return err
	case *record.Like:
		if err := a.special(r.UserID); err != nil {
			return err
		}
		args = tLike.args(args, r, derived{})
		_, err := a.like.exec(args)
		return err
	case *record.Poll:
		args = tPoll.args(args, r, derived{})
		_, err := a.poll.exec(args)
		return err
	case *record.PollOption:
		args = tPollOption.args(args, r, derived{})
		_, err := a.pollOption.exec(args)
		return err
	case *record.PollVoter:
		if err := a.special(r.UserID); err != nil {
			return err
		}
		args = tPollVoter.args(args, r, derived{})
		_, err := a.pollVoter.exec(args)
		return err
	case *record.User:
		args = tUser.args(args, r, derived{})
		_, err := a.user.exec(args)
		return err
	case *record.ShoutboxPost:
		author, err := a.author(r.UserID, r.GuestName, nil)
		if err != nil {
			return err
		}
		args = tShoutbox.args(args, r, derived{author: author})
		_, err = a.shoutbox.exec(args)
		return err
	case *record.Image:
		id := record.ImageID(r.URL)
		args = tImage.args(args, r, derived{})
		if _, err := a.image.exec(args); err != nil {
			return err
		}
		if r.Status == nil && r.HTTPStatus == nil && r.PostID == nil {
			return nil
		}
		args = tImageStatus.args(args[:0], r, derived{})
		if _, err := a.imageStatus.exec(args); err != nil {
			return err
		}
		return a.imageFrontier(id, r)
	case *record.Avatar:
		// The image row may come later (or never): create it with its URL
		// so the avatar always resolves, whatever the order.
		a.urlOnly = record.Image{URL: r.URL}
		args = tImage.args(args, &a.urlOnly, derived{})
		if _, err := a.image.exec(args); err != nil {
			return err
		}
		args = tAvatar.args(args[:0], r, derived{})
		_, err := a.avatar.exec(args)
		return err
	case *record.UserField:
		return a.userFields(r)
	}
	return fmt.Errorf("store: no table for %T", rec)
}

// userFields replaces a user's custom fields with the record's set. Rows
// removed count as updated rows of user_field.
func (a *applier) userFields(r *record.UserField) error {
	names := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		names[i] = f.Name
	}
	js, err := json.Marshal(names)
	if err != nil {
		return err
	}
	if err := bind(a.userFieldsGone, []arg{integer(r.UserID), text(string(js))}); err != nil {
		return err
	}
	if err := a.userFieldsGone.Exec(); err != nil {
		return err
	}
	a.userField.stats.Updated += a.conn.Changes()
	for _, f := range r.Fields {
		a.field = userFieldRow{r.UserID, f.Name, f.Value}
		if _, err := a.userField.exec(tUserField.args(a.args[:0], &a.field, derived{})); err != nil {
			return err
		}
	}
	return nil
}

// author resolves who wrote something to a user id, writing the user row of
// a guest, a deleted user or ProBoards staff. No author at all binds NULL,
// which keeps the author an earlier record gave.
func (a *applier) author(userID *int64, guestName, staffName *string) (arg, error) {
	switch {
	case userID != nil:
		if *userID == record.StaffUserID {
			return integer(*userID), a.ensureStaff(staffName)
		}
		return integer(*userID), a.special(*userID)
	case guestName != nil && *guestName != "":
		id := record.GuestID(*guestName)
		if a.known[id] {
			return integer(id), nil
		}
		if _, err := a.guest.exec([]arg{integer(id), text(*guestName)}); err != nil {
			return null(), err
		}
		a.known[id] = true
		return integer(id), nil
	}
	return null(), nil
}

// special writes the row of a deleted user or of staff when id is one.
func (a *applier) special(id int64) error {
	switch id {
	case record.StaffUserID:
		return a.ensureStaff(nil)
	case record.DeletedUserID:
		if a.known[id] {
			return nil
		}
		if _, err := a.deleted.exec(nil); err != nil {
			return err
		}
		a.known[id] = true
	}
	return nil
}

func (a *applier) ensureStaff(name *string) error {
	n := StaffUserName
	if name != nil && *name != "" {
		n = *name
	}
	if n == a.lastStaff {
		return nil
	}
	if _, err := a.staff.exec([]arg{text(n)}); err != nil {
		return err
	}
	a.lastStaff = n
	return nil
}

// addPage adds a page to the crawl frontier if it is not there yet.
func (a *applier) addPage(url string, render bool, kind, parent string) error {
	inserted, err := a.crawlAdd.exec([]arg{text(url), boolInt(render), nonEmpty(kind), nonEmpty(parent),
		integer(a.seq + 1), integer(a.now())})
	if inserted {
		a.seq++
	}
	return err
}

// outcome closes a page: done, or one more failed attempt. A page not in
// the frontier yet is added first, so no outcome is lost.
func (a *applier) outcome(o *record.Outcome) error {
	now := a.now()
	args := []arg{text(o.URL), boolInt(o.Render), nonEmpty(o.Kind), integer(now),
		nonZero(int64(o.HTTPStatus)), nonZero(o.FetchedAt), nonEmpty(o.Reason), integer(a.seq + 1),
		integer(now + MaxClockSkew.Milliseconds())}
	inserted, err := a.outcomeAdd.exec(args)
	if err != nil {
		return err
	}
	if inserted {
		a.seq++
	}
	stmt := a.outcomeDone
	if o.Status == record.OutcomeFailed {
		stmt = a.outcomeFailed
	}
	if err := bind(stmt, args); err != nil {
		return err
	}
	if err := stmt.Exec(); err != nil {
		return err
	}
	if a.conn.Changes() > 0 && !inserted {
		a.stats["crawl"].Updated++
	}
	if o.Status == record.OutcomeDone && o.ThreadID != 0 && len(o.PostIDs) > 0 {
		return a.vanished(o)
	}
	return nil
}

// imageFrontier keeps an image that failed for a passing reason in the
// crawl frontier, counting one attempt per download, and closes its entry
// once a download gives a final status.
func (a *applier) imageFrontier(id int64, r *record.Image) error {
	if r.Status == nil || *r.Status == "" {
		return nil // not downloaded (no pb-images in the pipeline): nothing to retry
	}
	httpStatus := 0
	if r.HTTPStatus != nil {
		httpStatus = *r.HTTPStatus
	}
	args := []arg{text(r.URL), text(*r.Status), nonZero(int64(httpStatus)), optInt(r.FetchedAt),
		integer(a.seq + 1), integer(a.now()), integer(id)}
	if record.ImageRetryable(r.URL, *r.Status, httpStatus) {
		inserted, err := a.imageRetry.exec(args)
		if inserted {
			a.seq++
		}
		return err
	}
	stmt := a.imageFinal
	if *r.Status == "ok" {
		stmt = a.imageOnFile
	}
	if err := bind(stmt, args); err != nil {
		return err
	}
	if err := stmt.Exec(); err != nil {
		return err
	}
	if a.conn.Changes() > 0 {
		a.stats["crawl"].Updated++
	}
	return nil
}

// vanished marks the posts a re-crawled thread page no longer shows. The
// page covers the ids between its first and last post; the first page
// also covers everything before, the last page everything after.
func (a *applier) vanished(o *record.Outcome) error {
	lo, hi := slices.Min(o.PostIDs), slices.Max(o.PostIDs)
	if o.FirstPage {
		lo = math.MinInt64
	}
	if o.LastPage {
		hi = math.MaxInt64
	}
	ids, err := json.Marshal(o.PostIDs)
	if err != nil {
		return err
	}
	at := o.FetchedAt
	if at == 0 {
		at = a.now()
	}
	args := []arg{integer(o.ThreadID), text(string(ids)), integer(lo), integer(hi), integer(at)}
	for _, st := range []*sqlite3.Stmt{a.postsShown, a.postsVanished} {
		if err := bind(st, args); err != nil {
			return err
		}
		if err := st.Exec(); err != nil {
			return err
		}
		if st == a.postsVanished {
			a.stats["post_deleted"].Inserted += a.conn.Changes()
		}
	}
	return nil
}

func boolInt(b bool) arg {
	if b {
		return integer(1)
	}
	return integer(0)
}
