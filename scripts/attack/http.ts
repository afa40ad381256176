import { connect } from "node:net";
import { Accepted, demand, describe } from "./harness";

/** One HTTP answer, read in full (redirects are never followed: where they point is what is being tested). */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  json<T = Record<string, unknown>>(): T | undefined;
  toString(): string;
}

export async function send(url: string | URL, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, { ...init, redirect: "manual", signal: init.signal ?? AbortSignal.timeout(15_000) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    location: response.headers.get("location"),
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        return undefined;
      }
    },
    toString: () => describe(response.status, response.headers, text),
  };
}

/** A browser's cookie jar over fetch: cookies set by answers are sent with the next requests to the same server. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    const reply = await send(new URL(path, this.base), { ...init, headers });
    for (const line of reply.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]) < Date.now()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return reply;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(path, { headers });
  }

  postForm(path: string, fields: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: fields instanceof URLSearchParams ? fields : new URLSearchParams(fields),
    });
  }
}

export interface RawReply {
  status: number;
  head: string;
  headerLines: string[];
  body: string;
}

/**
 * A request written byte for byte on a socket, for what fetch refuses to send (a forged Host, raw CR/LF, huge
 * headers). Returns the status line and headers as received.
 */
export function rawRequest(port: number, request: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error("raw request timed out")));
    // Written without half-closing: a server may drop a connection whose sender has finished before it answers.
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => (chunks.length > 0 ? finish() : reject(error)));
    socket.on("close", finish);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const head = split >= 0 ? text.slice(0, split) : text;
      const [statusLine, ...headerLines] = head.split("\r\n");
      const status = Number(statusLine.split(" ")[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer (got ${JSON.stringify(text.slice(0, 80))})`));
      let body = split >= 0 ? text.slice(split + 4) : "";
      if (headerLines.some((l) => /^transfer-encoding:\s*chunked/i.test(l))) body = dechunk(body);
      resolve({ status, head, headerLines, body });
    }
  });
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

// ── Expected refusals ─────────────────────────────────────────────────────────────────────────────────────────

/** RFC 6749 §5.2 / RFC 7591 §3.2.2 JSON error with this status and `error`. */
export function expectOAuthError(reply: Reply, status: number, error: string): Record<string, unknown> {
  const body = reply.json();
  demand(reply.status === status && body?.error === error, `expected ${status} ${error}, got ${reply}`);
  return body;
}

/** An authorization-endpoint error shown on a page (never redirected): status, error code, and no Location. */
export function expectErrorPage(reply: Reply, status: number, error: string, mentions?: string): void {
  const code = reply.text.match(/data-testid="oauth-error">([^<]*)</)?.[1];
  demand(reply.status === status && code === error && reply.location === null, `expected a ${status} page with error ${error} and no redirect, got ${reply}`);
  if (mentions) demand(reply.text.includes(mentions), `expected the page to say "${mentions}", got ${reply}`);
}

/** RFC 6749 §4.1.2.1: sent back to the registered redirect URI with `error`, the `state`, `iss`, and no code. */
export function expectRedirectError(reply: Reply, redirectUri: string, error: string, state: string | undefined, issuer: string): URLSearchParams {
  demand([302, 303, 307].includes(reply.status) && reply.location, `expected a redirect carrying ${error}, got ${reply}`);
  const target = new URL(reply.location!, "http://relative.invalid");
  demand(`${target.origin}${target.pathname}` === redirectUri, `expected the redirect to go to ${redirectUri}, got ${reply}`);
  const params = target.searchParams;
  demand(params.get("error") === error, `expected error=${error} in the redirect, got ${reply}`);
  demand(!params.has("code"), `a code came back with the error: ${reply}`);
  demand(params.get("state") === (state ?? null), `state not echoed exactly: ${reply}`);
  demand(params.get("iss") === issuer, `iss missing or wrong: ${reply}`);
  return params;
}

/** A JSON-RPC error body with this HTTP status and code (the MCP endpoint's refusals). */
export function expectJsonRpcError(reply: Reply, status: number, code: number): { code: number; message: string } {
  const body = reply.json<{ jsonrpc?: string; error?: { code: number; message: string } }>();
  demand(reply.status === status && body?.jsonrpc === "2.0" && body.error?.code === code, `expected ${status} with JSON-RPC error ${code}, got ${reply}`);
  return body!.error!;
}

/** RFC 6750 §3: 401 with a Bearer challenge; `error` null when the request carried no credentials (§3.1). */
export function expectBearerRefusal(reply: Reply, error: "invalid_token" | "invalid_request" | null, status = 401): void {
  const challenge = reply.headers.get("www-authenticate") ?? "";
  demand(reply.status === status && /^Bearer /.test(challenge), `expected ${status} with a Bearer challenge, got ${reply} (WWW-Authenticate: ${challenge || "none"})`);
  const found = challenge.match(/error="([^"]*)"/)?.[1] ?? null;
  demand(found === error, `expected error=${error ?? "(none)"} in the challenge, got ${challenge}`);
  demand(challenge.includes("resource_metadata="), `challenge lacks resource_metadata: ${challenge}`);
}

export function fail(detail: string): never {
  throw new Accepted(detail);
}
