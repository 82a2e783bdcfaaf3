package warc

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// SURT returns the Sort-friendly URI Reordering Transform of a URL, the
// key of a CDXJ line as pywb and ReplayWeb.page write it:
// "http://www.Forum.test:8080/Thread/1?b=2&a=1" → "test,forum:8080)/thread/1?a=1&b=2".
func SURT(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strings.ToLower(raw)
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	parts := strings.Split(host, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	key := strings.Join(parts, ",")
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		key += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key += ")" + path
	if u.RawQuery != "" {
		q := strings.Split(u.RawQuery, "&")
		sort.Strings(q)
		key += "?" + strings.Join(q, "&")
	}
	return strings.ToLower(key)
}

// CDXLine is one line of a CDXJ index.
type CDXLine struct {
	Key, Timestamp string
	Fields         map[string]string
}

// String formats the line: "SURT TIMESTAMP {json}".
func (l CDXLine) String() string {
	b, _ := json.Marshal(l.Fields)
	return l.Key + " " + l.Timestamp + " " + string(b)
}

// Index returns the CDXJ lines of the response, revisit and resource
// records of files, sorted. Each line names its file by base name, the
// offset and the length (gzip member included) of its record.
func Index(files []string) ([]CDXLine, error) {
	var out []CDXLine
	for _, f := range files {
		lines, err := indexFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func indexFile(path string) ([]CDXLine, error) {
	var out []CDXLine
	err := eachRecord(path, func(rec gowarc.Record) error {
		wr := rec.WarcRecord
		h := wr.WarcHeader()
		typ := wr.Type()
		if typ != gowarc.Response && typ != gowarc.Revisit && typ != gowarc.Resource {
			return nil
		}
		target := h.Get(gowarc.WarcTargetURI)
		date, _ := time.Parse(time.RFC3339Nano, h.Get(gowarc.WarcDate))
		f := map[string]string{
			"url": target, "offset": strconv.FormatInt(rec.Offset, 10),
			"length": strconv.FormatInt(rec.Size, 10), "filename": filepath.Base(path),
		}
		if d := h.Get(gowarc.WarcPayloadDigest); d != "" {
			f["digest"] = d
		}
		switch typ {
		case gowarc.Response:
			if b, ok := wr.Block().(gowarc.HttpResponseBlock); ok {
				f["status"] = strconv.Itoa(b.HttpStatusCode())
				if b.HttpHeader() != nil {
					f["mime"] = mimeOf(b.HttpHeader().Get("Content-Type"))
				}
			}
		case gowarc.Revisit:
			f["mime"] = "warc/revisit"
			if b, ok := wr.Block().(gowarc.HttpResponseBlock); ok {
				f["status"] = strconv.Itoa(b.HttpStatusCode())
			}
		case gowarc.Resource:
			f["mime"] = mimeOf(h.Get(gowarc.ContentType))
			f["status"] = "200"
		}
		out = append(out, CDXLine{Key: SURT(target), Timestamp: date.UTC().Format("20060102150405"), Fields: f})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func mimeOf(ct string) string {
	m, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(strings.ToLower(m))
}
