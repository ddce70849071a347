// A typed client of the showcase, as an application would write it with
// openapi-typescript + openapi-fetch: `tsc --strict` proves the document's
// types fit the calls, and running it against the live server proves the
// server answers what the types say. Usage: node client.js BASE_URL
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Item = components["schemas"]["Item"];
type Problem = components["schemas"]["Problem"];
type WSQuery = paths["/ws"]["get"]["parameters"]["query"];

// Node.js globals, declared here rather than through @types/node.
declare const process: { argv: string[]; exit(code: number): never };

function check(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(got)}`);
}

async function main(base: string): Promise<void> {
  const api = createClient<paths>({ baseUrl: base });

  // Log in: the form of the OAuth2 password flow.
  const token = await api.POST("/token", {
    body: { username: "alice", password: "wonderland" },
    bodySerializer: (b) => new URLSearchParams(b as Record<string, string>),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  check(token.response.status === 200 && token.data !== undefined, "login", token.error);
  const auth = { Authorization: `Bearer ${token.data!.access_token}` };

  // Create: a float64 price that float32 would round.
  const price = 1234567.89;
  const created = await api.POST("/items", { body: { name: "Hammer", price, tags: ["tools"] }, headers: auth });
  check(created.response.status === 201 && created.data !== undefined, "create", created.error);
  const item: Item = created.data!;
  check(item.price === price, "price round trip", item.price);

  // List, get, delete.
  const list = await api.GET("/items", { params: { query: { limit: 100 } }, headers: auth });
  const items: Item[] = list.data ?? [];
  check(items.some((i) => i.id === item.id), "list", list.data);
  const one = await api.GET("/items/{id}", { params: { path: { id: item.id } }, headers: auth });
  check(one.data?.name === "Hammer", "get", one.error);
  const del = await api.DELETE("/items/{id}", { params: { path: { id: item.id } }, headers: auth });
  check(del.response.status === 204, "delete", del.response.status);
  const gone = await api.GET("/items/{id}", { params: { path: { id: item.id } }, headers: auth });
  const notFound: Problem | undefined = gone.error;
  check(gone.response.status === 404 && notFound?.status === 404, "deleted item", gone.error);

  // A typed 422: every error with its location.
  const bad = await api.POST("/items", { body: { name: "", price: 0 }, headers: auth });
  const problem: Problem | undefined = bad.error;
  check(bad.response.status === 422 && problem !== undefined, "422", bad.error);
  const locs = (problem!.errors ?? []).map((e) => e.loc.join("."));
  check(locs.includes("body.name") && locs.includes("body.price"), "422 errors", locs);

  // The WebSocket's typed query, then a handshake that joins the chat.
  const query: WSQuery = { name: "typed-client" };
  const url = new URL("ws" + base.slice(4) + "/ws");
  url.search = new URLSearchParams(query).toString();
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onmessage = () => { ws.close(); resolve(); };
    ws.onerror = () => reject(new Error("WebSocket " + url.toString()));
  });
  console.log("typed client: login, create, list, get, delete, 422 and WebSocket passed");
}

main(process.argv[2] ?? "http://127.0.0.1:8000").catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
