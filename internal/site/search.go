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
	// Postings are int32 and each chunk of documents is written as soon as
	// it is full: on a forum of 100,000 posts the index is the build's
	// largest structure, so it holds only what the term files still need.
	shards := map[string]map[string][]int32{}
	docs := make([][]any, 0, docChunk)
	chunk := 0
	writeDocs := func() error {
		data, err := json.Marshal(docs)
		if err != nil {
			return err
		}
		b.out.file("search/d-"+strconv.Itoa(chunk)+".js", []byte("PBSearch.docs("+strconv.Itoa(chunk)+","+string(data)+");\n"))
		chunk++
		docs = docs[:0]
		return nil
	}
	for n, p := range posts {
		t := b.f.threads[p.ThreadID]
		who := b.author(p.UserID)
		text := plainText(b.cl.clean(p.Message, ""))
		snip := text
		if r := []rune(snip); len(r) > snippetLen {
			snip = string(r[:snippetLen]) + "…"
		}
		docs = append(docs, []any{p.ID, b.postLink(p), t.Title, who.Name, p.Date, snip})
		if len(docs) == docChunk {
			if err := writeDocs(); err != nil {
				return err
			}
		}
		seen := map[string]bool{}
		for _, w := range append(append(terms(text), terms(t.Title)...), terms(who.Name)...) {
			if seen[w] || len([]rune(w)) > 40 {
				continue
			}
			seen[w] = true
			k := shardKey(w)
			if shards[k] == nil {
				shards[k] = map[string][]int32{}
			}
			shards[k][w] = append(shards[k][w], int32(n))
		}
	}
	if len(docs) > 0 {
		if err := writeDocs(); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(shards))
	for k := range shards {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		// encoding/json sorts map keys, so the file is deterministic.
		// Delta-encoded in place, and the shard dropped once written.
		enc := shards[k]
		for _, ids := range enc {
			for i := len(ids) - 1; i > 0; i-- {
				ids[i] -= ids[i-1]
			}
		}
		delete(shards, k)
		data, err := json.Marshal(enc)
		if err != nil {
			return err
		}
		kj, _ := json.Marshal(k)
		b.out.file("search/t-"+hex.EncodeToString([]byte(k))+".js", []byte("PBSearch.shard("+string(kj)+","+string(data)+");\n"))
	}
	meta, err := json.Marshal(map[string]any{"keys": keys, "docs": len(posts), "chunk": docChunk})
	if err != nil {
		return err
	}
	b.out.file("search/index.js", []byte("PBSearch.meta("+string(meta)+");\n"))
	return b.render("search.html", "search", &pageData{Title: "Search",
		Crumbs: []crumb{{Name: "Home", Link: "index.html"}, {Name: "Search", Link: "search.html"}}})
}
