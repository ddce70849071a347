// Browser check of the showcase's docs pages as a reader sees them:
//  1. offline (every request to another origin blocked): /docs and /redoc
//     show, in the page, what failed and the flag that serves the assets
//     locally (-docs-assets);
//  2. with -docs-assets: the pages render, the loading note is gone, the
//     error examples are real (no "status": 100 anywhere in Swagger UI
//     with every operation and response expanded), and ReDoc shows no
//     field typed "any" but those whose Go type is any (FieldError.input,
//     Problem.data); screenshots of both pages go to OUT_DIR.
//
// Usage: node e2e/pages.mjs SHOWCASE_BINARY OUT_DIR
// Env: CHROMIUM (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error("usage: node pages.mjs SHOWCASE_BINARY OUT_DIR");
  process.exit(2);
}
const fail = (msg) => {
  throw new Error(msg);
};

function start(args) {
  const child = spawn(bin, ["-addr", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("showcase did not start within 30s")), 30_000);
    child.on("exit", (code) => reject(new Error(`showcase exited with ${code}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
let code = 0;
try {
  // 1. Offline: the CDN is unreachable.
  let { child, base } = await start([]);
  try {
    for (const [path, name] of [["/docs", "Swagger UI"], ["/redoc", "ReDoc"]]) {
      const page = await browser.newPage();
      await page.route("**/*", (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort("internetdisconnected")));
      await page.goto(base + path, { waitUntil: "load" });
      await page.waitForTimeout(500);
      const text = await page.evaluate(() => document.body.innerText);
      for (const want of [`could not load ${name}'s script`, "cdn.jsdelivr.net", "docs.AssetsFS", "-docs-assets node_modules"]) {
        if (!text.includes(want)) fail(`${path} offline: the page does not say ${JSON.stringify(want)}; it shows:\n${text}`);
      }
      await page.screenshot({ path: join(outDir, `offline${path.replace("/", "-")}.png`) });
      await page.close();
      console.log(`${path} offline: the page says what failed and how to serve the assets (-docs-assets)`);
    }
  } finally {
    child.kill();
  }

  // 2. With the assets served by the showcase itself.
  ({ child, base } = await start(["-docs-assets", join(here, "node_modules")]));
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route("**/*", (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort("internetdisconnected")));
    await page.goto(base + "/docs", { waitUntil: "load" });
    await page.waitForSelector(".opblock", { timeout: 30_000 });
    if (await page.$("#stdapi-docs-loading")) fail("/docs: the loading note stays after Swagger UI rendered");
    await page.screenshot({ path: join(outDir, "docs.png") });
    for (const summary of await page.$$(".opblock-summary")) await summary.click();
    await page.waitForTimeout(1000);
    const text = await page.evaluate(() => document.body.innerText);
    if (/"status":\s*100\b/.test(text)) fail(`/docs shows "status": 100`);
    const examples = (text.match(/"status":\s*\d{3}/g) || []).length;
    if (examples === 0) fail("/docs shows no error example");
    await page.screenshot({ path: join(outDir, "docs-expanded.png"), fullPage: false });
    console.log(`/docs: ${examples} error examples shown, none with "status": 100`);
    await page.close();

    const redoc = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await redoc.route("**/*", (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort("internetdisconnected")));
    await redoc.goto(base + "/redoc", { waitUntil: "load" });
    await redoc.waitForSelector("[data-section-id^='operation/']", { timeout: 30_000 });
    if (await redoc.$("#stdapi-docs-loading")) fail("/redoc: the loading note stays after ReDoc rendered");
    await redoc.screenshot({ path: join(outDir, "redoc.png") });
    // Expand every response, so that its schema's rows are in the DOM.
    await redoc.$$eval("button", (bs) => bs.filter((b) => /^\d{3}\b/.test(b.textContent.trim())).forEach((b) => b.click()));
    await redoc.waitForTimeout(1000);
    // ReDoc's property rows: the name cell, then the type.
    const anyTyped = await redoc.$$eval("td[kind='field']", (cells) =>
      cells
        .filter((td) => {
          const type = (td.nextElementSibling?.innerText || "").split("\n")[0].trim();
          return /^any\b/.test(type);
        })
        .map((td) => td.textContent.trim()),
    );
    const rows = await redoc.$$eval("td[kind='field']", (cells) => cells.length);
    if (rows < 20) fail(`/redoc shows ${rows} property rows: the check would be vacuous`);
    const allowed = new Set(["input", "data"]); // Go type any
    const bad = [...new Set(anyTyped)].filter((n) => !allowed.has(n));
    if (bad.length) fail(`/redoc shows fields typed any: ${bad.join(", ")}`);
    console.log(`/redoc: no field typed any but ${[...allowed].join(", ")} (Go type any); ${anyTyped.length} of ${rows} rows typed any`);
    await redoc.close();
  } finally {
    child.kill();
  }
} catch (err) {
  console.error(`FAIL: ${err.message}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
