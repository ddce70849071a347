// A battery of valid and invalid requests sent to the showcase through
// Prism's validation proxy (`prism proxy DOC UPSTREAM`, without --errors so
// that every request reaches the server): every answer must match the
// document. Prism reports what does not match in the sl-violations
// response header, a JSON array of {location: ["request"|"response", ...],
// severity, code, message}.
//
// The checks, for each case:
//   - the status is the one expected (so that the case tests what it says);
//   - no "response" violation at all: the server answers only what the
//     document says it answers (status, media type, headers, body schema);
//   - a valid request has no "request" violation either; an invalid one that
//     the document can express (a missing credential, a bad media type, a
//     body or parameter against its schema) has at least one, so that the
//     document and the server's input validation agree in both directions.
//
// Usage: node prism.mjs PRISM_URL (SHOWCASE_API_KEY in the environment).
// Exits non-zero on any failure, after listing every failing case.
import http from "node:http";

const prism = process.argv[2];
const apiKey = process.env.SHOWCASE_API_KEY;
if (!prism || !apiKey) {
	console.error("usage: SHOWCASE_API_KEY=KEY node prism.mjs PRISM_URL");
	process.exit(2);
}

// roundTrip sends one request with node:http (fetch refuses the Connection
// and Upgrade headers of a WebSocket handshake) and reads the whole answer.
function roundTrip(method, url, headers, body) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers }, (res) => {
			const chunks = [];
			res.on("data", (c) => chunks.push(c));
			res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
			res.on("error", reject);
		});
		req.on("error", reject);
		req.end(body);
	});
}

const failures = [];
let count = 0;

// send makes one request through Prism and checks it (see above). want is
// the status expected; invalid says the request breaks the document (true),
// follows it (false), or breaks it in a way the document cannot express
// ("silent": a body over the size limit, a stale ETag...).
// allow lists the violations that are Prism's and not the server's, each
// {location, code} matched exactly and explained where it is used.
async function send(name, { method = "GET", path, headers = {}, body, want, invalid = false, allow = [] }) {
	count++;
	const res = await roundTrip(method, prism + path, headers, body);
	const text = res.text;
	const raw = res.headers["sl-violations"];
	let violations = [];
	if (raw) {
		try {
			violations = JSON.parse(raw);
		} catch {
			violations = [{ location: ["response"], message: "unparsable sl-violations header: " + raw }];
		}
	}
	const request = violations.filter((v) => v.location[0] === "request");
	const allowed = (v) => allow.some((a) => a.code === v.code && a.location.join(".") === v.location.join("."));
	const response = violations.filter((v) => v.location[0] !== "request" && !allowed(v));
	const problems = [];
	if (res.status !== want) problems.push(`status ${res.status}, want ${want}: ${text.slice(0, 300)}`);
	for (const v of response) problems.push(`response violation: ${v.location.join(".")}: ${v.message} (${v.severity})`);
	if (invalid === false) {
		for (const v of request) problems.push(`request violation on a valid request: ${v.location.join(".")}: ${v.message}`);
	} else if (invalid === true && request.length === 0) {
		problems.push("Prism saw no request violation: the document accepts what the server refuses");
	}
	const label = `${method} ${path.slice(0, 60)} -> ${res.status}: ${name}`;
	if (problems.length) {
		failures.push(label);
		console.log(`FAIL ${label}`);
		for (const p of problems) console.log(`     ${p}`);
	} else {
		console.log(`ok   ${label}${request.length ? ` (request violations: ${request.map((v) => v.code ?? v.message).join(", ")})` : ""}`);
	}
	return { res, text };
}

const form = (fields) => ({
	headers: { "content-type": "application/x-www-form-urlencoded" },
	body: new URLSearchParams(fields).toString(),
});
const json = (value, extra = {}) => ({
	headers: { "content-type": "application/json", ...extra },
	body: JSON.stringify(value),
});
const bearer = (token) => ({ authorization: "Bearer " + token });
const basic = (user, password) => ({ authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") });

async function token(scope) {
	const fields = { grant_type: "password", username: "alice", password: "wonderland" };
	if (scope) fields.scope = scope;
	const { text } = await send(`log in, scope ${scope || "(all)"}`, { method: "POST", path: "/token", ...form(fields), want: 200 });
	return JSON.parse(text).access_token;
}

// ---- auth --------------------------------------------------------------------
// Failed logins count against a throttle (5 per user, 20 per address in 15
// minutes): they use other users than alice, and stay under 20 until the
// 429 cases at the end.
const all = await token();
const meOnly = await token("me");
const readOnly = await token("items:read");
await send("wrong password", { method: "POST", path: "/token", ...form({ grant_type: "password", username: "bob", password: "x" }), want: 400 });
await send("scope not allowed", { method: "POST", path: "/token", ...form({ grant_type: "password", username: "alice", password: "wonderland", scope: "admin" }), want: 400 });
// grant_type is optional, as in FastAPI's OAuth2PasswordRequestForm: the
// document says so too.
await send("log in without grant_type", { method: "POST", path: "/token", ...form({ username: "alice", password: "wonderland" }), want: 200 });
await send("another grant type", { method: "POST", path: "/token", ...form({ grant_type: "client_credentials", username: "bob", password: "x" }), want: 400, invalid: true });
await send("no password", { method: "POST", path: "/token", ...form({ grant_type: "password", username: "bob" }), want: 400, invalid: true });
await send("no body", { method: "POST", path: "/token", want: 400, invalid: true });
// The token endpoint answers RFC 6749 errors (400 invalid_request), not 413 or 415.
await send("JSON instead of a form", { method: "POST", path: "/token", ...json({ username: "alice", password: "wonderland" }), want: 400, invalid: true });
await send("a 2 MiB form", { method: "POST", path: "/token", ...form({ grant_type: "password", username: "erin", password: "x".repeat(2 << 20) }), want: 400, invalid: "silent" });

await send("the current user", { path: "/users/me", headers: bearer(all), want: 200 });
await send("no token", { path: "/users/me", want: 401, invalid: true });
await send("Basic instead of Bearer", { path: "/users/me", headers: basic("alice", "wonderland"), want: 401, invalid: true });
await send("a forged token", { path: "/users/me", headers: bearer("abc.def.ghi"), want: 401 , invalid: "silent" });
await send("token without scope me", { path: "/users/me", headers: bearer(readOnly), want: 403, invalid: "silent" });

const jwks = await send("the JWK Set", { path: "/.well-known/jwks.json", want: 200 });
await send("the JWK Set, not modified", { path: "/.well-known/jwks.json", headers: { "if-none-match": jwks.res.headers.etag }, want: 304 });

// ---- items -------------------------------------------------------------------
const hammer = { name: "Hammer", description: "A good one", price: 9.99, tags: ["tools"] };
const created = await send("create", { method: "POST", path: "/items", ...json(hammer, bearer(all)), want: 201 });
const id = JSON.parse(created.text).id;
await send("create, no name", { method: "POST", path: "/items", ...json({ price: 1 }, bearer(all)), want: 422, invalid: true });
await send("create, price a string", { method: "POST", path: "/items", ...json({ name: "x", price: "1" }, bearer(all)), want: 422, invalid: true });
await send("create, negative price", { method: "POST", path: "/items", ...json({ name: "x", price: -1 }, bearer(all)), want: 422, invalid: true });
await send("create, an unknown field (ignored)", { method: "POST", path: "/items", ...json({ ...hammer, colour: "red" }, bearer(all)), want: 201 });
await send("create, an array", { method: "POST", path: "/items", ...json([hammer], bearer(all)), want: 422, invalid: true });
await send("create, an empty body", { method: "POST", path: "/items", headers: { ...bearer(all), "content-type": "application/json", "content-length": "0" }, want: 422, invalid: true });
await send("create, a form", { method: "POST", path: "/items", ...form({ name: "x", price: "1" }), headers: { ...form({}).headers, ...bearer(all) }, want: 415, invalid: true });
await send("create, application/merge-patch+json (a +json type)", { method: "POST", path: "/items", ...json(hammer, { ...bearer(all), "content-type": "application/merge-patch+json" }), want: 201 });
await send("create, text/plain", { method: "POST", path: "/items", headers: { ...bearer(all), "content-type": "text/plain" }, body: "Hammer", want: 415, invalid: true });
await send("create, a 2 MiB body", { method: "POST", path: "/items", ...json({ name: "x".repeat(2 << 20), price: 1 }, bearer(all)), want: 413, invalid: "silent" });
await send("create, no token", { method: "POST", path: "/items", ...json(hammer), want: 401, invalid: true });
await send("create, read-only token", { method: "POST", path: "/items", ...json(hammer, bearer(readOnly)), want: 403, invalid: "silent" });

await send("list", { path: "/items", headers: bearer(all), want: 200 });
await send("list, a page", { path: "/items?skip=0&limit=5", headers: bearer(all), want: 200 });
await send("list, limit 0", { path: "/items?limit=0", headers: bearer(all), want: 422, invalid: true });
await send("list, limit not a number", { path: "/items?limit=ten", headers: bearer(all), want: 422, invalid: true });
await send("list, skip -1", { path: "/items?skip=-1", headers: bearer(all), want: 422, invalid: true });
await send("list, no token", { path: "/items", want: 401, invalid: true });
await send("list, token without items:read", { path: "/items", headers: bearer(meOnly), want: 403, invalid: "silent" });

await send("get", { path: `/items/${id}`, headers: bearer(all), want: 200 });
await send("get, no such item", { path: "/items/999999", headers: bearer(all), want: 404 });
await send("get, id 0", { path: "/items/0", headers: bearer(all), want: 422, invalid: true });
await send("get, id not a number", { path: "/items/abc", headers: bearer(all), want: 422, invalid: true });
await send("get, no token", { path: `/items/${id}`, want: 401, invalid: true });

await send("replace", { method: "PUT", path: `/items/${id}`, ...json({ ...hammer, price: 1234567.89 }, bearer(all)), want: 200 });
await send("replace, no such item", { method: "PUT", path: "/items/999999", ...json(hammer, bearer(all)), want: 404 });
await send("replace, too many tags", { method: "PUT", path: `/items/${id}`, ...json({ ...hammer, tags: ["a", "b", "c", "d", "e", "f"] }, bearer(all)), want: 422, invalid: true });
await send("replace, text/plain", { method: "PUT", path: `/items/${id}`, headers: { ...bearer(all), "content-type": "text/plain" }, body: "x", want: 415, invalid: true });
await send("replace, a 2 MiB body", { method: "PUT", path: `/items/${id}`, ...json({ name: "x", price: 1, description: "x".repeat(2 << 20) }, bearer(all)), want: 413, invalid: "silent" });
await send("replace, read-only token", { method: "PUT", path: `/items/${id}`, ...json(hammer, bearer(readOnly)), want: 403, invalid: "silent" });

// Prism 5.14 parses a response body as JSON only for application/json and
// application/*+json (prism-http/dist/utils/parseResponse.js): it checks
// the JSON Lines text, a string, against the schema of the whole stream,
// an array of items as the OpenAPI media type registry says to model
// sequential JSON. That one violation is Prism's; the lines are checked
// here instead.
const exported = await send("export", {
	path: "/items/export", headers: bearer(all), want: 200,
	allow: [{ location: ["response", "body"], code: "type" }],
});
{
	const lines = exported.text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
	const ok = lines.length > 0 && lines.every((it) => Number.isInteger(it.id) && typeof it.name === "string" &&
		typeof it.price === "number" && typeof it.owner === "string");
	if (!ok) {
		failures.push("GET /items/export: the lines are not items");
		console.log(`FAIL GET /items/export: the lines are not items: ${exported.text.slice(0, 300)}`);
	}
}
await send("export, page_size 0", { path: "/items/export?page_size=0", headers: bearer(all), want: 422, invalid: true });
await send("export, no token", { path: "/items/export", want: 401, invalid: true });
await send("export, token without items:read", { path: "/items/export", headers: bearer(meOnly), want: 403, invalid: "silent" });

// GET /items/changes answers 200 with a stream that never ends, which
// Prism's proxy reads whole before it validates it: only its 422 is checked.
await send("changes, Last-Event-ID -1", { path: "/items/changes", headers: { "last-event-id": "-1" }, want: 422, invalid: true });
await send("changes, Last-Event-ID not a number", { path: "/items/changes", headers: { "last-event-id": "abc" }, want: 422, invalid: true });

await send("delete", { method: "DELETE", path: `/items/${id}`, headers: bearer(all), want: 204 });
await send("delete, again", { method: "DELETE", path: `/items/${id}`, headers: bearer(all), want: 404 });
await send("delete, id 0", { method: "DELETE", path: "/items/0", headers: bearer(all), want: 422, invalid: true });
await send("delete, no token", { method: "DELETE", path: "/items/1", want: 401, invalid: true });

// ---- background ----------------------------------------------------------------
await send("notification", { method: "POST", path: "/send-notification/bob@example.com", want: 200 });
await send("notification, not an email", { method: "POST", path: "/send-notification/bob", want: 422, invalid: true });

await send("report", { method: "POST", path: "/reports", ...json({ email: "bob@example.com" }, bearer(all)), want: 202 });
await send("report, not an email", { method: "POST", path: "/reports", ...json({ email: "bob" }, bearer(all)), want: 422, invalid: true });
await send("report, text/plain", { method: "POST", path: "/reports", headers: { ...bearer(all), "content-type": "text/plain" }, body: "x", want: 415, invalid: true });
await send("report, a 2 MiB body", { method: "POST", path: "/reports", ...json({ email: "x".repeat(2 << 20) }, bearer(all)), want: 413, invalid: "silent" });
await send("report, no token", { method: "POST", path: "/reports", ...json({ email: "bob@example.com" }), want: 401, invalid: true });
await send("report, token without items:read", { method: "POST", path: "/reports", ...json({ email: "bob@example.com" }, bearer(meOnly)), want: 403, invalid: "silent" });

await send("outbox", { path: "/outbox", headers: basic("alice", "wonderland"), want: 200 });
await send("outbox, no credentials", { path: "/outbox", want: 401, invalid: true });
await send("outbox, wrong password", { path: "/outbox", headers: basic("carol", "x"), want: 401, invalid: "silent" });

await send("stats", { path: "/stats", headers: { "x-api-key": apiKey }, want: 200 });
await send("stats, no key", { path: "/stats", want: 401, invalid: true });
await send("stats, wrong key", { path: "/stats", headers: { "x-api-key": "wrong" }, want: 401, invalid: "silent" });

// ---- pages and the WebSocket -----------------------------------------------------
await send("the chat page", { path: "/chat", want: 200 });
await send("the feed page", { path: "/feed", want: 200 });
// Prism's proxy does not forward a WebSocket upgrade: 101 is not checked.
const handshake = {
	connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};
await send("WebSocket, not a handshake", { path: "/ws?name=alice", want: 426, invalid: "silent" });
await send("WebSocket, not a handshake and no name", { path: "/ws", want: 426, invalid: true });
await send("WebSocket, a blank name", { path: "/ws?name=%20", headers: handshake, want: 422, invalid: "silent" });
await send("WebSocket, no name", { path: "/ws", headers: handshake, want: 422, invalid: true });

// ---- throttled logins, last ----------------------------------------------------------
for (let i = 0; i < 5; i++) {
	await send(`dave's failed login ${i + 1}`, { method: "POST", path: "/token", ...form({ grant_type: "password", username: "dave", password: "x" }), want: 400 });
}
await send("dave throttled at /token", { method: "POST", path: "/token", ...form({ grant_type: "password", username: "dave", password: "x" }), want: 429, invalid: "silent" });
await send("dave throttled at /outbox", { path: "/outbox", headers: basic("dave", "x"), want: 429, invalid: "silent" });

console.log(`\nprism: ${count} requests, ${failures.length} failing`);
if (failures.length) process.exit(1);
