// report-page.js -- for tests/bench/report.sh: how soon a report page is
// interactive in Debian's chromium. Prints "ready MS" (navigation start to
// the page's script done: table drawn, flame graph mounted and live) and
// "zoom MS" (a click on the table's first row until the graph is zoomed),
// and for the load "busy MS": the renderer's main-thread task time
// (Performance.getMetrics TaskDuration), which on a loaded machine says
// what the wall time cannot.
// Usage: node report-page.js PAGE.html [RUNS]
"use strict";
const path = require("path");
const { chromium } = require(path.join(__dirname, "../browser/node_modules/playwright-core"));
(async () => {
  const file = path.resolve(process.argv[2]), runs = parseInt(process.argv[3] || "3", 10);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  const ready = [], zoom = [], busy = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1000 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const task = async () => (await cdp.send("Performance.getMetrics")).metrics
      .find((m) => m.name === "TaskDuration").value;
    const b0 = await task();
    const t0 = Date.now();
    await page.goto("file://" + file, { timeout: 120000 });
    await page.waitForFunction(() => document.documentElement.getAttribute("data-ready") === "1",
      null, { timeout: 120000 });
    ready.push(Date.now() - t0);
    busy.push(Math.round(1000 * ((await task()) - b0)));
    const t1 = Date.now();
    await page.click("#fn tbody tr >> nth=0");
    await page.waitForFunction(() => fkReport.view.main.fk.zoom >= 0);
    zoom.push(Date.now() - t1);
    await page.close();
  }
  await browser.close();
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  console.log(`ready ${med(ready)}`);
  console.log(`zoom ${med(zoom)}`);
  console.log(`busy ${med(busy)}`);
})().catch((e) => { console.error(e.message); process.exit(1); });
