// bench_page.js - responsiveness of the activity map page (activity.html):
// time per slider step over every window of a run, in headless Chromium.
//
//   node bench/map/bench_page.js RUN_DIR [SHOT.png]   (SHOT: the fitted
//   view at window 48, taken between the two passes)
//   (bench/map/run.sh makes RUN_DIR with a 24 h run and calls this)
//
// Opens RUN_DIR/activity.html from file:// in Debian's /usr/bin/chromium
// (playwright-core from tests/activity/browser/node_modules; LN_CHROMIUM
// overrides the browser), viewport 1280 x 860, device pixel ratio 1, and
// steps the slider with the keyboard (ArrowRight, as a user would) from
// window 0 to the last one, twice: at the page's initial (fitted) view and
// zoomed in 8x around the middle of the map (cell edges drawn). A step's
// time runs from the keydown event's timestamp to the first task after the
// next animation frame, i.e. input handling, the draw (lnMap.lastDrawMs,
// also reported) and the frame that shows it. Prints per pass the median
// and maximum, then `step_ms_max=` (the worst of both passes). Goal: under
// 100 ms per step with 24 h x 96 windows (issue 7). Not a test: timings
// depend on the machine; docs/BENCHMARKS.md ("Activity map").
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const nm = path.join(root, "tests", "activity", "browser", "node_modules");
let chromium;
try {
  ({ chromium } = require(path.join(nm, "playwright-core")));
} catch (e) {
  console.error("bench_page: playwright-core missing; run `npm ci` in " +
                "tests/activity/browser (or ctest -R activity_browser_npm)");
  process.exit(2);
}
const CHROMIUM = process.env.LN_CHROMIUM || "/usr/bin/chromium";

function stats(v) {
  const s = [...v].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]
                           : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  return { n: s.length, median: med, max: s[s.length - 1], at: v.indexOf(s[s.length - 1]) + 1,
           mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function pass(page, name) {
  await page.evaluate(() => window.lnMap.setWindow(0));
  const nwin = await page.evaluate(() => window.lnMap.nwin);
  await page.evaluate(() => { window.__lnb = []; });
  await page.focus("#slider");
  for (let w = 1; w < nwin; w++) {
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(n => window.__lnb.length >= n, w, { timeout: 10000 });
  }
  const r = await page.evaluate(() => window.__lnb);
  const last = await page.evaluate(() => window.lnMap.window());
  if (last !== nwin - 1)
    throw new Error(name + ": after " + (nwin - 1) + " steps the window is " + last);
  const step = stats(r.map(x => x[0])), draw = stats(r.map(x => x[1]));
  console.log(name + ": " + step.n + " steps; step ms median " + step.median.toFixed(1) +
              ", max " + step.max.toFixed(1) + " (step " + step.at + ", mean " + step.mean.toFixed(1) +
              "); draw ms median " + draw.median.toFixed(1) + ", max " + draw.max.toFixed(1));
  return step.max;
}

async function main() {
  const [runDir, shotArg] = process.argv.slice(2);
  if (!runDir) {
    console.error("usage: node bench/map/bench_page.js RUN_DIR [SHOT.png]");
    process.exit(2);
  }
  const html = path.resolve(runDir, "activity.html");
  if (!fs.existsSync(html)) {
    console.error("bench_page: " + html + " is missing (leonet run / leonet map)");
    process.exit(2);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ln-bench-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync"],
    viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1,
  });
  let worst = 0;
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const errors = [];
    page.on("pageerror", e => errors.push(e.message));
    const t0 = Date.now();
    await page.goto("file://" + html);
    await page.waitForFunction(() => document.body.dataset.drawn !== undefined, null,
                               { timeout: 60000 });
    const load = Date.now() - t0;
    const info = await page.evaluate(() => ({
      nwin: window.lnMap.nwin, sub: document.getElementById("sub").textContent }));
    console.log("page: " + html + " (" + (fs.statSync(html).size / 1e6).toFixed(1) +
                " MB), loaded and drawn in " + load + " ms; " + info.sub.split(".")[0]);
    // a step's end: the first task after the next frame (the frame that
    // shows the new window has been produced)
    await page.evaluate(() => {
      document.getElementById("slider").addEventListener("keydown", e => {
        const ts = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => {
          window.__lnb.push([performance.now() - ts, window.lnMap.lastDrawMs]);
        }, 0));
      }, { capture: true });
    });
    worst = Math.max(worst, await pass(page, "fitted view"));
    if (shotArg) { // the fitted view at noon (window 48 of a day)
      await page.evaluate(() => window.lnMap.setWindow(Math.min(48, window.lnMap.nwin - 1)));
      await page.screenshot({ path: shotArg });
      console.log("screenshot: " + shotArg);
    }
    const [cx, cy] = await page.evaluate(() => {
      const r = document.getElementById("map").getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    });
    await page.mouse.move(cx, cy);
    for (let k = 0; k < 6; k++) await page.mouse.wheel(0, -231); // 1.414x each
    await page.mouse.move(5, 5);                                   // no tooltip
    worst = Math.max(worst, await pass(page, "zoomed 8x"));
    if (errors.length) throw new Error("page errors: " + errors.join("; "));
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log("step_ms_max=" + worst.toFixed(1));
}

main().catch(e => { console.error("bench_page: " + (e.stack || e)); process.exit(1); });
