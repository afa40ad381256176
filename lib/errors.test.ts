import { describe, expect, it } from "vitest";
import { AppError, isDatabaseUnavailable, publicError } from "@/lib/errors";
import { useDatabaseUrl, db, closeDatabase } from "@/lib/db/client";

describe("publicError", () => {
  it("shows an AppError's own message and status", () => {
    expect(publicError(new AppError("role_cycle", "no cycles"))).toEqual({ code: "role_cycle", message: "no cycles", status: 409 });
  });

  it("never shows an unexpected error's message", () => {
    expect(publicError(new TypeError("cannot read x of undefined at /srv/app.js:1"))).toEqual({
      code: "internal",
      message: "Something went wrong on our side. The error has been logged.",
      status: 500,
    });
  });

  it("answers 503 when the database cannot be reached", async () => {
    useDatabaseUrl("postgresql://root@127.0.0.1:1/unreachable");
    const error = await db().user.count().catch((e: unknown) => e);
    await closeDatabase();
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(publicError(error)).toMatchObject({ code: "unavailable", status: 503 });
  });
});
