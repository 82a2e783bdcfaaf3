package store

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pb-archive/pb/internal/parse"
	"github.com/pb-archive/pb/internal/record"
)

// TestUserFieldsAreReplacedAsASet: a user_field record is the whole set of
// a user's custom fields, so a refresh that no longer shows a field removes
// it, changes a changed value, leaves other users alone, and "fields": []
// removes them all.
func TestUserFieldsAreReplacedAsASet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	rows := func() []string {
		t.Helper()
		return dumpFile(t, path, "user_field")["user_field"]
	}
	mustLoad(t, path, lines(
		`{"type":"user_field","user_id":2,"fields":[{"name":"Favourite Band","value":"Blur"},{"name":"Pets","value":"2 cats"},{"name":"Quote","value":"Hi"}]}`,
		`{"type":"user_field","user_id":5,"fields":[{"name":"Pets","value":"none"}]}`,
		`{"type":"user","id":2,"name":"Two"}`))
	want := []string{
		`user_id=2 | name="Favourite Band" | value="Blur"`,
		`user_id=2 | name="Pets" | value="2 cats"`,
		`user_id=2 | name="Quote" | value="Hi"`,
		`user_id=5 | name="Pets" | value="none"`,
	}
	if got := rows(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the first crawl:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The refresh of user 2: Pets removed, Quote changed. A members-list row
	// (a partial user record) says nothing about custom fields.
	r := mustLoad(t, path, lines(
		`{"type":"user_field","user_id":2,"fields":[{"name":"Quote","value":"Hello"},{"name":"Favourite Band","value":"Blur"}]}`,
		`{"type":"user","id":5,"name":"Five","post_count":3}`))
	want = []string{
		`user_id=2 | name="Favourite Band" | value="Blur"`,
		`user_id=2 | name="Quote" | value="Hello"`,
		`user_id=5 | name="Pets" | value="none"`,
	}
	if got := rows(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the refresh:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stderr, "user_field") {
		t.Errorf("the load summary does not mention user_field: %s", r.stderr)
	}
	mustLoad(t, path, lines(`{"type":"user_field","user_id":5,"fields":[]}`))
	if got := rows(); len(got) != 2 || strings.Contains(strings.Join(got, ""), "user_id=5") {
		t.Fatalf("fields: [] left user 5's fields: %v", got)
	}
}

// TestUserFieldBadRecords: a malformed user_field record is refused with
// its line number, and the good records around it are kept.
func TestUserFieldBadRecords(t *testing.T) {
	for _, tc := range []struct{ rec, want string }{
		{`{"type":"user_field","fields":[]}`, `no "user_id"`},
		{`{"type":"user_field","user_id":2}`, `no "fields"`},
		{`{"type":"user_field","user_id":2,"fields":[{"name":"","value":"x"}]}`, `fields[0] has no name`},
		{`{"type":"user_field","user_id":2,"fields":[{"name":"A","value":"x"},{"name":"A","value":"y"}]}`, `"A" is listed twice`},
		{`{"type":"user_field","user_id":2,"fields":{"A":"x"}}`, `"fields" is a JSON object, want an array`},
	} {
		path := filepath.Join(t.TempDir(), "f.db")
		r := runLoad(t, path, lines(
			`{"type":"user_field","user_id":1,"fields":[{"name":"A","value":"1"}]}`,
			tc.rec,
			`{"type":"user_field","user_id":3,"fields":[{"name":"B","value":"3"}]}`), Options{})
		if r.exit != 1 || !strings.Contains(r.stderr, "line 2") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and line 2: %s", tc.rec, r.exit, r.stderr, tc.want)
		}
		if got := dumpFile(t, path, "user_field")["user_field"]; len(got) != 2 {
			t.Errorf("%s: the good records around it were not all kept: %v", tc.rec, got)
		}
	}
}

// TestProfileRefreshDropsRemovedField runs pb-parse and pb-load on a profile,
// then on the same profile a refresh later finds without one custom field:
// the field is gone from user_field, the others stay.
func TestProfileRefreshDropsRemovedField(t *testing.T) {
	profile := func(rows string) []byte {
		body := `<html><body><div class="show-user"><div class="name_and_group float-right"><span class="big_username">Cleo</span><br>Member<br></div>` +
			`<div class="pad-all-double ui-helper-clearfix clear"><form class="form_user_status"><table><tr><td id="center-column">` +
			`<div class="content-box center-col"><table><tr><td class="headings">Posts:</td><td>3</td></tr>` + rows +
			`</table></div></td><td id="right-column"></td></tr></table></form></div></div></body></html>`
		b, err := json.Marshal(record.Page{Type: record.TypePage, URL: "https://f.proboards.com/user/7", Kind: record.KindUser,
			Status: 200, Body: body, FetchedAt: 1700000000000, Attempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		var out, errs bytes.Buffer
		if _, err := parse.Run(context.Background(), bytes.NewReader(append(b, '\n')), &out, &errs, parse.Options{}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	path := filepath.Join(t.TempDir(), "f.db")
	band := `<tr class="custom-field-favouriteband"><td class="headings">Favourite Band:</td><td>Blur</td></tr>`
	pets := `<tr class="custom-field-pets"><td class="headings">Pets:</td><td>2 cats</td></tr>`
	mustLoad(t, path, profile(band+pets))
	if got := dumpFile(t, path, "user_field")["user_field"]; len(got) != 2 {
		t.Fatalf("first crawl: user_field %v, want Favourite Band and Pets", got)
	}
	mustLoad(t, path, profile(band))
	want := []string{`user_id=7 | name="Favourite Band" | value="Blur"`}
	if got := dumpFile(t, path, "user_field")["user_field"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the refresh: user_field %v, want %v", got, want)
	}
}
