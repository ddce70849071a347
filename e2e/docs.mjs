// Browser check of the docs pages: starts the zoo server with the assets
// of the local npm install, served by the server itself (-assets, policy
// 'self') and then from a CDN-like mirror on another origin (-mirror,
// policy listing the exact asset URLs), opens /docs and /redoc in headless
// Chromium and
// checks that they render every operation, that "Try it out" -> "Execute"
// on a GET shows the live 200 response, and that no Content-Security-Policy
// violation or page error happens.
//
// Usage (from the repository root or e2e/): node e2e/docs.mjs ZOO.json
// Env: CHROMIUM (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const docFile = process.argv[2];
if (!docFile) {
  console.error("usage: node docs.mjs ZOO.json");
  process.exit(2);
}
const doc = JSON.parse(readFileSync(docFile, "utf8"));
const operations = [];
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    operations.push({ method, path, id: op.operationId });
  }
}

function fail(msg) {
  throw new Error(msg);
}

// startServer runs the zoo server and resolves with its base URL.
function startServer(mode) {
  const child = spawn("go", ["run", "./docs/internal/docsserver", "-addr", "127.0.0.1:0", mode, join(here, "node_modules")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start within 120s")), 120_000);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
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

async function checkPage(browser, url, check) {
  const page = await browser.newPage();
  const problems = [];
  // ReDoc's "API docs by Redocly" badge loads an image from cdn.redoc.ly,
  // which the pages' policy blocks on purpose (no third-party origins).
  const expected = /cdn\.redoc\.ly\/redoc\/logo-mini\.svg/;
  page.on("console", (msg) => {
    if (expected.test(msg.text())) return;
    if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => expected.test(req.url()) || problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  const res = await page.goto(url, { waitUntil: "load" });
  if (res.status() !== 200) fail(`${url}: status ${res.status()}`);
  await check(page);
  if (problems.length) fail(`${url}:\n  ${problems.join("\n  ")}`);
  await page.close();
}

// The integrity hashes pinned in docs/assets.go must be those of the npm
// packages installed here, at the pinned versions (jsDelivr serves the
// same bytes).
function checkPinnedAssets() {
  const src = readFileSync(join(root, "docs", "assets.go"), "utf8");
  const versions = {
    "swagger-ui-dist": src.match(/SwaggerUIVersion = "([^"]+)"/)[1],
    redoc: src.match(/ReDocVersion\s+= "([^"]+)"/)[1],
  };
  for (const [pkg, version] of Object.entries(versions)) {
    const installed = JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"), "utf8")).version;
    if (installed !== version) fail(`docs pins ${pkg}@${version}, e2e/package.json installs ${installed}`);
  }
  const assets = [...src.matchAll(/asset\{"([^"]+)", \w+, "([^"]+)", "(sha384-[^"]+)"\}/g)];
  if (assets.length !== 4) fail(`found ${assets.length} pinned assets in docs/assets.go, want 4`);
  for (const [, pkg, file, integrity] of assets) {
    const data = readFileSync(join(here, "node_modules", pkg, file));
    const got = "sha384-" + createHash("sha384").update(data).digest("base64");
    if (got !== integrity) fail(`${pkg}/${file}: pinned ${integrity}, npm package has ${got}`);
  }
  console.log("pinned asset versions and integrity hashes match the npm packages");
}
checkPinnedAssets();

let code = 0;
for (const mode of ["-assets", "-mirror"]) {
  console.log(`docs pages with ${mode}`);
  code |= await checkServer(mode);
}

async function checkServer(mode) {
  const { child, base } = await startServer(mode);
  let browser;
  let code = 0;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });

    await checkPage(browser, `${base}/docs`, async (page) => {
      await page.waitForSelector(".opblock", { timeout: 30_000 });
      const shown = await page.$$eval(".opblock", (els) =>
        els.map((el) => {
          const method = el.querySelector(".opblock-summary-method")?.textContent.trim().toLowerCase();
          const p = el.querySelector(".opblock-summary-path, .opblock-summary-path__deprecated");
          const path = (p?.getAttribute("data-path") || p?.textContent || "").replace(/\u200b/g, "").trim();
          return `${method} ${path}`;
        }),
      );
      for (const op of operations) {
        if (!shown.includes(`${op.method} ${op.path}`)) fail(`/docs does not show ${op.method} ${op.path}; shown: ${shown.join(", ")}`);
      }
      if (shown.length !== operations.length) fail(`/docs shows ${shown.length} operations, the document has ${operations.length}`);
      console.log(`/docs renders all ${operations.length} operations`);

      const block = page.locator(".opblock-get", { has: page.locator('.opblock-summary-path[data-path="/hello"]') });
      await block.locator(".opblock-summary").click();
      await block.locator("button.try-out__btn").click();
      await block.locator("button.execute").click();
      const status = block.locator(".live-responses-table .response .response-col_status").first();
      await status.waitFor({ timeout: 30_000 });
      const text = (await status.textContent()).trim();
      if (!text.startsWith("200")) fail(`Try it out on GET /hello: status ${text}`);
      const body = await block.locator(".live-responses-table .response-col_description pre").first().textContent();
      if (!body.includes("Hello, world")) fail(`Try it out on GET /hello: body ${body}`);
      console.log("/docs Try it out -> Execute on GET /hello: live 200 response");
    });

    await checkPage(browser, `${base}/redoc`, async (page) => {
      await page.waitForSelector("[data-section-id^='operation/']", { timeout: 30_000 });
      const ids = await page.$$eval("[data-section-id^='operation/']", (els) => els.map((el) => el.getAttribute("data-section-id")));
      for (const op of operations) {
        if (!ids.some((id) => id.endsWith(`/${op.id}`))) fail(`/redoc does not render ${op.id}; rendered: ${ids.join(", ")}`);
      }
      console.log(`/redoc renders all ${operations.length} operations`);
    });

    // The redirect page only works in a popup opened by Swagger UI: check
    // that it and its script are served.
    const redirect = await fetch(`${base}/docs/oauth2-redirect`);
    const html = await redirect.text();
    const src = html.match(/<script src="([^"]+)"/)?.[1];
    if (redirect.status !== 200 || !src) fail(`/docs/oauth2-redirect: status ${redirect.status}`);
    const script = await fetch(new URL(src, `${base}/docs/oauth2-redirect`));
    if (script.status !== 200 || !(await script.text()).includes("swaggerUIRedirectOauth2")) fail(`oauth2-redirect script ${src}: status ${script.status}`);
    console.log("/docs/oauth2-redirect and its script are served");
  } catch (err) {
    console.error(`FAIL: ${err.message}`);
    code = 1;
  } finally {
    if (browser) await browser.close();
    try {
      process.kill(-child.pid);
    } catch {}
  }
  return code;
}
process.exit(code);
