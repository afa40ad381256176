import { describe, expect, it } from "vitest";
import { resourceScopes } from "@/lib/mcp/protected-resource-metadata";
import type { PolicySnapshot } from "@/lib/policy/types";

describe("the scopes the protected resource advertises (RFC 9728 scopes_supported, 401 challenges)", () => {
  it("are the scopes tools require, sorted, never offline_access (MCP 2026-07-28, refresh tokens)", () => {
    const tools = new Map([
      ["whoami", { requiredScope: "account:read" }],
      ["list_clients", { requiredScope: "clients:read" }],
      ["get_client", { requiredScope: "clients:read" }],
      // An admin can point a tool at any scope; refresh tokens are still not something a resource asks for.
      ["odd_tool", { requiredScope: "offline_access" }],
    ]);
    expect(resourceScopes({ tools } as unknown as PolicySnapshot)).toEqual(["account:read", "clients:read"]);
  });
});
