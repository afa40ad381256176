import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { noteChanged, topicVersion } from "@/lib/changes/change-versions";
import { openTestDatabase } from "@/test/support/db";
import { keyRing, rotateSigningKeys } from "@/lib/keys";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe("the key ring", () => {
  it("never hands out a load that began before the latest key change", async () => {
    await keyRing();
    // A change noticed from elsewhere starts a reload…
    noteChanged(["keys"]);
    const first = keyRing();
    // …and a second change (another instance's rotation) is noticed while that load is in flight: its read may predate
    // the new key, so a caller asking now must get a ring loaded at the current version.
    noteChanged(["keys"]);
    const second = keyRing();
    expect((await second).version).toBe(topicVersion("keys"));
    expect((await first).version).toBe(topicVersion("keys"));
  });

  it("holds a key rotated in by another process once the change is noticed", async () => {
    const { kid } = await rotateSigningKeys(CLI_CONTEXT);
    noteChanged(["keys"]);
    const ring = await keyRing();
    expect(ring.active.kid).toBe(kid);
    expect(ring.published.has(kid)).toBe(true);
  });
});
