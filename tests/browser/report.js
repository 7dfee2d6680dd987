// report.js -- browser checks of flamekit's HTML report, as TAP, for `make
// check-browser`. Usage: node report.js DIR, where DIR holds the pages
// report.sh made; screenshots go there. The pages are opened from disk
// (file:), as a report attached to a ticket is: any request but the page's
// own is a failure.
"use strict";
const path = require("path");
const fs = require("fs");
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

// Opens PAGE (a file in DIR) in a new tab of WIDTH px; returns the tab and
// the errors and foreign requests it collects.
// waitFor(page, fn): polls FN in the page until it is true (10 s at most).
// Not page.waitForFunction: when it has to poll it evaluates a string,
// which the report's CSP (script-src 'unsafe-inline', no 'unsafe-eval')
// refuses, so it failed whenever the page was not ready at the first look.
async function waitFor(page, fn) {
  const t0 = Date.now();
  while (!(await page.evaluate(fn))) {
    if (Date.now() - t0 > 10000) throw new Error("timed out waiting for " + fn);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function open(browser, name, width) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  const seen = { errors: [], foreign: [] };
  const url = "file://" + path.join(dir, name);
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") seen.errors.push(m.text()); });
  page.on("request", (r) => { if (r.url() !== url) seen.foreign.push(r.url()); });
  page.on("dialog", (d) => d.dismiss());
  await page.goto(url);
  await waitFor(page, () => document.documentElement.getAttribute("data-ready") === "1");
  return { page, seen };
}

// The function table as shown: [name, cells...] per row.
const table = (page) => page.evaluate(() =>
  Array.from(document.querySelectorAll("#fn tbody tr")).map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
// The main graph's zoomed frame, and the frames the search marked.
const zoomed = (page) => page.evaluate(() => {
  const w = fkReport.view.main, st = w.fk;
  return { zoom: st.zoom >= 0 ? st.name[st.zoom] : null, matched: st.matched.textContent,
    marked: st.g.filter((g) => g.classList.contains("match")).length };
});
const num = (s) => parseFloat(s.replace(/[,%]/g, ""));

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fk-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const width of [1920, 700]) {
      const { page, seen } = await open(browser, "hosts.html", width);
      const graphs = await page.evaluate(() => ({
        main: fkReport.view.main && fkReport.view.main.fk ? fkReport.view.main.fk.g.length : 0,
        a: fkReport.view.a && fkReport.view.a.fk ? fkReport.view.a.fk.name[fkReport.view.a.fk.zoom] : null,
        b: fkReport.view.b && fkReport.view.b.fk ? fkReport.view.b.fk.name[fkReport.view.b.fk.zoom] : null,
      }));
      ok(seen.errors.length === 0, `${width} px: the page loads with no console errors`, seen.errors);
      ok(graphs.main > 10, `${width} px: the flame graph is drawn (${graphs.main} frames)`, graphs);
      ok(graphs.a === "[host=db01]" && graphs.b === "[host=db02]",
        `${width} px: the hosts side by side, each pane zoomed to its host`, graphs);
      const box = await page.evaluate(() => {
        const r = document.getElementById("pane-main").getBoundingClientRect();
        return { w: r.width, page: document.documentElement.scrollWidth, view: window.innerWidth };
      });
      ok(box.page <= box.view + 1 && box.w > 0.3 * width,
        `${width} px: nothing wider than the window; the graph ${Math.round(box.w)} px wide`, box);
      await page.screenshot({ path: path.join(dir, `report-${width}.png`), fullPage: true });
      ok(seen.foreign.length === 0, `${width} px: no request but the page itself`, seen.foreign);
      await page.close();
    }

    const { page, seen } = await open(browser, "hosts.html", 1400);
    // Sorting: by total (the default, descending), then self, then name.
    let rows = await table(page);
    const totals = rows.map((r) => num(r[3]));
    ok(rows.length === 187 || rows.length === 200 || rows.length > 20, `the table shows the functions (${rows.length} rows)`);
    ok(totals.every((v, i) => i === 0 || totals[i - 1] >= v), "rows start sorted by total, descending", totals.slice(0, 5));
    await page.click("#fn thead th:nth-child(2) button");
    rows = await table(page);
    const selfs = rows.map((r) => num(r[1]));
    ok(selfs.every((v, i) => i === 0 || selfs[i - 1] >= v) && rows[0][0] === "[sort]",
      "clicking 'self' sorts by self weight, descending ([sort] first)", rows.slice(0, 3));
    await page.click("#fn thead th:nth-child(2) button");
    rows = await table(page);
    const asc = rows.map((r) => num(r[1]));
    ok(asc.every((v, i) => i === 0 || asc[i - 1] <= v), "clicking it again sorts ascending", asc.slice(0, 5));
    await page.click("#fn thead th:nth-child(1) button");
    rows = await table(page);
    const names = rows.map((r) => r[0]);
    ok(names.every((v, i) => i === 0 || names[i - 1] <= v), "clicking 'function' sorts by name", names.slice(0, 5));
    const sortAttr = await page.evaluate(() => document.querySelector("#fn thead th").getAttribute("aria-sort"));
    ok(sortAttr === "ascending", "the sorted column says so (aria-sort)", sortAttr);

    // Filtering: a regular expression, case-insensitive; a bad one as text.
    await page.fill("#filter", "^__str");
    rows = await table(page);
    const count = await page.textContent("#count");
    ok(rows.length > 2 && rows.every((r) => /^__str/i.test(r[0])), `filtering keeps the matches only (${rows.length})`, rows.map((r) => r[0]));
    ok(/^\d+ of 187 functions/.test(count), "the count says how many of how many", count);
    await page.fill("#filter", "[sort");
    rows = await table(page);
    ok(rows.length >= 1 && rows.every((r) => r[0].toLowerCase().includes("[sort")), "an invalid expression filters as plain text", rows.map((r) => r[0]));
    await page.fill("#filter", "");
    ok((await table(page)).length > 20, "clearing the filter shows every row again");

    // Table-to-graph zoom: a function deep in the graph.
    await page.fill("#filter", "^sha256_block_data_order$|^read$");
    rows = await table(page);
    const target = rows.find((r) => r[0] === "read")[0];
    await page.click(`#fn tbody tr >> text="${target}"`);
    await waitFor(page, () => document.getElementById("sw").getAttribute("data-for") !== "");
    let z = await zoomed(page);
    ok(z.zoom === "read" && z.marked >= 1 && /^Matched: /.test(z.matched),
      "clicking a function in the table zooms the graph to it and marks its frames", z);
    const sw = await page.evaluate(() => ({
      name: document.getElementById("sw-name").textContent,
      callers: document.querySelectorAll("#sw-callers .bar").length,
      callees: document.querySelectorAll("#sw-callees .bar").length,
    }));
    ok(sw.name === "read" && sw.callers > 1 && sw.callees > 1, "... and shows its callers and callees", sw);
    // The icicle keeps the zoom.
    await page.click("#show-icicle");
    const ice = await page.evaluate(() => ({ inv: fkReport.view.main.fk.cfg.inverted, z: fkReport.view.main.fk.name[fkReport.view.main.fk.zoom] }));
    ok(ice.inv === true && ice.z === "read", "the icicle toggle draws the icicle, still zoomed", ice);
    await page.click("#show-flame");
    // A callee bar chooses that function.
    await page.click("#sw-callees .bar >> nth=1");
    await waitFor(page, () => document.getElementById("sw").getAttribute("data-for") !== "");
    const chosen = await page.evaluate(() => document.getElementById("sw-name").textContent);
    z = await zoomed(page);
    ok(chosen !== "read" && z.zoom === chosen, "clicking a callee chooses it: graph and view follow", { chosen, z });
    // The right pane follows the hosts table.
    await page.click("#groups tr[data-group='3'] td");
    const right = await page.evaluate(() => fkReport.view.b.fk.name[fkReport.view.b.fk.zoom]);
    ok(right === "[host=web02]", "clicking a host in the hosts table shows it in the right pane", right);
    ok(seen.errors.length === 0 && seen.foreign.length === 0, "no error and no request while in use", seen);
    await page.close();

    // Hostile names: nothing runs, every name shown as text.
    {
      const { page, seen } = await open(browser, "hostile.html", 1200);
      const r = await page.evaluate(() => ({
        injected: window.injected, alerts: 0,
        names: Array.from(document.querySelectorAll("#fn tbody td.fname")).map((td) => td.textContent),
        graph: fkReport.view.main.fk.name.slice(),
      }));
      ok(r.injected === undefined && seen.errors.length === 0, "hostile names: no injected script runs, no error", { r, seen });
      ok(r.names.includes("</script><script>window.injected=1</script>") &&
        r.names.includes("\" onmouseover=\"window.injected=3\" x=\"") && r.names.includes("\\x01\\x02ctl\\x1B[31m"),
      "the table shows the names literally (control characters as \\xNN)", r.names);
      const t = r.names.find((x) => x.startsWith("</script>"));
      await page.fill("#filter", "injected=1");
      await page.click("#fn tbody tr >> nth=0");
      const z = await zoomed(page);
      ok(z.zoom === t, "a hostile name zooms the graph to its frame", z);
      await page.screenshot({ path: path.join(dir, "report-hostile.png") });
      await page.close();
    }

    // Two sides: the verdicts and the differential graph.
    {
      const { page, seen } = await open(browser, "two.html", 1400);
      const r = await page.evaluate(() => ({
        verdicts: document.querySelectorAll("#verdicts tbody tr.v-slower").length,
        diff: fkReport.view.main.fk.cfg.diff,
        head: Array.from(document.querySelectorAll("#fn thead th")).map((th) => th.textContent),
        first: document.querySelector("#fn tbody tr td").textContent,
      }));
      ok(seen.errors.length === 0 && r.verdicts >= 3 && r.diff === true,
        "two sides: verdict table and differential graph", { r, seen });
      // compute and sqrt share the largest change of total share; ties by name
      ok(r.first === "compute" && r.head.includes("change (pp)"), "the table starts with the largest change", r);
      await page.screenshot({ path: path.join(dir, "report-two.png"), fullPage: true });
      await page.close();
    }

    // The nightly index and its link.
    {
      const page = await browser.newPage();
      const e = [];
      page.on("pageerror", (x) => e.push(String(x)));
      await page.goto("file://" + path.join(dir, "nightly/index.html"));
      const href = await page.getAttribute("table.index tbody a", "href");
      await page.click("table.index tbody a");
      await waitFor(page, () => document.documentElement.getAttribute("data-ready") === "1");
      const title = await page.title();
      ok(e.length === 0 && href === "d1/index.html" && title.startsWith("Report: "),
        "the nightly index links to the folder's page, which loads", { e, href, title });
      await page.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`not ok ${n + 1} - the browser run failed: ${e.message.split("\n")[0]}`); console.log(`1..${n + 1}`); process.exit(1); });
