package site

import (
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The search index works from file:// with no server: plain scripts that
// the search page adds as <script> tags (no fetch, modules or WASM), each
// calling PBSearch with its part of the index.
//
//   - search/index.js: the shard keys that exist and the number of posts;
//   - search/t-HEX.js: the terms starting with one 2-letter key (HEX is
//     the key's UTF-8 in hex, safe in any file system), each with the
//     posts it occurs in as ascending, delta-encoded document numbers;
//   - search/d-N.js: documents N*docChunk.. (post id, link, thread title,
//     author, date, start of the text), documents numbered by date.
const docChunk = 500

// snippetLen is how much of a post's text a search hit shows.
const snippetLen = 180

// terms splits text into lower-case words without accents, the way
// assets/search.js splits a query.
func terms(text string) []string {
	text = foldAccents(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// foldAccents drops combining diacritical marks (U+0300..U+036F) after
// canonical decomposition, as String.prototype.normalize('NFD') and a
// regexp do in the browser.
func foldAccents(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	for _, r := range d {
		if r >= 0x300 && r <= 0x36f {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shardKey is the first two characters of a term.
func shardKey(term string) string {
	r := []rune(term)
	if len(r) > 2 {
		r = r[:2]
	}
	return string(r)
}

func (b *builder) search() error {
	var posts []*post
	for _, t := range b.threadList {
		posts = append(posts, t.Posts...)
	}
	sort.Slice(posts, func(i, j int) bool { return later(posts[j], posts[i]) })
	shards := map[string]map[string][]int{}
	var docs [][]any
	for n, p := range posts {
		t := b.f.threads[p.ThreadID]
		who := b.author(p.UserID)
		text := plainText(b.cl.clean(p.Message, ""))
		snip := text
		if r := []rune(snip); len(r) > snippetLen {
			snip = string(r[:snippetLen]) + "…"
		}
		docs = append(docs, []any{p.ID, b.postLink(p), t.Title, who.Name, p.Date, snip})
		seen := map[string]bool{}
		for _, w := range append(append(terms(text), terms(t.Title)...), terms(who.Name)...) {
			if seen[w] || len([]rune(w)) > 40 {
				continue
			}
			seen[w] = true
			k := shardKey(w)
			if shards[k] == nil {
				shards[k] = map[string][]int{}
			}
			shards[k][w] = append(shards[k][w], n)
		}
	}
	keys := make([]string, 0, len(shards))
	for k := range shards {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		// encoding/json sorts map keys, so the file is deterministic.
		enc := map[string][]int{}
		for w, ids := range shards[k] {
			d := make([]int, len(ids))
			prev := 0
			for i, id := range ids {
				d[i] = id - prev
				prev = id
			}
			enc[w] = d
		}
		data, err := json.Marshal(enc)
		if err != nil {
			return err
		}
		kj, _ := json.Marshal(k)
		b.out.file("search/t-"+hex.EncodeToString([]byte(k))+".js", []byte("PBSearch.shard("+string(kj)+","+string(data)+");\n"))
	}
	for i := 0; i*docChunk < len(docs); i++ {
		chunk := docs[i*docChunk : min((i+1)*docChunk, len(docs))]
		data, err := json.Marshal(chunk)
		if err != nil {
			return err
		}
		b.out.file("search/d-"+strconv.Itoa(i)+".js", []byte("PBSearch.docs("+strconv.Itoa(i)+","+string(data)+");\n"))
	}
	meta, err := json.Marshal(map[string]any{"keys": keys, "docs": len(docs), "chunk": docChunk})
	if err != nil {
		return err
	}
	b.out.file("search/index.js", []byte("PBSearch.meta("+string(meta)+");\n"))
	return b.render("search.html", "search", &pageData{Title: "Search",
		Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "Search", Link: "search.html"}}})
}
