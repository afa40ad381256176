import { request } from "node:http";
import { CIMD_MIN_CACHE_SECONDS, type AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { send } from "./http";

/** The stand-in proxy whose X-Forwarded-For the server believes (scripts/attack.ts); nothing else is trusted. */
const TRUSTED_PROXY = "127.0.0.9";

interface RawAnswer {
  status: number;
  headers: import("node:http").IncomingHttpHeaders;
  text: string;
}

/**
 * One request from a chosen loopback source address (Linux answers on all of 127.0.0.0/8), so each distinct source is a
 * distinct client address to the server. From TRUSTED_PROXY, `forwardedFor` presents any address, IPv6 included.
 */
function sendFrom(source: string, port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string; forwardedFor?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: init.method ?? "GET",
        localAddress: source,
        agent: false,
        headers: { host: `localhost:${port}`, ...(init.forwardedFor ? { "x-forwarded-for": init.forwardedFor } : {}), ...init.headers },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 15 s")));
    req.on("error", reject);
    req.end(init.body);
  });
}

const json = (text: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** In parallel, `width` at a time. */
async function inWaves<T>(count: number, width: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, k) => one(start + k)))));
  }
  return results;
}

/**
 * Abuse bounds: floods that must cost the attacker more than the product — sign-in races and address rotation,
 * refusal floods that would grow the audit log, metadata-document fetch amplification, device-code and registration
 * floods. Each measures the bound (rows written, fetches made, attempts verified), not just the status code.
 */
export function attacks({ fx, database, cimd }: AttackDeps): AttackArea {
  const mcpRefusal = (source: string, forwardedFor?: string) =>
    sendFrom(source, fx.port, "/mcp", {
      method: "POST",
      forwardedFor,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });

  /** Signs in through Auth.js from `source`; returns the `code` of the redirect (invalid, throttled) or "signed-in". */
  const signInFrom = async (source: string, email: string, password: string, forwardedFor?: string): Promise<string> => {
    const csrf = await sendFrom(source, fx.port, "/api/auth/csrf", { forwardedFor });
    const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const csrfToken = json(csrf.text)?.csrfToken as string;
    const reply = await sendFrom(source, fx.port, "/api/auth/callback/credentials", {
      method: "POST",
      forwardedFor,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }).toString(),
    });
    if ((reply.headers["set-cookie"] ?? []).some((c) => c.startsWith("authjs.session-token="))) return "signed-in";
    return new URL(String(reply.headers.location ?? "/"), fx.base).searchParams.get("code") ?? `HTTP ${reply.status}`;
  };
  const tally = (codes: string[]) => codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

  const authorizeDocument = (path: string) =>
    send(
      `${cimd.base}/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: `${cimd.documents.base}${path}`,
        redirect_uri: "http://127.0.0.1:3939/callback",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
        state: "s",
      })}`,
    );

  return {
    name: "Abuse bounds",
    cases: [
      attack("20 parallel wrong passwords for one account from one address", "exactly 5 verified (code=invalid), 15 throttled (code=throttled), one event for the 15", async () => {
        const email = "abuse-race@attack.test";
        await database.createUserForAttack(email, fx.password);
        const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => signInFrom("127.0.0.21", email, `wrong-${i}-password`)));
        const counts = tally(codes);
        demand(counts.invalid === 5 && counts.throttled === 15, `expected 5 invalid and 15 throttled, got ${JSON.stringify(counts)}`);
        const verified = await database.countFailedSignIns(email, "wrong password");
        demand(verified === 5, `expected exactly 5 passwords verified, the audit log shows ${verified}`);
        const throttled = await database.countFailedSignIns(email, "rate limited");
        demand(throttled === 1, `expected one event for the 15 throttled attempts, got ${throttled}`);
      }),
      attack("wrong passwords rotating through the addresses of one IPv6 /64", "the 6th is throttled (code=throttled): a /64 is one address", async () => {
        const email = "abuse-six@attack.test";
        await database.createUserForAttack(email, fx.password);
        const codes: string[] = [];
        for (let i = 1; i <= 8; i += 1) codes.push(await signInFrom(TRUSTED_PROXY, email, `wrong-${i}-password`, `2001:db8:ab:cd::${i.toString(16)}`));
        demand(codes.join(",") === "invalid,invalid,invalid,invalid,invalid,throttled,throttled,throttled", `expected 5 invalid then throttled, got ${codes.join(",")}`);
        // Even the right password, from yet another address of that /64.
        const right = await signInFrom(TRUSTED_PROXY, email, fx.password, "2001:db8:ab:cd:1234:5678:9abc:def0");
        demand(right === "throttled", `expected the right password to be throttled too, got ${right}`);
      }),
      attack("refused /mcp requests rotating through the addresses of one IPv6 /64", "exactly 120 answered 401, then 429 with Retry-After", async () => {
        const answers = await inWaves(125, 25, (i) => mcpRefusal(TRUSTED_PROXY, `2001:db8:ee:1:${(i + 1).toString(16)}::1`));
        const statuses = tally(answers.map((a) => String(a.status)));
        demand(statuses["401"] === 120 && statuses["429"] === 5, `expected 120 × 401 and 5 × 429, got ${JSON.stringify(statuses)}`);
        const throttled = answers.find((a) => a.status === 429)!;
        demand(Number(throttled.headers["retry-after"]) > 0, `429 without Retry-After: ${JSON.stringify(throttled.headers)}`);
      }),
      attack("a burst of 200 refused /mcp requests from 200 addresses", "each answered 401; audit growth ≤ 2 × (60 + 1) + 5 rows, not 200", async () => {
        const before = await database.auditLength();
        const answers = await inWaves(200, 50, (i) => mcpRefusal(`127.3.${Math.floor(i / 200)}.${(i % 200) + 10}`));
        const statuses = tally(answers.map((a) => String(a.status)));
        demand(statuses["401"] === 200, `expected every refusal answered 401, got ${JSON.stringify(statuses)}`);
        const grown = (await database.auditLength()) - before;
        // One minute's bound (60 recorded + the one saying the rest are summarised), twice if the burst straddles a
        // minute, and a few rows the server's maintenance may write meanwhile.
        demand(grown <= 2 * 61 + 5, `the audit log grew by ${grown} rows for 200 refusals`);
      }),
      attack("40 authorization requests naming a no-store metadata document that renames itself", "at most 1 fetch of the document", async () => {
        const path = "/no-store-renaming.json";
        const before = cimd.documents.requests(path);
        const started = Date.now();
        // The first sight creates the client; the burst follows it.
        const replies = [await authorizeDocument(path), ...(await inWaves(39, 10, () => authorizeDocument(path)))];
        demand(replies.every((r) => r.status < 500), `a 5xx came back: ${replies.find((r) => r.status >= 500)}`);
        const fetched = cimd.documents.requests(path) - before;
        // One fetch per minimum lifetime (this instance's is CIMD_MIN_CACHE_SECONDS) that the burst took, and no more.
        const bound = Math.ceil((Date.now() - started) / (CIMD_MIN_CACHE_SECONDS * 1000));
        demand(fetched <= bound, `the document was fetched ${fetched} times for 40 requests in ${Date.now() - started} ms (bound ${bound})`);
      }),
      attack("30 authorization requests naming a metadata document that fails (404)", "400 invalid_client page each; at most 1 fetch", async () => {
        const path = "/gone.json";
        const before = cimd.documents.requests(path);
        const started = Date.now();
        const replies = await inWaves(30, 10, () => authorizeDocument(path));
        demand(replies.every((r) => r.status === 400 && r.text.includes("invalid_client")), `expected 400 invalid_client pages, got ${replies.find((r) => r.status !== 400) ?? replies[0]}`);
        const fetched = cimd.documents.requests(path) - before;
        const bound = Math.ceil((Date.now() - started) / (CIMD_MIN_CACHE_SECONDS * 1000));
        demand(fetched <= bound, `the failing document was fetched ${fetched} times for 30 requests in ${Date.now() - started} ms (bound ${bound})`);
      }),
      attack("a flood of device authorization requests from one address", "20 × 200, then 429 temporarily_unavailable with Retry-After", async () => {
        const registered = await fx.register({ client_name: "Abuse device client", redirect_uris: [], grant_types: ["urn:ietf:params:oauth:grant-type:device_code"], response_types: [], token_endpoint_auth_method: "none" });
        const clientId = registered.json()?.client_id as string;
        demand(clientId, `could not register the device client: ${registered}`);
        await database.setClientStatus(clientId, "active");
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const body = new URLSearchParams({ client_id: clientId, scope: "account:read" }).toString();
        const answers = await inWaves(25, 5, () => sendFrom("127.0.0.31", fx.port, "/oauth/device_authorization", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }));
        const statuses = tally(answers.map((a) => String(a.status)));
        demand(statuses["200"] === 20 && statuses["429"] === 5, `expected 20 × 200 and 5 × 429, got ${JSON.stringify(statuses)} ${answers.find((a) => a.status !== 200 && a.status !== 429)?.text ?? ""}`);
        const refused = answers.find((a) => a.status === 429)!;
        demand(json(refused.text)?.error === "temporarily_unavailable" && Number(refused.headers["retry-after"]) > 0, `expected temporarily_unavailable with Retry-After, got ${refused.text}`);
      }),
      attack("registrations from one address filling the pending queue", "503 temporarily_unavailable once 3 from that address are pending", async () => {
        await database.setPendingCapPerAddress(3);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        try {
          const body = JSON.stringify({ client_name: "Queue filler", redirect_uris: ["http://127.0.0.1:3939/callback"], token_endpoint_auth_method: "none" });
          const answers = [];
          for (let i = 0; i < 4; i += 1) answers.push(await sendFrom("127.0.0.41", fx.port, "/oauth/register", { method: "POST", headers: { "content-type": "application/json" }, body }));
          const statuses = answers.map((a) => a.status).join(",");
          demand(statuses === "201,201,201,503", `expected 201,201,201,503, got ${statuses}`);
          demand(json(answers[3].text)?.error === "temporarily_unavailable", `expected temporarily_unavailable, got ${answers[3].text}`);
          const elsewhere = await sendFrom("127.0.0.42", fx.port, "/oauth/register", { method: "POST", headers: { "content-type": "application/json" }, body });
          demand(elsewhere.status === 201, `another address was refused too: ${elsewhere.status} ${elsewhere.text}`);
        } finally {
          await database.setPendingCapPerAddress(null);
        }
      }),
    ],
  };
}
