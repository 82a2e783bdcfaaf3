package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// refMerge is Merge's meaning, done the slow and obvious way.
func refMerge(t *testing.T, raw []byte, patch any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(patch)
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	for k, v := range p {
		m[k] = v
	}
	return m
}

type embedded struct {
	Inner string `json:"inner"`
}

type withEmbedded struct {
	embedded
	Outer int `json:"outer"`
}

type odd struct {
	Skip string `json:"-"`
	//lint:ignore SA5008 on purpose: `-,` names a field "-", which Merge must handle as encoding/json does
	Dash   string            `json:"-,"`
	NoTag  int               //nolint
	Zero   int               `json:"zero,omitzero"`
	Empty  []int             `json:"empty,omitempty"`
	Nil    *int              `json:"nil,omitempty"`
	Nested map[string]string `json:"nested,omitempty"`
	//lint:ignore U1000 on purpose: an unexported field, which encoding/json never writes
	private int
}

func TestMergeMatchesTheSlowWay(t *testing.T) {
	for name, tc := range map[string]struct {
		raw   string
		patch any
	}{
		"page over url with unknown fields": {
			`{"type":"url","url":"http://f/","render":true,"x_note":[1,{"a":"b"}],"kind":"home"}`,
			Page{Type: TypePage, URL: "http://f/", Status: 200, Body: "<p>é</p>"},
		},
		"omitted zero fields keep raw's values": {
			`{"type":"url","url":"http://f/","render":true,"kind":"home","error":"old"}`,
			Page{Type: TypePage, URL: "http://f/"},
		},
		"pointer patch": {`{"type":"image","url":"u","custom":1}`, &Image{Type: TypeImage, URL: "u", Size: Ptr(int64(9))}},
		"map patch":     {`{"type":"x","a":1,"b":2}`, map[string]any{"b": "two", "c": nil}},
		"empty patch":   {`{"type":"x","a":1}`, map[string]any{}},
		"embedded":      {`{"type":"x","inner":"old","keep":true}`, withEmbedded{embedded{"new"}, 3}},
		"odd tags":      {`{"-":"raw","Skip":"raw","NoTag":1,"zero":5,"empty":[1],"nil":2,"nested":{"a":"b"},"private":1}`, odd{Dash: "d"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Merge([]byte(tc.raw), tc.patch)
			if err != nil {
				t.Fatal(err)
			}
			var gm map[string]any
			if err := json.Unmarshal(got, &gm); err != nil {
				t.Fatalf("merged record is not JSON: %v: %s", err, got)
			}
			if want := refMerge(t, []byte(tc.raw), tc.patch); !reflect.DeepEqual(gm, want) {
				t.Errorf("Merge = %s\nwant %v", got, want)
			}
			if strings.Contains(string(got), "\n") || strings.Count(string(got), `"type"`) > 1 {
				t.Errorf("bad shape: %s", got)
			}
		})
	}
}

func TestMergeRejectsNonObjects(t *testing.T) {
	if _, err := Merge([]byte(`{"a":1}`), []int{1}); err == nil {
		t.Error("a slice patch was accepted")
	}
	if _, err := Merge([]byte(`[1]`), map[string]any{}); err == nil {
		t.Error("a non-object record was accepted")
	}
}

func BenchmarkMergePage(b *testing.B) {
	raw := []byte(`{"type":"url","url":"http://f/thread/1/t","kind":"thread","x_from":"jq"}`)
	page := Page{Type: TypePage, URL: "http://f/thread/1/t", Status: 200, Body: strings.Repeat("<p>x</p>", 1<<17)}
	b.SetBytes(int64(len(page.Body)))
	for b.Loop() {
		if _, err := Merge(raw, page); err != nil {
			b.Fatal(err)
		}
	}
}
