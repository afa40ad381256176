import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { createFirstAdmin, needsSetup, SETUP_TOKEN_REFUSED } from "@/lib/auth/create-first-admin";
import { isLoopbackHost, setupTokenMatches, setupTokenNotice, setupTokenRequired } from "@/lib/auth/setup-token";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { openTestDatabase } from "@/test/support/db";

describe("which listening addresses count as loopback", () => {
  it.each(["127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(["0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "portcullis.example", "localhost.example", "128.0.0.1", "::2", "::ffff:10.0.0.1"])(
    "%s is reachable from elsewhere",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe("first-run setup on a non-loopback address (HOST=0.0.0.0)", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  const admin = { email: "first@example.test", name: "First", password: "correct horse battery" };
  beforeAll(async () => {
    database = await openTestDatabase();
    reloadEnv({ ...process.env, HOST: "0.0.0.0" });
  });
  afterAll(async () => {
    reloadEnv();
    await database.close();
  });

  it("needs the token printed on the console: none, a wrong one, or one before any was printed is refused", async () => {
    expect(setupTokenRequired()).toBe(true);
    // Nothing printed yet (the server prints at start): no token can match.
    await expect(createFirstAdmin({ ...admin, setupToken: "pcsetup_guess" }, { ip: "192.0.2.40" })).rejects.toMatchObject({ code: "forbidden", status: 403, message: SETUP_TOKEN_REFUSED });
    const line = setupTokenNotice("https://portcullis.example");
    const token = line.match(/token: (pcsetup_[\w-]{43})\n$/)![1];
    expect(line).toBe(`First-run setup: open https://portcullis.example/setup and enter this one-time setup token: ${token}\n`);
    for (const wrong of [undefined, "", `${token.slice(0, -1)}x`, token.toUpperCase(), 42]) {
      await expect(createFirstAdmin({ ...admin, setupToken: wrong }, { ip: "192.0.2.40" })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await needsSetup()).toBe(true);

    const created = await createFirstAdmin({ ...admin, setupToken: token }, { ip: "192.0.2.40" });
    expect(created.email).toBe(admin.email);
    const [event] = await listAuditEvents(db(), { kinds: ["user.created"], limit: 1 });
    expect(event).toMatchObject({ actor: "setup", subject: created.id });
    // Single use: spent by the successful setup.
    expect(setupTokenMatches(token)).toBe(false);
    await expect(createFirstAdmin({ ...admin, email: "second@example.test", setupToken: token }, {})).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a new token replaces the old one (a restart prints a fresh one)", () => {
    const first = setupTokenNotice("https://p.example").trim().split(" ").pop()!;
    const second = setupTokenNotice("https://p.example").trim().split(" ").pop()!;
    expect(first).not.toBe(second);
    expect(setupTokenMatches(first)).toBe(false);
    expect(setupTokenMatches(second)).toBe(true);
  });
});
