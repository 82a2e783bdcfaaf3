// Search for the pb-site archive. It works from file:// without a server:
// the index is a set of plain scripts (search/*.js) added as <script> tags,
// each calling PBSearch with its part. Terms are split and folded the way
// internal/site/search.go splits them.
(function () {
  "use strict";
  var root = "";
  var meta = null;
  var shards = {};
  var docs = {};
  var waiting = {};
  var MAX = 50;

  function load(src, key, store) {
    if (store[key] !== undefined) return Promise.resolve();
    if (waiting[src]) return waiting[src];
    waiting[src] = new Promise(function (resolve) {
      var s = document.createElement("script");
      s.src = root + src;
      s.onload = function () { resolve(); };
      s.onerror = function () { store[key] = store[key] || null; resolve(); };
      document.head.appendChild(s);
    });
    return waiting[src];
  }

  function hex(s) {
    var bytes = new TextEncoder().encode(s);
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function terms(q) {
    return q.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .split(/[^\p{L}\p{N}]+/u).filter(function (t) { return t.length > 0; });
  }

  function key(t) { return Array.from(t).slice(0, 2).join(""); }

  // matches marks, in a byte per document, the documents of every indexed
  // term that starts with t (typed arrays keep this fast on 100,000 posts).
  function matches(t) {
    var shard = shards[key(t)] || {};
    var marks = new Uint8Array(meta.docs);
    Object.keys(shard).forEach(function (w) {
      if (w.lastIndexOf(t, 0) !== 0) return;
      var d = shard[w], n = 0;
      for (var i = 0; i < d.length; i++) { n += d[i]; marks[n] = 1; }
    });
    return marks;
  }

  function status(text) { document.getElementById("status").textContent = text; }

  function show(hits, total, ms) {
    var ol = document.getElementById("results");
    ol.textContent = "";
    hits.forEach(function (n) {
      var d = docs[Math.floor(n / meta.chunk)][n % meta.chunk];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "hit";
      a.href = root + d[1];
      a.textContent = d[2];
      var info = document.createElement("div");
      info.className = "by";
      var time = document.createElement("time");
      var date = new Date(d[4]);
      time.dateTime = date.toISOString();
      time.textContent = date.toISOString().slice(0, 16).replace("T", " ");
      info.appendChild(document.createTextNode(d[3] + " · "));
      info.appendChild(time);
      var p = document.createElement("p");
      p.textContent = d[5];
      li.appendChild(a);
      li.appendChild(info);
      li.appendChild(p);
      ol.appendChild(li);
    });
    status(total === 0 ? "No posts found." :
      (total === 1 ? "1 post" : total + " posts") + (total > hits.length ? ", newest " + hits.length + " shown" : "") +
      " (" + ms + " ms)");
  }

  function run(q) {
    var ts = terms(q);
    if (ts.length === 0) { status(""); return; }
    var t0 = performance.now();
    status("Searching…");
    var need = [];
    ts.forEach(function (t) {
      var k = key(t);
      if (meta.keys.indexOf(k) >= 0) need.push(load("search/t-" + hex(k) + ".js", k, shards));
    });
    Promise.all(need).then(function () {
      var result = null;
      ts.forEach(function (t) {
        var m = matches(t);
        if (result === null) { result = m; return; }
        for (var i = 0; i < result.length; i++) result[i] &= m[i];
      });
      // Documents are numbered by date: the newest hits are the highest.
      var hits = [], total = 0;
      for (var n = result.length - 1; n >= 0; n--) {
        if (!result[n]) continue;
        total++;
        if (hits.length < MAX) hits.push(n);
      }
      var chunks = {};
      hits.forEach(function (n) { chunks[Math.floor(n / meta.chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) {
        return load("search/d-" + c + ".js", c, docs);
      })).then(function () { show(hits, total, Math.round(performance.now() - t0)); });
    });
  }

  window.PBSearch = {
    meta: function (m) {
      meta = m;
      var q = new URLSearchParams(location.search).get("q") || "";
      document.getElementById("q").value = q;
      run(q);
    },
    shard: function (k, terms) { shards[k] = terms; },
    docs: function (n, list) { docs[n] = list; }
  };
})();
