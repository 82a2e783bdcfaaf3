package store

import (
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Volatile lists, per table, the columns that record when something
// happened on this machine rather than what the forum holds: discovery
// order and clock times. Dump leaves them out, so two archives of the same
// forum compare equal however their loads were split, ordered or resumed.
var Volatile = map[string][]string{
	"crawl":         {"seq", "added_at", "done_at"},
	"post_revision": {"seen_at"},
}

// Dump renders the rows of the given tables (all tables when none are
// given) canonically: one string per row, "col=value" pairs in column
// order, values rendered unambiguously (NULL, integers, Go-quoted text,
// x'hex' blobs), rows sorted. Columns listed in Volatile are left out.
func Dump(db *sql.DB, tables ...string) (map[string][]string, error) {
	if len(tables) == 0 {
		rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, err
			}
			tables = append(tables, name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make(map[string][]string, len(tables))
	for _, t := range tables {
		rows, err := dumpTable(db, t)
		if err != nil {
			return nil, fmt.Errorf("dumping %s: %w", t, err)
		}
		out[t] = rows
	}
	return out, nil
}

func dumpTable(db *sql.DB, table string) ([]string, error) {
	cols, err := columns(db, table)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no such table")
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quote(c)
	}
	rows, err := db.Query(fmt.Sprintf("SELECT %s FROM %s", strings.Join(quoted, ", "), quote(table)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	var b strings.Builder
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		b.Reset()
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(cols[i])
			b.WriteByte('=')
			b.WriteString(render(v))
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// columns returns the table's columns in order, without its volatile ones.
func columns(db *sql.DB, table string) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	skip := map[string]bool{}
	for _, c := range Volatile[table] {
		skip[c] = true
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		if !skip[c] {
			cols = append(cols, c)
		}
	}
	return cols, rows.Err()
}

// render writes a value so that different values never look alike: text is
// always quoted, so the text "NULL" or "12" differs from NULL and 12.
func render(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64) + "f"
	case string:
		return strconv.Quote(v)
	case []byte:
		return fmt.Sprintf("x'%x'", v)
	case bool: // the driver may return declared-BOOLEAN columns as bool
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// Diff compares two dumps and describes how b differs from a: for each
// table that differs, its row counts and up to max rows found only in a
// ("-") and only in b ("+"). It returns "" when the dumps are equal.
func Diff(a, b map[string][]string, max int) string {
	names := map[string]bool{}
	for t := range a {
		names[t] = true
	}
	for t := range b {
		names[t] = true
	}
	sorted := make([]string, 0, len(names))
	for t := range names {
		sorted = append(sorted, t)
	}
	sort.Strings(sorted)
	var out strings.Builder
	for _, t := range sorted {
		ra, inA := a[t]
		rb, inB := b[t]
		switch {
		case !inA:
			fmt.Fprintf(&out, "table %s: only in the second dump (%d rows)\n", t, len(rb))
			continue
		case !inB:
			fmt.Fprintf(&out, "table %s: only in the first dump (%d rows)\n", t, len(ra))
			continue
		}
		onlyA, onlyB := sortedDiff(ra, rb)
		if len(onlyA) == 0 && len(onlyB) == 0 {
			continue
		}
		fmt.Fprintf(&out, "table %s: %d rows vs %d; %d only in the first, %d only in the second\n",
			t, len(ra), len(rb), len(onlyA), len(onlyB))
		for i, r := range onlyA {
			if i == max {
				fmt.Fprintf(&out, "  - … %d more\n", len(onlyA)-max)
				break
			}
			fmt.Fprintf(&out, "  - %s\n", r)
		}
		for i, r := range onlyB {
			if i == max {
				fmt.Fprintf(&out, "  + … %d more\n", len(onlyB)-max)
				break
			}
			fmt.Fprintf(&out, "  + %s\n", r)
		}
	}
	return out.String()
}

// sortedDiff returns the rows of a not in b and of b not in a, counting
// duplicates, for two sorted slices.
func sortedDiff(a, b []string) (onlyA, onlyB []string) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			i++
			j++
		case a[i] < b[j]:
			onlyA = append(onlyA, a[i])
			i++
		default:
			onlyB = append(onlyB, b[j])
			j++
		}
	}
	onlyA = append(onlyA, a[i:]...)
	onlyB = append(onlyB, b[j:]...)
	return onlyA, onlyB
}
