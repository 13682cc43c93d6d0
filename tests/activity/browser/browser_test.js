// browser_test.js - the activity map page in headless Chromium.
//
//   node browser_test.js LEONET_BINARY OUT_DIR
//
// 1. Builds a small run directory in OUT_DIR/run with h3-js (the H3
//    reference library, independent of leonet's cells): a disk of 127
//    resolution-5 cells in central Ukraine (away from city labels), 8 windows of 15 min, known counts,
//    one deny zone, satellites' sub-points.
// 2. Runs `leonet map OUT_DIR/run`.
// 3. Opens OUT_DIR/run/activity.html from file:// in Debian's chromium
//    (playwright-core, executablePath /usr/bin/chromium, a fresh profile,
//    no network) and checks: no console errors or page errors; the
//    slider (driven by the keyboard, as a user would) changes the drawn
//    window and the colour of a known cell; hovering the known cell shows
//    its id and its counts for that window in the tooltip.
// 4. Saves a screenshot: OUT_DIR/activity-browser.png.
// Prints the draw time per slider step (informative; not asserted).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const h3 = require("h3-js");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.LN_CHROMIUM || "/usr/bin/chromium";
const NWIN = 8;
const START = "2022-10-09T00:00:00Z";

function fail(msg) {
  console.error("FAIL: " + msg);
  process.exit(1);
}

// ---- the fixture -------------------------------------------------------
// Cell i of the disk (h3-js order) has active = (i * 7 + w * 3) % 50 in
// window w; the centre cell (the "known cell") has active 10 * (w + 1),
// denied 3, outage w % 2; every 9th cell is denied-only.
function expected(i, w) {
  if (i === 0) return { active: 10 * (w + 1), denied: 3, outage: w % 2 };
  if (i % 9 === 0) return { active: 0, denied: 4, outage: 0 };
  return { active: (i * 7 + w * 3) % 50, denied: 0, outage: 0 };
}

function makeFixture(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const centre = h3.latLngToCell(49.9, 28.6, 5);
  const cells = h3.gridDisk(centre, 6);
  if (cells[0] !== centre) cells.unshift(...cells.splice(cells.indexOf(centre), 1));
  const feats = cells.map((c, i) => {
    const ring = h3.cellToBoundary(c, true);
    ring.push(ring[0]);
    const p = { cell: c, active: [], denied: [], outage: [] };
    for (let w = 0; w < NWIN; w++) {
      const e = expected(i, w);
      p.active.push(e.active); p.denied.push(e.denied); p.outage.push(e.outage);
    }
    return { type: "Feature", id: c, geometry: { type: "Polygon", coordinates: [ring] },
             properties: p };
  });
  fs.writeFileSync(path.join(dir, "activity.geojson"), JSON.stringify({
    type: "FeatureCollection", name: "browser-fixture activity", window_s: 900,
    start: START, windows: NWIN, map_res: 5, features: feats }));
  // a deny zone east of the disk
  const z = [[33.2, 49.6], [34.6, 49.6], [34.6, 51.2], [33.2, 51.2], [33.2, 49.6]];
  fs.writeFileSync(path.join(dir, "zones.geojson"), JSON.stringify({
    type: "FeatureCollection", features: [{ type: "Feature", id: "east",
      properties: { id: "east", name: "East square", action: "deny", priority: 10 },
      geometry: { type: "MultiPolygon", coordinates: [[z]] } }] }));
  const sats = [];
  for (let w = 0; w < NWIN; w++) sats.push([48.8 + 0.3 * w, 28.0 + 0.6 * w, 51.5, 33.0 - 0.4 * w]);
  fs.writeFileSync(path.join(dir, "activity-sats.json"),
    JSON.stringify({ window_s: 900, start: START, windows: sats }));
  const ts = { window_s: 900, start: [], active_terminals: [], denied_terminals: [],
               outage_terminals: [] };
  for (let w = 0; w < NWIN; w++) {
    let a = 0, d = 0, o = 0;
    cells.forEach((c, i) => { const e = expected(i, w); a += e.active; d += e.denied; o += e.outage; });
    ts.start.push(new Date(Date.parse(START) + w * 900e3).toISOString());
    ts.active_terminals.push(a); ts.denied_terminals.push(d); ts.outage_terminals.push(o);
  }
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify({
    run: { scenario: "browser-fixture", start: START, end: "2022-10-09T02:00:00Z" },
    time_series: ts }));
  return cells;
}

// ---- the test ----------------------------------------------------------
async function main() {
  const [leonet, out] = process.argv.slice(2);
  if (!leonet || !out) fail("usage: node browser_test.js LEONET OUT_DIR");
  if (!fs.existsSync(CHROMIUM))
    fail(CHROMIUM + " is missing (Debian package chromium; scripts/install-deps.sh --test)");
  const run = path.join(out, "run");
  fs.rmSync(run, { recursive: true, force: true });
  const cells = makeFixture(run);
  const r = spawnSync(leonet, ["map", run], { encoding: "utf8" });
  if (r.status !== 0) fail("leonet map: exit " + r.status + "\n" + r.stderr);
  const known = cells[0];
  const [klat, klon] = h3.cellToLatLng(known);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ln-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 860 },
  });
  const errors = [];
  let ok = false;
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.on("console", m => { if (m.type() === "error") errors.push("console: " + m.text()); });
    page.on("pageerror", e => errors.push("pageerror: " + e.message));
    page.on("requestfailed", q => errors.push("request failed: " + q.url()));
    await page.goto("file://" + path.resolve(run, "activity.html"));
    await page.waitForFunction(() => document.body.dataset.drawn !== undefined, null,
                               { timeout: 15000 });
    const w0 = await page.evaluate(() => document.body.dataset.window);
    if (w0 !== "0") fail("first drawn window is " + w0 + ", want 0");

    const [kx, ky] = await page.evaluate(([lon, lat]) => window.lnMap.project(lon, lat),
                                         [klon, klat]);
    const pixel = () => page.evaluate(([x, y]) => {
      const c = document.getElementById("map"), r = c.getBoundingClientRect();
      const dpr = c.width / r.width;
      const d = c.getContext("2d").getImageData(Math.round((x - r.left) * dpr),
                                                Math.round((y - r.top) * dpr), 1, 1).data;
      return [d[0], d[1], d[2]];
    }, [kx, ky]);
    const c0 = await pixel();

    // the slider, by keyboard: 3 steps right
    await page.focus("#slider");
    const steps = [];
    for (let k = 0; k < 3; k++) {
      await page.keyboard.press("ArrowRight");
      steps.push(await page.evaluate(() => window.lnMap.lastDrawMs));
    }
    const w3 = await page.evaluate(() => document.body.dataset.window);
    if (w3 !== "3") fail("after 3 slider steps the drawn window is " + w3 + ", want 3");
    const label = await page.textContent("#when");
    if (!label.includes("00:45 - 01:00 UTC")) fail("time label '" + label + "'");
    const c3 = await pixel();
    if (c0.join() === c3.join())
      fail("the known cell's colour did not change with the window: " + c0);
    console.log("known cell " + known + ": rgb " + c0 + " (window 0) -> " + c3 + " (window 3)");

    // tooltip of the known cell
    await page.mouse.move(kx, ky);
    await page.waitForSelector("#tip", { state: "visible", timeout: 5000 });
    const tip = await page.evaluate(() => {
      const t = document.getElementById("tip");
      return { cell: t.dataset.cell, text: t.innerText,
               active: t.querySelector(".active").textContent,
               denied: t.querySelector(".denied").textContent,
               outage: t.querySelector(".outage").textContent };
    });
    const e3 = expected(0, 3);
    if (tip.cell !== known) fail("tooltip names cell " + tip.cell + ", want " + known);
    if (+tip.active !== e3.active || +tip.denied !== e3.denied || +tip.outage !== e3.outage)
      fail("tooltip counts " + JSON.stringify(tip) + ", want " + JSON.stringify(e3));
    // and another cell, another window, through the page's own hit test
    await page.evaluate(() => window.lnMap.setWindow(5));
    for (const i of [9, 20]) {
      const [lat, lon] = h3.cellToLatLng(cells[i]);
      const [x, y] = await page.evaluate(([a, b]) => window.lnMap.project(a, b), [lon, lat]);
      await page.mouse.move(x, y);
      const t = await page.evaluate(() => {
        const d = document.getElementById("tip");
        return [d.dataset.cell, d.querySelector(".active").textContent,
                d.querySelector(".denied").textContent];
      });
      const e = expected(i, 5);
      if (t[0] !== cells[i] || +t[1] !== e.active || +t[2] !== e.denied)
        fail("cell " + i + ": tooltip " + t + ", want " + cells[i] + " " + JSON.stringify(e));
    }
    await page.mouse.move(kx, ky);
    await page.evaluate(() => window.lnMap.setWindow(3));
    const shot = path.join(out, "activity-browser.png");
    await page.screenshot({ path: shot });
    console.log("tooltip: " + tip.text.replace(/\s+/g, " "));
    console.log("draw ms per slider step: " + steps.map(v => v.toFixed(2)).join(", "));
    console.log("screenshot: " + shot);
    ok = true;
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (errors.length) fail("errors in the page:\n  " + errors.join("\n  "));
  if (ok) console.log("PASS");
}

main().catch(e => fail(e.stack || String(e)));
