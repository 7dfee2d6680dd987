// run.js -- browser checks of flamekit's SVG page, as TAP, for `make check-browser`.
// Usage: node run.js DIR, where DIR holds the SVGs check.sh made; screenshots go there.
// Drives Debian's chromium (no browser download), serves DIR on 127.0.0.1 only.
"use strict";
const http = require("http");
const fs = require("fs");
const path = require("path");
const os = require("os");
const { chromium } = require("playwright-core");

const dir = path.resolve(process.argv[2]);
let n = 0, failed = 0;
function ok(cond, desc, info) {
  n++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${desc}`);
  if (!cond) {
    failed++;
    if (info !== undefined) console.log(`# ${JSON.stringify(info)}`);
  }
}

function serve() {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, "http://127.0.0.1");
    const f = path.join(dir, path.normalize(decodeURIComponent(u.pathname)).replace(/^(\.\.[/\\])+/, ""));
    if (u.pathname === "/favicon.ico") { res.writeHead(204); res.end(); return; }
    if (!f.startsWith(dir) || !fs.existsSync(f)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "Content-Type": "image/svg+xml" });
    res.end(fs.readFileSync(f));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// The state of every frame: name, shown, x/width (percent), fill, classes.
function frames(page) {
  return page.evaluate(() => fk.g.map((g, i) => ({
    name: fk.name[i], hidden: g.classList.contains("hide"), parent: g.classList.contains("parent"),
    x: parseFloat(fk.rect[i].getAttribute("x")), w: parseFloat(fk.rect[i].getAttribute("width")),
    fill: fk.rect[i].getAttribute("fill"), label: fk.label[i] ? fk.label[i].textContent : ""
  })));
}
const byName = (fs, name) => fs.filter((f) => f.name === name);

async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fk-chromium-"));
  // A fresh profile (--user-data-dir) each run, through playwright's own option.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1200, height: 600 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    // Nothing may leave the machine: every request must go to our server.
    const foreign = [];
    page.on("request", (r) => { if (!r.url().startsWith(base)) foreign.push(r.url()); });
    let answer = null;
    page.on("dialog", async (d) => { await d.accept(answer === null ? "" : answer); });

    await page.goto(`${base}/graph.svg`);
    await page.waitForFunction(() => typeof fk !== "undefined" && fk !== null);
    let f = await frames(page);
    ok(f.length > 5 && errors.length === 0, "the page loads, its script runs without errors", errors);
    ok(byName(f, "main").length === 1 && byName(f, "main")[0].label === "main", "frames are labelled");
    await page.screenshot({ path: path.join(dir, "graph.png") });

    // Fluid width: the frames box follows the window.
    await page.setViewportSize({ width: 800, height: 600 });
    // the page relayouts on the resize event: give it the time to arrive
    await page
      .waitForFunction(() => Math.abs(document.getElementById("frames").width.baseVal.value - 780) < 1,
                       null, { timeout: 3000 })
      .catch(() => {});
    const fw = await page.evaluate(() => document.getElementById("frames").width.baseVal.value);
    ok(Math.abs(fw - 780) < 1, "the graph follows the window's width", fw);
    await page.setViewportSize({ width: 1200, height: 600 });

    // Hover: the tooltip shows total and self with both percentages.
    const computeIndex = f.findIndex((x) => x.name === "compute");
    await page.hover(`#frames g[data-i="${computeIndex}"] rect`);
    const tip = await page.evaluate(() => document.getElementById("tooltip").textContent);
    const details = await page.evaluate(() => document.getElementById("details").textContent);
    ok(/^compute/.test(tip) && /total: 60 samples, 60\.00% of all, 60\.00% of zoom/.test(tip) &&
       /self: 10 samples, 10\.00% of all/.test(tip), "the tooltip shows total and self counts and shares", tip);
    ok(/^Function: compute/.test(details), "the details line names the frame", details);

    // Click to zoom.
    await page.click(`#frames g[data-i="${computeIndex}"] rect`);
    f = await frames(page);
    const c = byName(f, "compute")[0], main = byName(f, "main")[0], io = byName(f, "io")[0];
    ok(Math.abs(c.x) < 1e-6 && Math.abs(c.w - 100) < 1e-6, "clicking a frame zooms it to the full width", c);
    ok(main.parent && !main.hidden && Math.abs(main.w - 100) < 1e-6, "its ancestors stay visible, dimmed", main);
    ok(io.hidden, "frames outside it are hidden", io);
    ok(!(await page.evaluate(() => document.getElementById("unzoom").classList.contains("hide"))),
      "the reset button appears");
    const sqrt = byName(f, "sqrt").sort((a, b) => b.w - a.w)[0];
    ok(Math.abs(sqrt.w - 50) < 1e-3, "children are rescaled (30 of 60)", sqrt);
    let url = page.url();
    ok(/[?&]x=\d+&y=2/.test(url), "the zoom is in the URL", url);
    await page.screenshot({ path: path.join(dir, "zoomed.png") });

    // Search through the keyboard (Ctrl-F) while zoomed.
    answer = "^(sqrt|log)$";
    await page.keyboard.press("Control+f");
    const matched = await page.evaluate(() => document.getElementById("matched").textContent);
    ok(/Matched: 50\.00% \(83\.33% of zoom\)/.test(matched), "search shows the matched share of all and of the zoom", matched);
    f = await frames(page);
    ok(byName(f, "sqrt").every((x) => x.fill === "rgb(230,0,230)") && byName(f, "compute")[0].fill !== "rgb(230,0,230)",
      "matched frames are highlighted, others are not");
    url = page.url();
    ok(/[?&]s=/.test(url) && decodeURIComponent(url).includes("^(sqrt|log)$"), "the search is in the URL", url);
    await page.screenshot({ path: path.join(dir, "search.png") });

    // The URL restores the same view.
    const page2 = await browser.newPage();
    page2.on("pageerror", (e) => errors.push(String(e)));
    await page2.goto(url);
    await page2.waitForFunction(() => typeof fk !== "undefined" && fk !== null);
    const f2 = await frames(page2);
    const m2 = await page2.evaluate(() => document.getElementById("matched").textContent);
    ok(JSON.stringify(f2) === JSON.stringify(f) && m2 === matched, "reloading the URL gives the same view", { m2 });
    await page2.close();

    // Case toggle: Ctrl-I makes the search ignore case.
    answer = "SQRT";
    await page.keyboard.press("F3");
    let frames_hit = await page.evaluate(() => document.getElementById("matched").getAttribute("data-frames"));
    ok(frames_hit === "0", "search is case sensitive by default", frames_hit);
    await page.keyboard.press("Control+i");
    frames_hit = await page.evaluate(() => document.getElementById("matched").getAttribute("data-frames"));
    ok(frames_hit === "2", "Ctrl-I makes it ignore case", frames_hit);

    // Reset: Escape clears the search, the reset button the zoom.
    await page.keyboard.press("Escape");
    await page.click("#unzoom");
    f = await frames(page);
    const orig = await (async () => { const p = await browser.newPage(); await p.goto(`${base}/graph.svg`);
      await p.waitForFunction(() => typeof fk !== "undefined" && fk !== null); const r = await frames(p); await p.close(); return r; })();
    ok(JSON.stringify(f) === JSON.stringify(orig), "reset restores the original view");
    ok(!/[?&](x|s)=/.test(page.url()), "and the URL", page.url());

    // Keyboard: arrows move between frames, Enter zooms.
    // The focus is still on compute, clicked above: down to the root and back.
    for (let k = 0; k < 4; k++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");   // main
    await page.keyboard.press("ArrowUp");   // its first child
    await page.keyboard.press("Enter");
    const z = await page.evaluate(() => fk.zoom >= 0 ? fk.name[fk.zoom] : null);
    ok(z === "compute", "arrow keys and Enter zoom without a mouse", z);

    // Hostile names: the page still works and nothing is injected.
    const p3 = await browser.newPage();
    const errs3 = [];
    p3.on("pageerror", (e) => errs3.push(String(e)));
    p3.on("dialog", async (d) => { errs3.push("dialog: " + d.message()); await d.dismiss(); });
    await p3.goto(`${base}/hostile.svg`);
    await p3.waitForFunction(() => typeof fk !== "undefined" && fk !== null);
    const f3 = await frames(p3);
    const injected = await p3.evaluate(() => typeof window.injected !== "undefined" ||
      document.querySelectorAll("script").length !== 1 || document.querySelectorAll("[onclick],[onmouseover]").length !== 0);
    ok(errs3.length === 0 && !injected, "hostile frame names inject nothing", errs3);
    ok(f3.some((x) => x.name.includes("</script>")) && f3.some((x) => x.name.includes("]]>")),
      "and are shown as text", f3.map((x) => x.name));
    await p3.screenshot({ path: path.join(dir, "hostile.png") });
    await p3.close();

    // Layout: with every control showing (zoomed, a search active, a frame
    // focused by keyboard, so its tooltip is up), no two controls overlap
    // and none leaves the window, at a narrow and a wide window.
    for (const [name, width] of [["graph.svg", 700], ["graph.svg", 1920], ["diff.svg", 700], ["diff.svg", 1920]]) {
      const p = await browser.newPage();
      await p.setViewportSize({ width, height: 600 });
      p.on("dialog", async (d) => { await d.accept("^(sqrt|log)$"); });
      await p.goto(`${base}/${name}`);
      await p.waitForFunction(() => typeof fk !== "undefined" && fk !== null);
      const ci = await p.evaluate(() => fk.name.indexOf("compute"));
      await p.click(`#frames g[data-i="${ci}"] rect`);
      await p.keyboard.press("Control+f");
      await p.keyboard.press("Control+i");
      await p.mouse.move(0, 0);
      for (let k = 0; k < 2; k++) await p.keyboard.press("ArrowDown"); // main, then all: the bottom row
      const boxes = await p.evaluate(() => {
        const ids = ["title", "subtitle", "elided", "legend", "legend2", "unzoom", "search", "ignorecase",
          "details", "matched", "tooltip"];
        const out = [];
        for (const id of ids) {
          const e = document.getElementById(id);
          if (!e || e.classList.contains("hide") || !e.textContent.trim()) continue;
          const r = e.getBoundingClientRect();
          if (r.width > 0) out.push({ id, l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent });
        }
        return out;
      });
      const clash = [];
      for (let a = 0; a < boxes.length; a++) {
        const A = boxes[a];
        if (A.l < -0.5 || A.r > width + 0.5) clash.push(`${A.id} outside the window (${A.l.toFixed(0)}..${A.r.toFixed(0)})`);
        for (let b = a + 1; b < boxes.length; b++) {
          const B = boxes[b];
          if (A.l < B.r && B.l < A.r && A.t < B.b && B.t < A.b) clash.push(`${A.id} overlaps ${B.id}`);
        }
      }
      const shown = boxes.map((x) => x.id);
      ok(clash.length === 0 && ["unzoom", "search", "ignorecase", "details", "matched", "tooltip"].every((x) => shown.includes(x)),
        `${name} at ${width} px: the controls do not overlap and stay in the window`, { clash, boxes });
      await p.screenshot({ path: path.join(dir, `layout-${name.replace(".svg", "")}-${width}.png`) });
      await p.close();
    }

    // Differential and icicle pages load too.
    for (const name of ["diff.svg", "icicle.svg", "chart.svg"]) {
      const p = await browser.newPage();
      const e = [];
      p.on("pageerror", (x) => e.push(String(x)));
      await p.goto(`${base}/${name}`);
      await p.waitForFunction(() => typeof fk !== "undefined" && fk !== null);
      const nf = await p.evaluate(() => fk.g.length);
      ok(e.length === 0 && nf > 1, `${name} loads and runs`, e);
      await p.screenshot({ path: path.join(dir, name.replace(".svg", ".png")) });
      await p.close();
    }
    // A page of 20k drawn frames is interactive within 4 s (about 1 s here on a quiet machine; over 30 s
    // when the script walked a live collection it was changing).
    {
      const p = await browser.newPage();
      const t0 = Date.now();
      await p.goto(`${base}/big.svg`);
      await p.waitForFunction(() => typeof fk !== "undefined" && fk !== null, null, { timeout: 60000 });
      const ms = Date.now() - t0;
      const nf = await p.evaluate(() => fk.g.length);
      ok(nf >= 20000 && ms < 4000, `big.svg (${nf} frames) is interactive in ${ms} ms (want < 4000)`);
      await p.close();
    }
    ok(foreign.length === 0, "no request left the machine", foreign);
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`not ok ${n + 1} - the browser run failed: ${e.message.split("\n")[0]}`); console.log(`1..${n + 1}`); process.exit(1); });
