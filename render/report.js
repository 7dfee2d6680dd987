// report.js -- the script of flamekit's HTML report (embedded by
// render/embed.sh into report-assets.c; edit this file, then run that script).
// Data: the JSON in #fk-data (functions, a compact tree, groups) and one
// JSON string per graph (#svg-flame, #svg-icicle, #svg-groups), each the
// SVG writer's page as it writes it but for its script (#svg-script, once). A graph is mounted only when shown, in a
// frame of its own, with its own script: no second renderer, and the SVG
// script's globals and ids stay apart. Every name reaches the page through
// textContent or a title, never as markup.
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("fk-data").textContent);
  var col = D.columns - 1, total = D.totals[col];
  var SVGNS = "http://www.w3.org/2000/svg";
  var $ = function (id) { return document.getElementById(id); };
  var svgScript = null;

  function fmt(v) {
    var n = v / Math.pow(10, D.decimals);
    var s = D.decimals > 0 ? n.toFixed(D.decimals).replace(/0+$/, "").replace(/\.$/, "") :
      Math.round(n).toString();
    var parts = s.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  function pct(v, of) { return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%"; }

  // ---- graphs ----
  // Mounts the SVG page of data element ID into PANE; returns its window.
  function mount(pane, id, label) {
    pane.textContent = "";
    var el = $(id);
    if (!el) return null;
    // Parsed as HTML (SVG inside HTML, as a page inlines one), not with
    // DOMParser as XML: three times faster on a 2 MB graph in Chromium. The
    // prolog goes; the rest parses to the same elements and attributes.
    var text = JSON.parse(el.textContent), at = text.indexOf("<svg");
    var frame = document.createElement("iframe");
    frame.className = "svg";
    frame.title = label;
    pane.appendChild(frame);
    var doc = frame.contentDocument, tpl = doc.createElement("template");
    tpl.innerHTML = at > 0 ? text.substring(at) : text;
    var root = tpl.content.firstElementChild;
    if (!root || root.localName !== "svg") return null;
    root.removeAttribute("onload"); // fkInit is called below, once its script is in
    // the SVG script: carried once for every graph (#svg-script)
    var code = [], ss = root.getElementsByTagName("script");
    while (ss.length) { code.push(ss[0].textContent); ss[0].parentNode.removeChild(ss[0]); }
    if (!code.length) code.push(svgScript || (svgScript = JSON.parse($("svg-script").textContent)));
    frame.style.height = (parseFloat(root.getAttribute("height")) || 300) + "px";
    doc.replaceChild(doc.adoptNode(root), doc.documentElement); // moved, not copied
    var s = doc.createElementNS(SVGNS, "script");
    s.textContent = code.join("\n");
    doc.documentElement.appendChild(s);
    // svg.js walks #frames' live children while it removes each frame's
    // <title>, which makes Chromium rebuild the collection every step:
    // quadratic (21 s for a 14k-frame graph). A static copy for that one
    // walk makes it linear; the graph's own script is left as it is.
    var frames = doc.getElementById("frames");
    if (frames) Object.defineProperty(frames, "children", { value: Array.from(frames.children), configurable: true });
    frame.contentWindow.fkInit(null);
    if (frames) delete frames.children;
    return frame.contentWindow;
  }

  function reEscape(s) { return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"); }

  // Zooms graph window W to the widest frame of NAME and marks every
  // frame of it; FALSE when the graph does not draw NAME (too narrow).
  function zoomTo(w, name, mark) {
    if (!w || !w.fk) return false;
    var st = w.fk, best = -1;
    for (var i = 0; i < st.name.length; i++)
      if (st.name[i] === name && (best < 0 || st.w[i] > st.w[best])) best = i;
    if (best < 0) { w.zoom(st, -1); w.resetSearch(st, true); return false; }
    w.zoom(st, best);
    if (mark !== false) w.search(st, "^" + reEscape(name) + "$");
    return true;
  }
  // Marks every frame of NAME in graph window W, its zoom kept.
  function mark(w, name) {
    if (w && w.fk) w.search(w.fk, "^" + reEscape(name) + "$");
  }

  var view = { main: null, mode: "flame", chosen: -1, a: null, b: null };
  function showMain(mode) {
    view.mode = mode;
    view.main = mount($("pane-main"), mode === "flame" ? "svg-flame" : "svg-icicle",
      mode === "flame" ? "flame graph" : "icicle graph");
    $("show-flame").classList.toggle("on", mode === "flame");
    $("show-icicle").classList.toggle("on", mode !== "flame");
    if (view.chosen >= 0) zoomTo(view.main, D.names[view.chosen]);
  }
  $("show-flame").addEventListener("click", function () { showMain("flame"); });
  $("show-icicle").addEventListener("click", function () { showMain("icicle"); });

  // ---- the function table ----
  var two = D.two, F = D.functions;
  // columns: [label, value of a row, numeric]
  var cols = two ? [
    ["function", function (r) { return D.names[r[0]]; }, false],
    ["before self", function (r) { return r[1] / Math.max(D.totals[0], 1); }, true, "pctb"],
    ["after self", function (r) { return r[3] / Math.max(D.totals[1], 1); }, true, "pcta"],
    ["before total", function (r) { return r[2] / Math.max(D.totals[0], 1); }, true, "pctb"],
    ["after total", function (r) { return r[4] / Math.max(D.totals[1], 1); }, true, "pcta"],
    ["change (pp)", function (r) { return r[5] === null ? 0 : r[5]; }, true, "pp"],
    ["verdict", function (r) { return r[6] || ""; }, false]
  ] : [
    ["function", function (r) { return D.names[r[0]]; }, false],
    ["self", function (r) { return r[1]; }, true, "w"],
    ["self %", function (r) { return r[1]; }, true, "p"],
    ["total", function (r) { return r[2]; }, true, "w"],
    ["total %", function (r) { return r[2]; }, true, "p"]
  ];
  if (!two && D.groupKey === "host" && D.groups.length > 1)
    cols.push(["hosts", function (r) { return r[3]; }, true, "n"]);
  var sort = { col: two ? 5 : 3, desc: true }, limit = 200, filter = null;
  var table = $("fn"), head = table.tHead, body = table.tBodies[0];
  var hr = head.insertRow();
  cols.forEach(function (c, k) {
    var th = document.createElement("th");
    th.scope = "col";
    if (c[2]) th.className = "n";
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = c[0];
    b.addEventListener("click", function () {
      if (sort.col === k) sort.desc = !sort.desc;
      else { sort.col = k; sort.desc = c[2]; }
      render();
    });
    th.appendChild(b);
    hr.appendChild(th);
  });

  function cellText(c, r) {
    var v = c[1](r);
    switch (c[3]) {
      case "w": return fmt(v);
      case "p": return pct(v, total);
      case "pctb": case "pcta": return (100 * v).toFixed(2) + "%";
      case "pp": return (v >= 0 ? "+" : "") + v.toFixed(2);
      case "n": return String(v);
      default: return v;
    }
  }

  function rows() {
    var out = [];
    for (var i = 0; i < F.length; i++)
      if (!filter || filter(D.names[F[i][0]])) out.push(F[i]);
    var c = cols[sort.col][1], numeric = cols[sort.col][2], dir = sort.desc ? -1 : 1;
    if (two && sort.col === 5) c = function (r) { return Math.abs(r[5] || 0); };
    out.sort(function (x, y) {
      var a = c(x), b = c(y);
      if (a !== b) return (numeric ? a - b : (a < b ? -1 : 1)) * dir;
      var nx = D.names[x[0]], ny = D.names[y[0]];
      return nx < ny ? -1 : nx > ny ? 1 : 0;
    });
    return out;
  }

  function render() {
    var list = rows();
    while (body.firstChild) body.removeChild(body.firstChild);
    var shown = Math.min(list.length, limit);
    for (var i = 0; i < shown; i++) {
      var r = list[i], tr = body.insertRow();
      tr.setAttribute("data-f", r[0]);
      if (r[0] === view.chosen) tr.className = "chosen";
      if (two && r[6]) tr.classList.add("v-" + r[6]);
      for (var k = 0; k < cols.length; k++) {
        var td = tr.insertCell();
        td.textContent = cellText(cols[k], r);
        if (cols[k][2]) td.className = "n";
        else if (k === 0) { td.className = "fname"; td.title = D.names[r[0]]; }
      }
    }
    var ths = head.rows[0].cells;
    for (var j = 0; j < ths.length; j++)
      ths[j].setAttribute("aria-sort", j === sort.col ? (sort.desc ? "descending" : "ascending") : "none");
    $("count").textContent = (list.length < F.length ? list.length + " of " : "") + F.length +
      " functions" + (shown < list.length ? ", first " + shown + " shown" : "");
    $("more").classList.toggle("hide", shown >= list.length);
  }
  $("more").addEventListener("click", function () { limit += 500; render(); });
  $("filter").addEventListener("input", function () {
    var q = this.value;
    limit = 200;
    if (!q) filter = null;
    else {
      var re = null;
      try { re = new RegExp(q, "i"); } catch (e) { re = null; }
      var lq = q.toLowerCase();
      filter = re ? function (n) { return re.test(n); } :
        function (n) { return n.toLowerCase().indexOf(lq) >= 0; };
      this.classList.toggle("bad", !re);
    }
    render();
  });
  body.addEventListener("click", function (e) {
    for (var t = e.target; t && t !== body; t = t.parentNode)
      if (t.hasAttribute && t.hasAttribute("data-f")) { choose(parseInt(t.getAttribute("data-f"), 10), true); return; }
  });

  // ---- choosing a function: zoom the graphs, the caller/callee view ----
  function choose(fi, scroll) {
    view.chosen = fi;
    var name = D.names[fi];
    var shown = zoomTo(view.main, name);
    mark(view.a, name);
    mark(view.b, name);
    var rowsNow = body.rows;
    for (var i = 0; i < rowsNow.length; i++)
      rowsNow[i].classList.toggle("chosen", parseInt(rowsNow[i].getAttribute("data-f"), 10) === fi);
    $("graph").setAttribute("data-zoomed", shown ? name : "");
    // the caller/callee view after the zoom is painted: on a big tree it
    // takes as long as the zoom itself
    $("sw").setAttribute("data-for", "");
    requestAnimationFrame(function () {
      setTimeout(function () { sandwich(fi); $("sw").setAttribute("data-for", fi); }, 0);
    });
    if (scroll) {
      var g = $("pane-main").getBoundingClientRect();
      if (g.top < 0 || g.top > window.innerHeight - 40) $("graph").scrollIntoView();
    }
  }

  // Totals of the compact tree (parents come before their children).
  var T = D.tree, N = T.p.length, tot = T.s.slice();
  for (var i = N - 1; i > 0; i--) tot[T.p[i]] += tot[i];

  function node(parent, name) {
    var k = parent.kids[name];
    if (!k) { k = parent.kids[name] = { name: name, w: 0, kids: {} }; parent.n++; }
    return k;
  }
  // Callers (leaf-first paths from F's outermost frames up to the root) and
  // callees (F's subtrees merged), each stack counted once under recursion.
  function sandwich(fi) {
    var anc = new Uint8Array(N), map = new Array(N);
    var callers = { name: fi, w: 0, kids: {}, n: 0 }, callees = { name: fi, w: 0, kids: {}, n: 0 };
    for (var i = 1; i < N; i++) {
      var p = T.p[i];
      anc[i] = anc[p] || (p > 0 && T.n[p] === fi) ? 1 : 0;
      if (T.n[i] === fi && !anc[i]) {
        map[i] = callees;
        callees.w += tot[i];
        callers.w += tot[i];
        var c = callers;
        for (var a = p; a > 0; a = T.p[a]) { c = node(c, T.n[a]); c.w += tot[i]; }
      } else if (anc[i] && map[p]) {
        var k = node(map[p], T.n[i]);
        k.w += tot[i];
        map[i] = k;
      }
    }
    $("sw-none").classList.add("hide");
    $("sw").classList.remove("hide");
    $("sw-name").textContent = D.names[fi];
    $("sw-total").textContent = fmt(callees.w) + " " + D.unit + ", " + pct(callees.w, total) +
      " of all (inclusive)";
    var pruned = bars($("sw-callers"), callers, true) + bars($("sw-callees"), callees, false);
    $("sw-pruned").textContent = (pruned ? pruned + " frames narrower than 0.1% not drawn. " : "") +
      (D.sandwichLeftOut ? D.sandwichLeftOut + " frames under 0.001% of the total are not in this " +
        "view's data (their weight is in their callers')." : "");
  }

  function hue(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return "hsl(" + (h % 50 + 5) + ",80%," + (55 + (h >> 8) % 15) + "%)";
  }
  // Draws ROOT as bars, F at the bottom (UP: the callers above it) or at the
  // top (the callees below). Returns the frames too narrow to draw.
  function bars(el, root, up) {
    while (el.firstChild) el.removeChild(el.firstChild);
    var rows = [], pruned = 0, min = root.w / 1000;
    (function walk(n, x, d) {
      rows.push([n, x, d]);
      var names = Object.keys(n.kids).sort(), off = x;
      for (var k = 0; k < names.length; k++) {
        var c = n.kids[names[k]];
        if (c.w >= min && c.w > 0) walk(c, off, d + 1); else pruned++;
        off += c.w;
      }
    })(root, 0, 0);
    var depth = 0;
    rows.forEach(function (r) { depth = Math.max(depth, r[2]); });
    el.style.height = (depth + 1) * 18 + "px";
    rows.forEach(function (r) {
      var n = r[0], b = document.createElement("div"), name = D.names[n.name];
      b.className = "bar";
      b.style.left = (100 * r[1] / root.w) + "%";
      b.style.width = (100 * n.w / root.w) + "%";
      b.style.top = ((up ? depth - r[2] : r[2]) * 18) + "px";
      b.style.background = hue(name);
      b.textContent = name;
      b.title = name + " (" + fmt(n.w) + " " + D.unit + ", " + pct(n.w, root.w) + ")";
      b.setAttribute("data-f", n.name);
      el.appendChild(b);
    });
    return pruned;
  }
  [$("sw-callers"), $("sw-callees")].forEach(function (el) {
    el.addEventListener("click", function (e) {
      var f = e.target.getAttribute && e.target.getAttribute("data-f");
      if (f !== null && f !== undefined) choose(parseInt(f, 10), false);
    });
  });

  // ---- groups side by side ----
  if (D.groups.length > 1) {
    var selA = $("group-a"), selB = $("group-b");
    D.groups.forEach(function (g, k) {
      [selA, selB].forEach(function (s) {
        var o = document.createElement("option");
        o.value = k;
        o.textContent = g.name;
        s.appendChild(o);
      });
    });
    selB.value = 1;
    // Both panes show the one graph of all groups, each zoomed to its own.
    var showGroup = function (which) {
      var s = which === "a" ? selA : selB, g = D.groups[parseInt(s.value, 10)];
      var w = view[which] = mount($("pane-" + which), "svg-groups", D.groupKey + " " + g.name);
      zoomTo(w, g.frame, false);
      if (w && view.chosen >= 0) w.search(w.fk, "^" + reEscape(D.names[view.chosen]) + "$");
    };
    selA.addEventListener("change", function () { showGroup("a"); });
    selB.addEventListener("change", function () { showGroup("b"); });
    var list = document.querySelectorAll("#groups tr[data-group]");
    for (var r = 0; r < list.length; r++)
      list[r].addEventListener("click", function (e) {
        if (e.target.localName === "a") return;
        selB.value = this.getAttribute("data-group");
        showGroup("b");
      });
    showGroup("a");
    showGroup("b");
  }

  showMain("flame");
  render();
  window.fkReport = { data: D, view: view, choose: choose, zoomTo: zoomTo };
  document.documentElement.setAttribute("data-ready", "1");
})();
