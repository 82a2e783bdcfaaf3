// warcio-check.mjs FILE.warc.gz... — reads every WARC with webrecorder's
// warcio.js (a reader pb did not write), checks that every response and
// resource record's WARC-Payload-Digest is the sha1 of its payload and that
// each response's Content-Length is the stored payload's length, indexes
// every file with warcio's CDXIndexer, and prints
// {"records":N,"checked":N,"cdx":[...]} on stdout. Exit 1 on any mismatch.
// WARCIO_DIR names the installed warcio package (make test-deps).
import fs from "node:fs";
import crypto from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.WARCIO_DIR;
const { WARCParser, CDXIndexer } = await import(pathToFileURL(path.join(dir, "dist", "index.js")).href);

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let bits = 0, value = 0, out = "";
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}

let failures = 0;
const out = { records: 0, checked: 0, types: {}, cdx: [] };
function fail(file, record, msg) {
  failures++;
  console.error(`${file}: ${record.warcType} ${record.warcTargetURI || ""}: ${msg}`);
}

for (const file of process.argv.slice(2)) {
  const parser = new WARCParser(fs.createReadStream(file));
  for await (const record of parser) {
    out.records++;
    out.types[record.warcType] = (out.types[record.warcType] || 0) + 1;
    if (record.warcHeader("WARC-Type") === undefined) fail(file, record, "no WARC-Type");
    const payload = await record.readFully(false);
    if (record.warcType === "response" || record.warcType === "resource") {
      const want = record.warcHeader("WARC-Payload-Digest");
      const got = "sha1:" + base32(crypto.createHash("sha1").update(payload).digest());
      if (!want) fail(file, record, "no WARC-Payload-Digest");
      else if (got.replace(/=+$/, "") !== want.replace(/=+$/, "")) fail(file, record, `payload digest ${want}, computed ${got}`);
      else out.checked++;
    }
    if (record.warcType === "response" && record.httpHeaders) {
      const cl = record.httpHeaders.headers.get("Content-Length");
      if (String(payload.length) !== cl) fail(file, record, `Content-Length ${cl}, payload ${payload.length} bytes`);
      if (record.httpHeaders.headers.get("Content-Encoding")) fail(file, record, "Content-Encoding not masked");
    }
    if (record.warcType === "revisit") {
      for (const h of ["WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Payload-Digest"]) {
        if (!record.warcHeader(h)) fail(file, record, `no ${h}`);
      }
    }
  }
  const indexer = new CDXIndexer({ format: "cdxj" });
  for await (const cdx of indexer.iterIndex([{ filename: path.basename(file), reader: fs.createReadStream(file) }])) {
    out.cdx.push(cdx);
  }
}
// exitCode, not exit(): stdout to a pipe is written asynchronously, and
// exit() would cut a large index short.
process.stdout.write(JSON.stringify(out) + "\n");
process.exitCode = failures ? 1 : 0;
