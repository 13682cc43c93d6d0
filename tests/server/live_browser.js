// live_browser.js - leonetd's live activity page in headless Chromium,
// driven by test_live_browser.py over stdin/stdout (one JSON line each).
//
//   node live_browser.js URL TOKEN
//
// In Debian's /usr/bin/chromium (playwright-core from
// tests/activity/browser/node_modules, NODE_PATH; a fresh profile): opens
// URL/map without a token (the page must ask; a wrong token is refused,
// the right one typed in connects), then, in a new tab, URL/map#token=
// TOKEN; waits until the page says it is live, then answers commands, one
// a line:
//   {"cmd": "read"}                      what the page shows
//   {"cmd": "wait", "want": {...}}       waits (30 s at most) until the
//                                        page shows those values
//   {"cmd": "tip", "window": W, "lat": A, "lon": O}
//                                        the tooltip of the cell under
//                                        (lat, lon) in window W
//   {"cmd": "shot", "path": P}           a screenshot
//   {"cmd": "quit"}
// "What the page shows" is read from the page's own text (the live bar's
// numbers, the tooltip), never from the JSON the page was given. Every
// answer carries the page's console errors and page errors so far.
"use strict";
const os = require("os");
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.LN_CHROMIUM || "/usr/bin/chromium";

async function shown(page) {
  return page.evaluate(() => {
    const t = id => (document.getElementById(id) || {}).textContent;
    return { state: window.lnLive ? window.lnLive.state : null,
             active: t("live-active"), denied: t("live-denied"),
             outage: t("live-outage"), cells: t("live-cells"),
             window: document.body.dataset.liveWindow,
             title: t("title"), when: t("when") };
  });
}

async function main() {
  const [url, token] = process.argv.slice(2);
  const out = o => process.stdout.write(JSON.stringify(o) + "\n");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ln-live-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 860 },
  });
  const errors = [];
  try {
    const watch = p => {
      p.on("console", m => {
        /* the refused token's 401 is the point of the first step */
        if (m.type() === "error" && !/status of 401/.test(m.text()))
          errors.push("console: " + m.text());
      });
      p.on("pageerror", e => errors.push("pageerror: " + e.message));
    };
    /* 1. no token: the page asks; a wrong one is refused, the right one
     *    connects */
    const p1 = ctx.pages()[0] || await ctx.newPage();
    watch(p1);
    await p1.goto(url + "/map");
    const state = () => p1.evaluate(() => window.lnLive && window.lnLive.state);
    await p1.waitForSelector("#live-login", { state: "visible", timeout: 30000 });
    const asked = await state();
    await p1.fill("#live-token", "lnt_" + "A".repeat(43));
    await p1.click("#live-login button");
    await p1.waitForFunction(() => window.lnLive.state === "token refused", null,
                             { timeout: 30000 });
    await p1.fill("#live-token", token);
    await p1.click("#live-login button");
    await p1.waitForFunction(() => window.lnLive.state === "live", null, { timeout: 30000 });
    const formHidden = await p1.isHidden("#live-login");
    await p1.close();
    /* 2. the token in the URL fragment, in a new tab (its own
     *    sessionStorage) */
    const page = await ctx.newPage();
    watch(page);
    await page.goto(url + "/map#token=" + encodeURIComponent(token));
    await page.waitForFunction(() => window.lnLive && window.lnLive.state === "live",
                               null, { timeout: 30000 });
    const hash = await page.evaluate(() => location.hash);
    out({ ready: true, shown: await shown(page), hash, asked, formHidden, errors });
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      const c = JSON.parse(line);
      if (c.cmd === "read") {
        out({ shown: await shown(page), errors });
      } else if (c.cmd === "wait") {
        let ok = true;
        try {
          await page.waitForFunction(want => {
            const t = id => (document.getElementById(id) || {}).textContent;
            const s = { active: t("live-active"), denied: t("live-denied"),
                        outage: t("live-outage"), cells: t("live-cells"),
                        window: document.body.dataset.liveWindow };
            return Object.keys(want).every(k => s[k] === want[k]);
          }, c.want, { timeout: 30000 });
        } catch (e) { ok = false; }
        out({ ok, shown: await shown(page), errors });
      } else if (c.cmd === "tip") {
        await page.evaluate(w => window.lnMap.setWindow(w), c.window);
        const [x, y] = await page.evaluate(([lon, lat]) => window.lnMap.project(lon, lat),
                                           [c.lon, c.lat]);
        await page.mouse.move(x, y);
        await page.waitForSelector("#tip", { state: "visible", timeout: 10000 });
        const tip = await page.evaluate(() => {
          const d = document.getElementById("tip");
          return { cell: d.dataset.cell, active: d.querySelector(".active").textContent,
                   denied: d.querySelector(".denied").textContent,
                   outage: d.querySelector(".outage").textContent };
        });
        out({ tip, shown: await shown(page), errors });
      } else if (c.cmd === "shot") {
        await page.mouse.move(5, 5);
        await page.screenshot({ path: c.path });
        out({ ok: true, errors });
      } else if (c.cmd === "quit") {
        break;
      }
    }
  } catch (e) {
    out({ fatal: String(e.stack || e), errors });
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch(e => { process.stdout.write(JSON.stringify({ fatal: String(e) }) + "\n"); process.exit(1); });
