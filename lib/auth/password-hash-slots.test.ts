import { afterEach, describe, expect, it } from "vitest";
import { passwordHashLoad, withPasswordHashSlot } from "@/lib/auth/password-hash-slots";
import { reloadEnv } from "@/lib/env";

afterEach(() => reloadEnv({ ...process.env }));

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("password hash slots", () => {
  it("runs at most the configured number at once, queues a few, and refuses the rest at once", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_PASSWORD_HASH_CONCURRENCY: "2", PORTCULLIS_PASSWORD_HASH_QUEUE: "1" });
    const gate = deferred();
    let running = 0;
    let most = 0;
    const work = () =>
      withPasswordHashSlot(async () => {
        running += 1;
        most = Math.max(most, running);
        await gate.promise;
        running -= 1;
        return "done";
      });
    const accepted = [work(), work(), work()];
    await expect(work()).rejects.toMatchObject({ code: "rate_limited", status: 429, message: "Too many sign-ins at once; try again in a moment." });
    expect(passwordHashLoad()).toEqual({ running: 2, waiting: 1 });
    gate.release();
    expect(await Promise.all(accepted)).toEqual(["done", "done", "done"]);
    expect(most).toBe(2);
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
  });

  it("frees the slot when the work fails", async () => {
    reloadEnv({ ...process.env, PORTCULLIS_PASSWORD_HASH_CONCURRENCY: "1", PORTCULLIS_PASSWORD_HASH_QUEUE: "0" });
    await expect(withPasswordHashSlot(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(withPasswordHashSlot(async () => 1)).resolves.toBe(1);
  });
});
