/**
 * Fixtures and protocol helpers for bench/cluster.ts: users with roles and an approved confidential client bound to a
 * service identity (seeded through the CLI, so they work on PostgreSQL and on an embedded server alike), tokens from
 * an instance's token endpoint, and raw MCP JSON-RPC calls.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cli, type Cluster, type Instance } from "./cluster";

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
  serviceUser: { id: string; email: string };
  scope: string;
}

export interface Fixtures {
  admin: { id: string; email: string; password: string };
  service: ServiceClient;
}

const tag = () => randomBytes(3).toString("hex");

/**
 * An IAM admin, and a confidential client (registered over HTTP at `instance`, approved through the CLI) acting as a
 * service identity with the given roles; `scope` is what its tokens ask for.
 */
export async function seedFixtures(
  cluster: Cluster,
  instance: Instance,
  options: { roles?: string[]; scope?: string } = {},
): Promise<Fixtures> {
  const roles = options.roles ?? ["developer", "reader"];
  const scope = options.scope ?? "account:read clients:read";
  const adminEmail = `admin-${tag()}@example.test`;
  const admin = JSON.parse(cli(cluster, ["admin", "create", "--email", adminEmail, "--json"])) as { id: string; email: string; password: string };
  const service = await serviceClient(cluster, instance, roles, scope);
  return { admin, service };
}

export async function serviceClient(cluster: Cluster, instance: Instance, roles: string[], scope: string): Promise<ServiceClient> {
  const email = `agent-${tag()}@service.example`;
  const user = JSON.parse(cli(cluster, ["users", "create", "--email", email, "--service", ...roles.flatMap((r) => ["--role", r]), "--json"])) as { id: string };
  const registered = await fetch(`${instance.url}/oauth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_name: `cluster agent ${tag()}`, grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", scope }),
  });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
  const client = (await registered.json()) as { client_id: string; client_secret: string };
  cli(cluster, ["clients", "approve", client.client_id, "--reason", "cluster fixture", "--service-user", email, "--scopes", scope]);
  return { clientId: client.client_id, clientSecret: client.client_secret, serviceUser: { id: user.id, email }, scope };
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

export interface TokenResult {
  status: number;
  accessToken?: string;
  body: Record<string, unknown>;
}

/** client_credentials at an instance's token endpoint. */
export async function clientCredentialsToken(instance: Instance, client: ServiceClient, resource: string, timeoutMs = 10_000): Promise<TokenResult> {
  const response = await fetch(`${instance.url}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(client.clientId, client.clientSecret) },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: client.scope, resource }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, accessToken: typeof body.access_token === "string" ? body.access_token : undefined, body };
}

export async function requireToken(instance: Instance, client: ServiceClient, resource: string): Promise<string> {
  const result = await clientCredentialsToken(instance, client, resource);
  if (!result.accessToken) throw new Error(`no token from ${instance.name}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.accessToken;
}

/** RFC 7009 revocation of an access token at an instance. */
export async function revokeToken(instance: Instance, client: ServiceClient, token: string): Promise<number> {
  const response = await fetch(`${instance.url}/oauth/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(client.clientId, client.clientSecret) },
    body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
  });
  await response.body?.cancel();
  return response.status;
}

export const MCP_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" };

export interface ToolCallResult {
  status: number;
  /** The tool ran and answered without isError. */
  allowed: boolean;
  ms: number;
  body: string;
}

/** One `tools/call` as a raw JSON-RPC POST. */
export async function callTool(
  instance: Instance,
  token: string,
  tool: string,
  args: Record<string, unknown> = {},
  timeoutMs = 10_000,
  signal?: AbortSignal,
): Promise<ToolCallResult> {
  const started = performance.now();
  const response = await fetch(`${instance.url}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: args } }),
    signal: signal ?? AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  let allowed = false;
  if (response.status === 200) {
    try {
      const parsed = JSON.parse(body) as { result?: { isError?: boolean } };
      allowed = parsed.result !== undefined && !parsed.result.isError;
    } catch {
      allowed = false;
    }
  }
  return { status: response.status, allowed, ms: performance.now() - started, body };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The console session cookie Auth.js sets after a sign-in (JWT sessions; key derived from the shared secret). */
export async function consoleSessionCookie(admin: { id: string; email: string }): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const { deriveKey } = await import("@/lib/derive-key");
  const salt = "authjs.session-token";
  const value = await encode({ token: { sub: admin.id, email: admin.email, name: "admin" }, secret: deriveKey("console-session").toString("base64url"), salt, maxAge: 3600 });
  return `${salt}=${value}`;
}

/**
 * Submits a console form to an instance exactly as the browser does behind the balancer (Origin: the public URL): a POST of the page with the server action's id
 * (from the production build's manifest) and the form fields in React's reply encoding. Returns the action's result
 * message; throws unless the action answered `ok: true`.
 */
export async function submitConsoleForm(instance: Instance, cookie: string, page: string, action: string, fields: Record<string, string>): Promise<string> {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === action)?.[0];
  if (!id) throw new Error(`no server action ${action} in the build`);
  const form = new FormData();
  // React's reply encoding of the action's arguments (previous state, FormData): the form's fields under "_1_".
  for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
  form.append("0", JSON.stringify([null, "$K1"]));
  const response = await fetch(`${instance.url}${page}`, {
    method: "POST",
    headers: { "Next-Action": id, Accept: "text/x-component", Origin: instance.publicOrigin, Cookie: cookie },
    body: form,
  });
  const body = await response.text();
  const result = /\{"ok":(true|false)[^}]*\}/.exec(body)?.[0];
  if (response.status !== 200 || !result || !result.startsWith('{"ok":true')) {
    throw new Error(`${action} at ${instance.name} answered ${response.status}: ${(result ?? body).slice(0, 300)}`);
  }
  return (JSON.parse(result) as { message?: string }).message ?? "";
}
