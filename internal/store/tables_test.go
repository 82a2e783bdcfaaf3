package store

import (
	"reflect"
	"sort"
	"testing"
)

// TestDeclaredTablesMatchSchema checks each table declaration against the
// schema: every column the loader writes exists, keys first, and every
// column of the table is written, so a column added to the schema but not
// to its declaration (or the reverse) fails here rather than as a row that
// silently misses a value. The declaration is also the only source of the
// insert's column list and bind order.
func TestDeclaredTablesMatchSchema(t *testing.T) {
	s := openTemp(t, "schema.db")
	for _, tb := range []table{
		tCategory.table, tBoard.table, tModerator.table, tThread.table, tPost.table, tLike.table,
		tPoll.table, tPollOption.table, tPollVoter.table, tUser.table, tShoutbox.table,
		tImage.table, tImageStatus.table, tAvatar.table, tUserField.table,
	} {
		rows, err := s.DB.Query(`SELECT name, pk FROM pragma_table_info(?)`, tb.name)
		if err != nil {
			t.Fatal(err)
		}
		var schema []string
		for rows.Next() {
			var name string
			var pk int
			if err := rows.Scan(&name, &pk); err != nil {
				t.Fatal(err)
			}
			schema = append(schema, name)
		}
		rows.Close()
		var declared []string
		declared = append(declared, tb.key...)
		for _, c := range tb.cols {
			declared = append(declared, c.name)
		}
		sort.Strings(schema)
		sort.Strings(declared)
		if !reflect.DeepEqual(schema, declared) {
			t.Errorf("table %s: schema has %v, its declaration %v", tb.name, schema, declared)
		}
	}
	// Values come in declaration order: key first, one per column.
	if n := len(tThread.vals); n != len(tThread.key)+len(tThread.cols) {
		t.Errorf("thread binds %d values for %d columns", n, len(tThread.key)+len(tThread.cols))
	}
}
