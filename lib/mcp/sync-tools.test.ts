import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { syncTools } from "@/lib/mcp/sync-tools";
import { defineTool, TOOLS, toolDescriptor } from "@/lib/mcp/tools";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const extra = defineTool({
  name: "ping_service",
  title: "Ping",
  description: "Checks a service",
  requiredScope: "tools:ping_service",
  input: z.object({}),
  run: async () => ({ ok: true }),
});

describe("syncTools", () => {
  it("mirrors every declared tool into the policy with its declared scope, once", async () => {
    const first = await syncTools();
    expect(first.created.sort()).toEqual(TOOLS.map((t) => t.name).sort());
    const rows = await db().tool.findMany();
    expect(Object.fromEntries(rows.map((r) => [r.name, r.requiredScope]))).toMatchObject({
      whoami: "account:read",
      list_clients: "clients:read",
      get_client: "clients:read",
      approve_client: "clients:write",
      suspend_client: "clients:write",
      list_roles: "policy:read",
      effective_access: "users:read",
      query_audit: "audit:read",
      revoke_grant: "tokens:revoke",
    });
    expect(await syncTools()).toEqual({ created: [], described: [], removed: [] });
    expect(await db().auditEvent.count({ where: { kind: "policy.changed", reason: { startsWith: "MCP tools added" } } })).toBe(1);
  });

  it("never overwrites a required scope an admin changed, but follows the code's description", async () => {
    await db().tool.update({ where: { name: "whoami" }, data: { requiredScope: "users:read", description: "old words" } });
    expect(await syncTools()).toMatchObject({ described: ["whoami"] });
    expect(await db().tool.findUniqueOrThrow({ where: { name: "whoami" } })).toMatchObject({
      requiredScope: "users:read",
      description: TOOLS.find((t) => t.name === "whoami")!.description,
    });
  });

  it("creates the scope of a new tool, and removes (and records) a tool no longer in the code", async () => {
    await syncTools([...TOOLS, extra]);
    expect(await db().scope.findUnique({ where: { name: "tools:ping_service" } })).toMatchObject({ description: "Call the ping_service tool" });
    const result = await syncTools();
    expect(result.removed).toEqual([{ name: "ping_service", requiredScope: "tools:ping_service" }]);
    expect(await db().tool.findUnique({ where: { name: "ping_service" } })).toBeNull();
    const event = await db().auditEvent.findFirstOrThrow({ where: { kind: "policy.changed" }, orderBy: { seq: "desc" } });
    expect(event.reason).toBe("MCP tools removed ping_service (no longer in the code)");
  });
});

describe("the tool registry", () => {
  it("registers every tool file in lib/mcp/tools (adding a tool is adding its file and its line in index.ts)", () => {
    const files = readdirSync(join(process.cwd(), "lib/mcp/tools")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !["index.ts", "define-tool.ts"].includes(f));
    expect(files.map((f) => f.replace(/\.ts$/, "").replaceAll("-", "_")).sort()).toEqual(TOOLS.map((t) => t.name).sort());
  });

  it("describes every tool's arguments as a JSON Schema object", () => {
    for (const tool of TOOLS) {
      expect(toolDescriptor(tool.name)!.inputSchema).toMatchObject({ type: "object" });
      expect(tool.description.length).toBeGreaterThan(40);
    }
  });
});
