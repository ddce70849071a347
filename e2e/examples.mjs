// Browser and HTTP checks of the example programs, against running
// servers (e2e/run-examples.sh builds and starts them):
//   - greetings and usermeta answer their seed's requests;
//   - the webapp's pages render with the stylesheet applied (h1 is green),
//     also behind Posit Connect's base URL header;
//   - the showcase's chat page delivers a message from one tab to another;
//   - in fullstack's home page, a browser signs up, logs in, opens the
//     notifications WebSocket with its token and sees the item it creates
//     (through the X-Token-protected /items) arrive; a bad topic is
//     refused before the upgrade;
//   - in the showcase's Swagger UI, Authorize works for every scheme: the
//     OAuth2 password flow as alice, then "Try it out" on GET /users/me
//     shows 200; the API key on GET /stats; HTTP Basic on GET /outbox.
//
// Usage: GREETINGS_URL=... WEBAPP_URL=... USERMETA_URL=... SHOWCASE_URL=... \
//        SHOWCASE_API_KEY=... node e2e/examples.mjs
// Env: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";

function fail(msg) {
  throw new Error(msg);
}

function env(name) {
  return process.env[name] || fail(`${name} is not set`);
}

const urls = {
  greetings: env("GREETINGS_URL"),
  webapp: env("WEBAPP_URL"),
  usermeta: env("USERMETA_URL"),
  showcase: env("SHOWCASE_URL"),
  fullstack: env("FULLSTACK_URL"),
};
const apiKey = env("SHOWCASE_API_KEY");
const green = "rgb(0, 128, 0)";

async function expectJSON(url, init, status, body) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== status || text.trim() !== body) fail(`${url}: ${res.status} ${text}, want ${status} ${body}`);
}

// Pages must load without script errors, blocked resources or failed
// requests; the browser's own favicon request is the one expected 404.
async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/Failed to load resource.*404/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400 && !res.url().endsWith("/favicon.ico")) problems.push(`${res.status()} for ${res.url()}`);
  });
  const res = await page.goto(url, { waitUntil: "load" });
  if (res.status() !== 200) fail(`${url}: status ${res.status()}`);
  page.problems = problems;
  return page;
}

function checkProblems(page, url) {
  if (page.problems.length) fail(`${url}:\n  ${page.problems.join("\n  ")}`);
}

async function checkGreetings() {
  const base = urls.greetings;
  await expectJSON(`${base}/greetings/es`, {}, 200, `{"lang":"es","text":"Hola"}`);
  await expectJSON(`${base}/greetings/fr`, {}, 404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"No greeting for language fr"}`);
  const list = await (await fetch(`${base}/greetings`)).json();
  const langs = list.map((g) => g.lang).join(",");
  if (langs !== "ar,bn,chr,en,es,sw,zh") fail(`/greetings: languages ${langs}`);
  console.log("greetings: /greetings, /greetings/es and the 404 problem");
}

async function checkUsermeta() {
  const base = urls.usermeta;
  await expectJSON(`${base}/hello`, {}, 200, `{"message":"Howdy stranger!"}`);
  const creds = { "RStudio-Connect-Credentials": `{"user":"ada","groups":["eng"]}` };
  await expectJSON(`${base}/hello`, { headers: creds }, 200, `{"message":"So nice to see you, ada!"}`);
  await expectJSON(`${base}/hello`, { headers: { "RStudio-Connect-Credentials": "ada" } }, 400,
    `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Malformed RStudio-Connect-Credentials header"}`);
  console.log("usermeta: /hello without, with and with a malformed RStudio-Connect-Credentials header");
}

async function checkWebapp(browser) {
  const check = async (context, path, text, home) => {
    const url = `${urls.webapp}${path}`;
    const page = await openPage(context, url);
    const h1 = page.locator("h1");
    const color = await h1.evaluate((el) => getComputedStyle(el).color);
    if (color !== green) fail(`${url}: h1 color ${color}, want ${green} (the stylesheet is not applied)`);
    const content = await page.locator("#content").textContent();
    if (!content.includes(text)) fail(`${url}: content lacks "${text}": ${content}`);
    if (home) {
      const href = await page.locator(`a:text("here")`).getAttribute("href");
      if (href !== home) fail(`${url}: home link ${href}, want ${home}`);
    }
    checkProblems(page, url);
    await page.close();
  };
  const plain = await browser.newContext();
  await check(plain, "/", "Hello world");
  await check(plain, "/about", "Welcome to the about page Posit.", "/");
  await check(plain, "/about?name=Ada", "Welcome to the about page Ada.", "/");
  await plain.close();
  // Posit Connect's proxy strips its prefix and names it in a header: links
  // (the stylesheet included) keep working when they go through it. Here
  // the prefix is empty on the wire, so the stylesheet still loads.
  const connect = await browser.newContext({ extraHTTPHeaders: { "RStudio-Connect-App-Base-URL": urls.webapp } });
  await check(connect, "/about", "Welcome to the about page Posit.", `${urls.webapp}/`);
  await connect.close();
  console.log("webapp: / and /about render with the stylesheet (h1 is green); links honour the base URL header");
}

async function checkChat(browser) {
  const context = await browser.newContext();
  const url = `${urls.showcase}/chat`;
  const join = async (name) => {
    const page = await openPage(context, url);
    await page.fill("#name", name);
    await page.click("#join button");
    await page.locator("#status", { hasText: "Connected." }).waitFor({ timeout: 15_000 });
    return page;
  };
  const ann = await join("ann");
  const bob = await join("bob");
  await ann.locator("#log li", { hasText: "bob joined" }).waitFor({ timeout: 15_000 });
  await ann.fill("#text", "hello from ann");
  await ann.click("#send button");
  await bob.locator("#log li", { hasText: "ann: hello from ann" }).waitFor({ timeout: 15_000 });
  checkProblems(ann, url);
  checkProblems(bob, url);
  await context.close();
  console.log("showcase: the chat page delivers a message from one tab to another");
}

async function checkFullstack(browser) {
  const context = await browser.newContext();
  const url = `${urls.fullstack}/`;
  const page = await openPage(context, url);
  const got = await page.evaluate(async () => {
    const post = (path, body, headers) => fetch(path, { method: "POST", body, headers });
    const signup = await post("/users", JSON.stringify({ username: "ada", email: "ada@example.com", password: "analytical" }),
      { "Content-Type": "application/json" });
    const form = new URLSearchParams({ username: "ada", password: "analytical", scope: "me items" });
    const token = (await (await post("/token", form)).json()).access_token;
    const open = (topic) => new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws?topic=${topic}&token=${token}`);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => resolve(null);
    });
    const refused = await open("cats");
    const ws = await open("items");
    const note = new Promise((resolve) => { ws.onmessage = (e) => resolve(e.data); });
    const created = await post("/items", JSON.stringify({ title: "Plumbus", price: 9.99 }),
      { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "X-Token": "fake-super-secret-token" });
    return { signup: signup.status, refused: refused === null, created: created.status, note: await note };
  });
  const want = { signup: 201, refused: true, created: 201, note: `{"id":1,"title":"Plumbus","price":9.99,"owner":"ada"}` };
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`fullstack: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  if (!(await page.locator("a[href='/docs']").count())) fail("fullstack: the home page has no link to /docs");
  // The refused handshake is the one expected failure of the page.
  page.problems = page.problems.filter((p) => !/ws\?topic=cats/.test(p));
  checkProblems(page, url);
  await context.close();
  console.log("fullstack: sign-up, token, the notifications WebSocket (a bad topic refused) receives the created item");
}

async function checkSwaggerUI(browser) {
  const context = await browser.newContext();
  const url = `${urls.showcase}/docs`;
  const page = await openPage(context, url);
  await page.waitForSelector(".opblock", { timeout: 30_000 });

  const authorize = async (title, fill) => {
    await page.click(".auth-wrapper button.authorize");
    const box = page.locator(".modal-ux .auth-container", { hasText: title });
    await fill(box);
    await box.locator("button.authorize").click();
    await box.locator("button", { hasText: "Logout" }).waitFor({ timeout: 15_000 });
    await page.click(".modal-ux .close-modal");
  };
  await authorize("OAuth2PasswordBearer", async (box) => {
    await box.locator("#oauth_username").fill("alice");
    await box.locator("#oauth_password").fill("wonderland");
    await box.locator("a[data-all=true]").click(); // select all scopes
  });
  await authorize("APIKeyHeader", (box) => box.locator("#api_key_value").fill(apiKey));
  await authorize("HTTPBasic", async (box) => {
    await box.locator("#auth-basic-username").fill("alice");
    await box.locator("#auth-basic-password").fill("wonderland");
  });

  const tryIt = async (path, want) => {
    const block = page.locator(".opblock-get", { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
    await block.locator(".opblock-summary").click();
    await block.locator("button.try-out__btn").click();
    await block.locator("button.execute").click();
    const status = block.locator(".live-responses-table .response .response-col_status").first();
    await status.waitFor({ timeout: 30_000 });
    const text = (await status.textContent()).trim();
    const body = await block.locator(".live-responses-table .response-col_description pre").first().textContent();
    if (!text.startsWith("200")) fail(`Try it out on GET ${path}: status ${text}: ${body}`);
    if (!body.includes(want)) fail(`Try it out on GET ${path}: body ${body}, want ${want}`);
  };
  await tryIt("/users/me", `"username": "alice"`);
  await tryIt("/stats", `"open_sessions"`);
  await tryIt("/outbox", `[]`);
  checkProblems(page, url);
  await context.close();
  console.log("showcase: Swagger UI Authorize (OAuth2 password as alice, API key, Basic) then Try it out: 200 on /users/me, /stats, /outbox");
}

let browser;
let code = 0;
try {
  await checkGreetings();
  await checkUsermeta();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  await checkWebapp(browser);
  await checkChat(browser);
  await checkFullstack(browser);
  await checkSwaggerUI(browser);
} catch (err) {
  console.error(`FAIL: ${err.message}`);
  code = 1;
} finally {
  if (browser) await browser.close();
}
process.exit(code);
