package warc

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// WACZVersion is the version of the WACZ format written.
const WACZVersion = "1.1.1"

// WACZPage is one entry of pages/pages.jsonl: a page a replay tool lists.
type WACZPage struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"`
	Title string `json:"title,omitempty"`
}

// WACZOptions describe the package.
type WACZOptions struct {
	Title    string
	Software string
	// Created is the package's creation time (tests fix it).
	Created time.Time
}

type waczResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// WriteWACZ writes a WACZ 1.1.1 package of files to out: the WARCs under
// archive/, their CDXJ index as indexes/index.cdxj, pages as
// pages/pages.jsonl, datapackage.json with the sha256 of each, and
// datapackage-digest.json. Every entry is stored uncompressed, as the
// format asks, so a replay tool can read a record by its offset.
func WriteWACZ(out io.Writer, files []string, index []CDXLine, pages []WACZPage, o WACZOptions) error {
	zw := zip.NewWriter(out)
	var res []waczResource
	add := func(path string, r io.Reader) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Store, Modified: o.Created})
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), r)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		res = append(res, waczResource{Name: filepath.Base(path), Path: path, Hash: "sha256:" + hex.EncodeToString(h.Sum(nil)), Bytes: n})
		return nil
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		err = add("archive/"+filepath.Base(f), fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	var idx bytes.Buffer
	for _, l := range index {
		idx.WriteString(l.String() + "\n")
	}
	if err := add("indexes/index.cdxj", &idx); err != nil {
		return err
	}
	var pj bytes.Buffer
	hdr, _ := json.Marshal(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
	pj.Write(append(hdr, '\n'))
	for _, p := range pages {
		b, _ := json.Marshal(p)
		pj.Write(append(b, '\n'))
	}
	if err := add("pages/pages.jsonl", &pj); err != nil {
		return err
	}
	dp, err := json.MarshalIndent(map[string]any{
		"profile": "data-package", "wacz_version": WACZVersion, "title": o.Title,
		"software": o.Software, "created": o.Created.UTC().Format(time.RFC3339), "resources": res,
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := store(zw, "datapackage.json", dp, o.Created); err != nil {
		return err
	}
	sum := sha256.Sum256(dp)
	dd, _ := json.MarshalIndent(map[string]string{"path": "datapackage.json", "hash": "sha256:" + hex.EncodeToString(sum[:])}, "", "  ")
	if err := store(zw, "datapackage-digest.json", dd, o.Created); err != nil {
		return err
	}
	return zw.Close()
}

func store(zw *zip.Writer, name string, b []byte, t time.Time) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: t})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Captures maps the SURT key of every URL captured with status 200 (or a
// rendered DOM) to the timestamp of its first capture, RFC 3339.
func Captures(index []CDXLine) map[string]string {
	out := map[string]string{}
	for _, l := range index {
		if l.Fields["status"] != "200" && l.Fields["mime"] != "warc/revisit" {
			continue
		}
		t, err := time.Parse("20060102150405", l.Timestamp)
		if err != nil {
			continue
		}
		ts := t.UTC().Format(time.RFC3339)
		if prev, ok := out[l.Key]; !ok || ts < prev {
			out[l.Key] = ts
		}
	}
	return out
}
