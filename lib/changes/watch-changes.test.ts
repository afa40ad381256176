import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpChangeEpochs } from "@/lib/changes/change-transaction";
import { topicVersion } from "@/lib/changes/change-versions";
import { watchChanges, type ChangeWatcher } from "@/lib/changes/watch-changes";
import { db, useDatabaseUrl } from "@/lib/db/client";
import { databaseUnreachableSince } from "@/lib/health/database-status";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let watcher: ChangeWatcher;
beforeAll(async () => {
  database = await openTestDatabase();
  watcher = await watchChanges(database.url, { pollMs: 20, listen: false });
});
afterAll(async () => {
  await watcher.stop();
  await database.close();
});

/** A change committed by another process (the CLI, another instance): the epoch moves, this process is not told. */
const changeElsewhere = (topic: "revocations" | "policy") => db().$transaction((tx) => bumpChangeEpochs(tx, [topic]));

async function movesPast(topic: "revocations" | "policy", version: number): Promise<boolean> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    if (topicVersion(topic) > version) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe("the change watcher", () => {
  it("notices the first change ever made to a topic elsewhere (its epoch row did not exist yet)", async () => {
    // A fresh deployment: nothing has been revoked, so there is no epoch row for revocations.
    expect(await db().changeEpoch.findUnique({ where: { topic: "revocations" } })).toBeNull();
    const before = topicVersion("revocations");
    await changeElsewhere("revocations");
    expect(await movesPast("revocations", before)).toBe(true);
  });

  it("notices every later change too", async () => {
    for (const topic of ["revocations", "policy"] as const) {
      const before = topicVersion(topic);
      await changeElsewhere(topic);
      expect(await movesPast(topic, before), topic).toBe(true);
    }
  });

  it("notes the database unreachable while its poll cannot reach it, and reachable again once it can", async () => {
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return condition();
    };
    expect(await until(() => databaseUnreachableSince() === undefined)).toBe(true);
    useDatabaseUrl("postgresql://portcullis@127.0.0.1:1/portcullis");
    try {
      expect(await until(() => databaseUnreachableSince() !== undefined)).toBe(true);
    } finally {
      useDatabaseUrl(database.url);
    }
    expect(await until(() => databaseUnreachableSince() === undefined)).toBe(true);
  });
});
