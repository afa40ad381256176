import { describe, expect, it } from "vitest";
import { editDistance, groupNearDuplicates, normalizeClientName, redirectHosts, type DuplicateCandidate } from "@/lib/clients/near-duplicates";

let n = 0;
function client(name: string, extra: Partial<DuplicateCandidate> = {}): DuplicateCandidate {
  n += 1;
  return { id: `c${n}`, name, status: "pending", source: "dcr", redirectUris: [], softwareId: null, createdAt: new Date(Date.UTC(2026, 0, n)), ...extra };
}

describe("near-duplicate registrations", () => {
  it("normalises names as a reader sees them", () => {
    expect(normalizeClientName("  Claude Code (2) ")).toBe("claudecode");
    expect(normalizeClientName("claude-code")).toBe("claudecode");
    expect(normalizeClientName("Ｃｕｒｓｏｒ")).toBe("cursor");
  });

  it("measures edit distance with an early stop", () => {
    expect(editDistance("cursor", "cursur")).toBe(1);
    expect(editDistance("cursor", "cursor")).toBe(0);
    expect(editDistance("abcdef", "uvwxyz", 2)).toBe(3);
  });

  it("ignores loopback hosts, which every native app shares", () => {
    expect(redirectHosts(["http://127.0.0.1:1/cb", "https://App.Example.com/cb", "cursor://x", "nope"])).toEqual(["app.example.com"]);
  });

  it("groups by software id, then same name, then redirect host, then similar name — each client once", () => {
    const target = client("Claude Code", { softwareId: "com.anthropic.claude-code", redirectUris: ["https://claude.example.com/cb", "http://127.0.0.1/cb"] });
    const sameSoftware = client("Something else", { softwareId: "com.anthropic.claude-code", redirectUris: ["https://claude.example.com/cb"] });
    const sameName = client("claude-code");
    const sameNameLater = client("CLAUDE CODE (3)");
    const sameHost = client("Helper", { redirectUris: ["https://claude.example.com/other"] });
    const similar = client("Claude Cude");
    const loopbackOnly = client("Other tool", { redirectUris: ["http://127.0.0.1/cb"] });
    const unrelated = client("Cursor");
    const groups = groupNearDuplicates(target, [target, sameSoftware, sameName, sameNameLater, sameHost, similar, loopbackOnly, unrelated]);
    expect(groups.map((g) => [g.reason, g.value, g.clients.map((c) => c.id)])).toEqual([
      ["same_software_id", "com.anthropic.claude-code", [sameSoftware.id]],
      ["same_name", "Claude Code", [sameNameLater.id, sameName.id]],
      ["same_redirect_host", "claude.example.com", [sameHost.id]],
      ["similar_name", "Claude Cude", [similar.id]],
    ]);
  });

  it("does not call short names similar", () => {
    expect(groupNearDuplicates(client("Zed"), [client("Zen"), client("Red")])).toEqual([]);
  });
});
