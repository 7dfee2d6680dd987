// svg.js -- the script of flamekit's SVG flame graphs (embedded by
// render/embed.sh into svg-assets.c; edit this file, then run that script).
// Settings come from data-* attributes of the root element, frames from
// the <g> elements of #frames, written depth first with fk:x, fk:w (tree
// units) and fk:s (self, when the drawn children do not imply it).
"use strict";
var fk = null;

function fkInit(evt) {
  var svg = document.documentElement;
  var num = function (name) { return parseFloat(svg.getAttribute("data-" + name)); };
  var cfg = {
    fluid: num("fluid") === 1, inverted: num("inverted") === 1, xpad: num("xpad"),
    fontsize: num("fontsize"), fontwidth: num("fontwidth"), y0: num("y0"), dy: num("dy"),
    total: num("total"), decimals: num("decimals"), factor: num("factor"),
    truncright: num("truncate-right") === 1, diff: num("diff") === 1,
    nametype: svg.getAttribute("data-nametype") || "",
    countname: svg.getAttribute("data-countname") || "",
    searchcolor: svg.getAttribute("data-searchcolor") || "rgb(230,0,230)"
  };
  var st = {
    svg: svg, cfg: cfg, frames: document.getElementById("frames"),
    details: document.getElementById("details"), matched: document.getElementById("matched"),
    unzoomBtn: document.getElementById("unzoom"), searchBtn: document.getElementById("search"),
    icBtn: document.getElementById("ignorecase"), tip: document.getElementById("tooltip"),
    g: [], rect: [], label: [], name: [], title: [], fill: [], x: [], w: [], self: [],
    depth: [], parent: [], zoom: -1, re: null, query: "", ignorecase: false, focus: -1
  };
  fk = st;
  var l2 = document.getElementById("legend2");
  st.legend2Text = l2 ? l2.textContent : undefined;
  if (st.frames) collect(st);
  bind(st);
  if (cfg.fluid) {
    svg.removeAttribute("width");
    svg.removeAttribute("viewBox");
    window.addEventListener("resize", function () { resized(st); });
  }
  resized(st);
  restoreState(st);
}

function collect(st) {
  // A copy, not the live collection: each title removed below would make
  // Chromium walk a live HTMLCollection from its start again (14k frames
  // took 21 s to open; the copy, well under one).
  var kids = Array.prototype.slice.call(st.frames.children), stack = [], cfg = st.cfg;
  for (var i = 0; i < kids.length; i++) {
    var g = kids[i];
    if (g.localName === "a") g = g.firstElementChild;
    if (!g || g.localName !== "g") continue;
    var rect = g.querySelector("rect"), title = g.querySelector("title");
    var t = title ? title.textContent : "";
    var k = st.g.length;
    var x = parseFloat(rect.getAttribute("fk:x")), w = parseFloat(rect.getAttribute("fk:w"));
    var d = Math.round((parseFloat(rect.getAttribute("y")) - cfg.y0) / cfg.dy);
    st.g.push(g); st.rect.push(rect); st.label.push(g.querySelector("text"));
    st.title.push(t);
    st.name.push(t.lastIndexOf(" (") > 0 ? t.substring(0, t.lastIndexOf(" (")) : t);
    st.fill.push(rect.getAttribute("fill"));
    st.x.push(x); st.w.push(w); st.depth.push(d);
    var s = rect.getAttribute("fk:s");
    st.self.push(s === null ? w : parseFloat(s));
    while (stack.length && st.depth[stack[stack.length - 1]] >= d) stack.pop();
    var p = stack.length ? stack[stack.length - 1] : -1;
    st.parent.push(p);
    if (p >= 0 && st.rect[p].getAttribute("fk:s") === null) st.self[p] -= w;
    stack.push(k);
    g.setAttribute("data-i", k);
    if (title) title.parentNode.removeChild(title); // the script's tooltip replaces it
    g.setAttribute("aria-label", t);
  }
}

function fmtCount(st, v) {
  var n = v / Math.pow(10, st.cfg.decimals) * st.cfg.factor, s;
  if (st.cfg.factor === 1 && st.cfg.decimals > 0)
    s = n.toFixed(st.cfg.decimals).replace(/0+$/, "").replace(/\.$/, "");
  else
    s = Math.round(n).toString();
  var parts = s.split(".");
  parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return parts.join(".");
}

function pct(v, of) { return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%"; }

function framesWidth(st) {
  return st.frames ? st.frames.width.baseVal.value : 0;
}

function resized(st) {
  var svg = st.svg, cfg = st.cfg;
  if (cfg.fluid && st.frames) {
    var w = svg.width.baseVal.value || svg.getBoundingClientRect().width;
    st.frames.setAttribute("width", Math.max(w - 2 * cfg.xpad, 1));
    st.searchBtn.setAttribute("x", w - cfg.xpad);
    st.matched.setAttribute("x", w - cfg.xpad);
  }
  placeButtons(st);
  fitText(st, document.getElementById("legend2"), st.legend2Text, pageWidth(st) - 2 * cfg.xpad);
  layout(st);
}

function pageWidth(st) {
  return st.svg.width.baseVal.value || st.svg.getBoundingClientRect().width || 1200;
}

// The case button sits left of the search button, whatever its label says
// ("Search" or the wider "Reset Search"), a third of an em apart.
function placeButtons(st) {
  var sx = parseFloat(st.searchBtn.getAttribute("x"));
  var sw = st.searchBtn.getComputedTextLength ? st.searchBtn.getComputedTextLength() : 0;
  st.icBtn.setAttribute("x", sx - sw - st.cfg.fontsize * 0.75);
}

// Sets EL's text to TEXT, cut (".." in place of the cut) so that it is at
// most MAXW px wide. Returns the text shown.
function fitText(st, el, text, maxw) {
  if (!el || text === undefined) return "";
  el.textContent = text;
  if (!el.getComputedTextLength || el.getComputedTextLength() <= maxw) return text;
  var chars = Array.from(text), lo = 0, hi = chars.length;
  while (lo < hi) { // the most characters that fit
    var mid = (lo + hi + 1) >> 1;
    el.textContent = chars.slice(0, mid).join("") + "..";
    if (el.getComputedTextLength() <= maxw) lo = mid; else hi = mid - 1;
  }
  el.textContent = chars.slice(0, lo).join("") + "..";
  return el.textContent;
}

// The details line: the frame's name cut first (its numbers matter most) so
// that the line ends before the matched line, never past the window.
function setDetails(st, name, rest) {
  var cfg = st.cfg, d = st.details;
  var right = pageWidth(st) - cfg.xpad;
  var m = st.matched.textContent.trim() && st.matched.getComputedTextLength ?
    st.matched.getComputedTextLength() + cfg.fontsize : 0;
  var maxw = Math.max(right - m - cfg.xpad, cfg.fontsize);
  d.textContent = cfg.nametype + " " + name + rest;
  if (!d.getComputedTextLength || d.getComputedTextLength() <= maxw) return;
  // Keep at least the last 12 characters of the name; past that, cut the end.
  var chars = Array.from(name), lo = Math.min(12, chars.length), hi = chars.length;
  var cut = function (k) { return k === chars.length ? name : ".." + chars.slice(chars.length - k).join(""); };
  while (lo < hi) {
    var mid = (lo + hi + 1) >> 1;
    d.textContent = cfg.nametype + " " + cut(mid) + rest;
    if (d.getComputedTextLength() <= maxw) lo = mid; else hi = mid - 1;
  }
  fitText(st, d, cfg.nametype + " " + cut(lo) + rest, maxw);
}

// The zoomed range in tree units.
function range(st) {
  return st.zoom < 0 ? [0, st.cfg.total] : [st.x[st.zoom], st.w[st.zoom]];
}

function layout(st) {
  if (!st.frames) return;
  var r = range(st), zx = r[0], zw = r[1], fw = framesWidth(st), cfg = st.cfg;
  var anc = {};
  for (var a = st.zoom; a >= 0; a = st.parent[a]) anc[a] = true;
  var zd = st.zoom < 0 ? 0 : st.depth[st.zoom];
  for (var i = 0; i < st.g.length; i++) {
    var g = st.g[i], x, w;
    if (st.zoom >= 0 && anc[i] && i !== st.zoom) {
      x = 0; w = 100;
      g.classList.add("parent");
    } else if (st.x[i] >= zx && st.x[i] + st.w[i] <= zx + zw && st.depth[i] >= zd) {
      x = 100 * (st.x[i] - zx) / zw; w = 100 * st.w[i] / zw;
      g.classList.remove("parent");
    } else {
      g.classList.add("hide");
      continue;
    }
    g.classList.remove("hide");
    st.rect[i].setAttribute("x", x.toFixed(4) + "%");
    st.rect[i].setAttribute("width", w.toFixed(4) + "%");
    setLabel(st, i, x, w * fw / 100);
  }
}

function setLabel(st, i, xPct, widthPx) {
  var cfg = st.cfg, fit = Math.floor(widthPx / (cfg.fontsize * cfg.fontwidth));
  var name = st.name[i], text = "";
  var chars = Array.from(name);
  if (fit >= 3) {
    if (chars.length < fit) text = name;
    else if (cfg.truncright) text = chars.slice(0, fit - 2).join("") + "..";
    else text = ".." + chars.slice(chars.length - (fit - 2)).join("");
  }
  var t = st.label[i];
  if (!t) {
    if (!text) return;
    t = document.createElementNS("http://www.w3.org/2000/svg", "text");
    t.setAttribute("y", parseFloat(st.rect[i].getAttribute("y")) +
      parseFloat(st.rect[i].getAttribute("height")) / 2 + cfg.fontsize / 4);
    st.g[i].appendChild(t);
    st.label[i] = t;
  }
  var fw = framesWidth(st) || 1;
  t.setAttribute("x", (xPct + 300 / fw).toFixed(4) + "%");
  if (t.textContent !== text) t.textContent = text;
}

function frameOf(target) {
  for (var e = target; e && e !== fk.frames; e = e.parentNode)
    if (e.localName === "g" && e.hasAttribute("data-i")) return parseInt(e.getAttribute("data-i"), 10);
  return -1;
}

function describe(st, i) {
  var r = range(st), self = st.self[i];
  var s = st.name[i] + "\n" +
    "total: " + fmtCount(st, st.w[i]) + " " + st.cfg.countname + ", " + pct(st.w[i], st.cfg.total) +
    " of all, " + pct(Math.min(st.w[i], r[1]), r[1]) + " of zoom\n" +
    "self: " + fmtCount(st, self) + " " + st.cfg.countname + ", " + pct(self, st.cfg.total) +
    " of all, " + pct(Math.min(self, r[1]), r[1]) + " of zoom";
  var m = / \([^()]*; (self share [-+0-9.]+ pp)\)$/.exec(st.title[i]);
  if (st.cfg.diff && m) s += "\nchange: " + m[1];
  return s;
}

// The band tooltips may use: below the top rows (title, buttons, legend)
// and above the details line, so that a tooltip never hides them.
function tipBand(st) {
  var top = 0, ids = ["title", "subtitle", "elided", "legend", "legend2", "unzoom", "search"];
  for (var k = 0; k < ids.length; k++) {
    var e = document.getElementById(ids[k]);
    if (e) top = Math.max(top, parseFloat(e.getAttribute("y")) + st.cfg.fontsize * 0.4);
  }
  var bottom = parseFloat(st.details.getAttribute("y")) - st.cfg.fontsize * 1.1;
  return [top, bottom];
}

function showDetails(st, i, evt) {
  if (i < 0) { hideDetails(st); return; }
  var lines = describe(st, i).split("\n");
  // The tooltip's lines, shortened to fit one row: "(60 samples, 60.00%;
  // self 10 samples, 10.00%[; self share +1.00 pp])".
  var short = function (l) { return l.replace(/ of all, [^,;]* of zoom$/, ""); };
  setDetails(st, lines[0], " (" + short(lines[1]).replace(/^total: /, "") + "; " +
    short(lines[2]).replace(/^self: /, "self ") +
    (lines[3] ? "; " + lines[3].replace(/^change: /, "") : "") + ")");
  var tip = st.tip, text = tip.querySelector("text"), box = tip.querySelector("rect");
  while (text.firstChild) text.removeChild(text.firstChild);
  for (var k = 0; k < lines.length; k++) {
    var ts = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
    ts.setAttribute("x", 6);
    ts.setAttribute("dy", k === 0 ? st.cfg.fontsize : st.cfg.fontsize * 1.25);
    ts.textContent = lines[k];
    text.appendChild(ts);
  }
  tip.classList.remove("hide");
  var bb = text.getBBox();
  box.setAttribute("width", bb.width + 12);
  box.setAttribute("height", bb.height + 8);
  var px, py, above, th = bb.height + 8, tw = bb.width + 12;
  if (evt && evt.clientX !== undefined) {
    var pt = st.svg.createSVGPoint();
    pt.x = evt.clientX; pt.y = evt.clientY;
    var ctm = st.svg.getScreenCTM();
    if (ctm) pt = pt.matrixTransform(ctm.inverse());
    px = pt.x + 12; py = pt.y + 16; above = pt.y - th - 8;
  } else { // keyboard focus: below the frame, else above it
    var rb = st.rect[i].getBBox();
    px = rb.x + st.cfg.xpad; py = rb.y + rb.height + 4; above = rb.y - th - 4;
  }
  var vw = pageWidth(st), band = tipBand(st);
  if (px + tw > vw) px = Math.max(0, vw - tw);
  if (py + th > band[1]) py = above;
  py = Math.max(band[0], Math.min(py, band[1] - th));
  tip.setAttribute("transform", "translate(" + px + "," + py + ")");
}

function hideDetails(st) {
  st.details.textContent = " ";
  st.tip.classList.add("hide");
}

function zoom(st, i) {
  st.zoom = i;
  st.unzoomBtn.classList.toggle("hide", i < 0);
  layout(st);
  if (st.re) search(st, st.query);
  saveState(st);
}

function setFocus(st, i) {
  if (st.focus >= 0) st.g[st.focus].classList.remove("focus");
  st.focus = i;
  if (i >= 0) {
    st.g[i].classList.add("focus");
    showDetails(st, i, null);
  }
}

function compile(st, q) {
  try { return new RegExp(q, st.ignorecase ? "i" : ""); } catch (e) { return null; }
}

function search(st, q) {
  resetSearch(st, true);
  if (q === null || q === undefined || q === "") { saveState(st); return; }
  var re = compile(st, q);
  if (!re) { st.matched.textContent = "bad regex: " + q; return; }
  st.re = re; st.query = q;
  var hits = [];
  for (var i = 0; i < st.g.length; i++) {
    if (re.test(st.name[i])) {
      st.rect[i].setAttribute("fill", st.cfg.searchcolor);
      st.g[i].classList.add("match");
      hits.push(i);
    }
  }
  // Union of the matched ranges: nested matches are counted once.
  var iv = hits.map(function (k) { return [st.x[k], st.x[k] + st.w[k]]; });
  iv.sort(function (a, b) { return a[0] - b[0]; });
  var r = range(st), all = 0, inZoom = 0, end = -Infinity;
  for (var j = 0; j < iv.length; j++) {
    var a = Math.max(iv[j][0], end), b = iv[j][1];
    if (b > a) {
      all += b - a;
      inZoom += Math.max(0, Math.min(b, r[0] + r[1]) - Math.max(a, r[0]));
      end = b;
    }
  }
  st.searchBtn.classList.add("show");
  st.searchBtn.textContent = "Reset Search";
  placeButtons(st);
  st.matched.textContent = "Matched: " + pct(all, st.cfg.total) +
    (st.zoom >= 0 ? " (" + pct(inZoom, r[1]) + " of zoom)" : "");
  st.matched.setAttribute("data-frames", hits.length);
  saveState(st);
}

function resetSearch(st, quiet) {
  if (st.re) {
    for (var i = 0; i < st.g.length; i++) {
      if (st.g[i].classList.contains("match")) {
        st.rect[i].setAttribute("fill", st.fill[i]);
        st.g[i].classList.remove("match");
      }
    }
  }
  st.re = null; st.query = "";
  st.matched.textContent = " ";
  st.searchBtn.classList.remove("show");
  st.searchBtn.textContent = "Search";
  placeButtons(st);
  if (!quiet) saveState(st);
}

function askSearch(st) {
  var q = window.prompt("Search for (regular expression" +
    (st.ignorecase ? ", ignoring case" : "") + "):", st.query);
  if (q !== null) search(st, q);
}

function toggleCase(st) {
  st.ignorecase = !st.ignorecase;
  st.icBtn.classList.toggle("show", st.ignorecase);
  if (st.re) search(st, st.query);
  else saveState(st);
}

function saveState(st) {
  var p = [];
  if (st.zoom >= 0) p.push("x=" + st.x[st.zoom], "y=" + st.depth[st.zoom]);
  if (st.query) p.push("s=" + encodeURIComponent(st.query));
  if (st.ignorecase) p.push("i=1");
  try {
    history.replaceState(null, "", (p.length ? "?" + p.join("&") : location.pathname) + location.hash);
  } catch (e) { /* file: pages may refuse; the view still works */ }
}

function restoreState(st) {
  var q = {};
  location.search.replace(/^\?/, "").split("&").forEach(function (kv) {
    if (!kv) return;
    var e = kv.indexOf("=");
    try {
      q[e < 0 ? kv : kv.substring(0, e)] = e < 0 ? "" : decodeURIComponent(kv.substring(e + 1));
    } catch (err) { /* a malformed escape: ignore that parameter */ }
  });
  if (q.i === "1") { st.ignorecase = true; st.icBtn.classList.add("show"); }
  if (q.x !== undefined && q.y !== undefined) {
    var x = parseFloat(q.x), y = parseInt(q.y, 10);
    for (var i = 0; i < st.g.length; i++)
      if (st.x[i] === x && st.depth[i] === y) { zoom(st, i); break; }
  }
  if (q.s) search(st, q.s);
}

function bind(st) {
  var onButton = function (el, f) {
    el.addEventListener("click", f);
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); f(); }
    });
  };
  onButton(st.unzoomBtn, function () { zoom(st, -1); });
  onButton(st.searchBtn, function () { if (st.re) resetSearch(st, false); else askSearch(st); });
  onButton(st.icBtn, function () { toggleCase(st); });
  if (st.frames) {
    st.frames.addEventListener("click", function (e) {
      var i = frameOf(e.target);
      if (i >= 0) { setFocus(st, i); zoom(st, i); }
    });
    st.frames.addEventListener("mousemove", function (e) {
      var i = frameOf(e.target);
      if (i >= 0) showDetails(st, i, e); else hideDetails(st);
    });
    st.frames.addEventListener("mouseleave", function () { hideDetails(st); });
  }
  window.addEventListener("keydown", function (e) {
    var k = e.key, ctrl = e.ctrlKey || e.metaKey;
    if (k === "F3" || (ctrl && (k === "f" || k === "F"))) { e.preventDefault(); askSearch(st); return; }
    if (ctrl && (k === "i" || k === "I")) { e.preventDefault(); toggleCase(st); return; }
    if (k === "Escape") {
      if (st.re) resetSearch(st, false); else zoom(st, -1);
      return;
    }
    if (!st.g.length) return;
    var f = st.focus, up = st.cfg.inverted ? "ArrowDown" : "ArrowUp";
    var down = st.cfg.inverted ? "ArrowUp" : "ArrowDown";
    var next = -1;
    if (f < 0 && (k === up || k === down || k === "ArrowLeft" || k === "ArrowRight")) next = 0;
    else if (k === down) next = st.parent[f];
    else if (k === up) next = f + 1 < st.g.length && st.parent[f + 1] === f ? f + 1 : -1;
    else if (k === "ArrowLeft" || k === "ArrowRight") {
      var step = k === "ArrowLeft" ? -1 : 1;
      for (var j = f + step; j >= 0 && j < st.g.length; j += step) {
        if (st.depth[j] < st.depth[f]) break;
        if (st.parent[j] === st.parent[f]) { next = j; break; }
      }
    } else if (k === "Enter" && f >= 0) { zoom(st, f); return; }
    else return;
    e.preventDefault();
    if (next >= 0) setFocus(st, next);
  });
}
