import { Agent, createServer, request, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { logger } from "@/lib/logger";
import { openTestDatabase } from "@/test/support/db";
import { serveTokenRequest } from "@/lib/oauth/http/serve-token-request";
import { testClient } from "@/test/support/oauth";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let server: Server;
let base: string;

beforeAll(async () => {
  database = await openTestDatabase();
  server = createServer((req, res) => {
    if (!serveTokenRequest(req, res, { ip: "192.0.2.44", requestId: "req-fast-path" })) res.writeHead(404).end("next.js would answer");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

describe("token endpoint served by the Portcullis server", () => {
  it("answers POST /oauth/token with the same handler and headers as the Next.js route", async () => {
    const service = await createUser({ email: "svc-fast@example.test", name: "Fast", kind: "service", roles: ["reader"] }, CLI_CONTEXT);
    const agent = await testClient(
      { grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" },
      { serviceUser: service.email },
    );
    const response = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.clientSecret}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials&scope=clients:read",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = await response.json();
    expect(body).toMatchObject({ token_type: "Bearer", scope: "clients:read" });
    // The address and request id the server resolved reach the audit event.
    const [event] = await listAuditEvents(db(), { kinds: ["token.issued"], limit: 1 });
    expect(event).toMatchObject({ ip: "192.0.2.44", requestId: "req-fast-path", clientId: agent.clientId });

    const refused = await fetch(`${base}/oauth/token`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "x" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_request" });
  });

  it("refuses what the Next.js route refuses, with the same status, error and headers", async () => {
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
      fetch(`${base}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body });
    const tooLarge = await post(`grant_type=client_credentials&scope=${"a".repeat(20_000)}`);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: "invalid_request" });
    const repeated = await post("grant_type=client_credentials&grant_type=client_credentials&client_id=x");
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: "invalid_request", error_description: "The grant_type parameter is repeated." });
    const notUtf8 = await post(new Uint8Array([0x67, 0x3d, 0xff, 0xfe]));
    expect(notUtf8.status).toBe(400);
    const unknown = await post("grant_type=client_credentials", { Authorization: `Basic ${Buffer.from("nobody:secret").toString("base64")}` });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(unknown.headers.get("cache-control")).toBe("no-store");
    expect(unknown.headers.get("access-control-allow-origin")).toBe("*");
    expect(await unknown.json()).toMatchObject({ error: "invalid_client" });
  });

  it("refuses a body that grows past the limit without a Content-Length, on a connection that still serves the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (chunks: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/oauth/token`, { method: "POST", agent, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
    try {
      const tooLarge = await post(["grant_type=client_credentials&scope=", ..."a".repeat(20_000).match(/.{1,4000}/g)!]);
      expect(tooLarge.status).toBe(413);
      expect(JSON.parse(tooLarge.body)).toMatchObject({ error: "invalid_request" });
      const next = await post(["grant_type=password"]);
      expect(next.status).toBe(400);
      expect(JSON.parse(next.body)).toMatchObject({ error: "unsupported_grant_type" });
    } finally {
      agent.destroy();
    }
  });

  it("keeps serving after a client disconnects before its body ends", async () => {
    const cut = request(`${base}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "500" },
    });
    cut.on("error", () => {});
    cut.write("grant_type=client_credentials&scope=");
    await new Promise((resolve) => setTimeout(resolve, 50));
    cut.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await fetch(`${base}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=password" });
    expect(next.status).toBe(400);
    expect(await next.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("logs a refusal with its error code, not a blanket message", async () => {
    const info = vi.spyOn(logger, "info");
    try {
      await fetch(`${base}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=password" });
      expect(info).toHaveBeenCalledWith("token request refused", expect.objectContaining({ requestId: "req-fast-path", error: "unsupported_grant_type", status: 400 }));
    } finally {
      info.mockRestore();
    }
  });

  it("leaves every other request to Next.js", async () => {
    expect((await fetch(`${base}/oauth/token`)).status).toBe(404);
    expect((await fetch(`${base}/oauth/tokens`, { method: "POST" })).status).toBe(404);
  });
});
