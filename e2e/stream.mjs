// Headless Chromium check of server-sent events from package stream, against
// stream/internal/reconnect (started by e2e/run-examples.sh): a browser's
// EventSource receives typed events (named "tick", JSON data), the stream
// ends every two events, and the browser reconnects each time with
// Last-Event-ID, from which the server resumes: the page sees events 1 to 6
// once each, in order, and the server saw Last-Event-ID 0 (none), 2 and 4.
//
// Usage: RECONNECT_URL=... node e2e/stream.mjs
// Env: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";

const url = process.env.RECONNECT_URL || (() => { throw new Error("RECONNECT_URL is not set"); })();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.got && window.got.length === 6, null, { timeout: 20000 });
  const got = await page.evaluate(() => window.got);
  const want = [1, 2, 3, 4, 5, 6].map((n) => ({ id: String(n), n, word: `tick ${n}` }));
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`events ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  const seen = await (await fetch(`${url}/seen`)).json();
  if (JSON.stringify(seen.slice(0, 3)) !== "[0,2,4]") throw new Error(`Last-Event-ID seen by the server ${JSON.stringify(seen)}, want [0,2,4,...]`);
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  console.log(`stream e2e: EventSource got 6 typed events over ${seen.length} connections, resuming after Last-Event-ID ${seen.slice(1).join(", ")}`);
} finally {
  await browser.close();
}
