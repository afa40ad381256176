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

  it("answers 503 when PostgreSQL ends the connection (a restart) or is starting up, as Prisma reports it for a raw query", () => {
    const restart = (sqlstate: string) => ({
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: sqlstate, kind: "postgres", code: sqlstate, severity: "FATAL" } } },
    });
    for (const sqlstate of ["57P01", "57P02", "57P03", "08006", "53300", "57014", "25P03"]) {
      expect(isDatabaseUnavailable(restart(sqlstate)), sqlstate).toBe(true);
    }
    // A constraint violation or a syntax error is a bug or bad input, not an outage.
    for (const sqlstate of ["23505", "42601", "40001"]) expect(isDatabaseUnavailable(restart(sqlstate)), sqlstate).toBe(false);
    expect(isDatabaseUnavailable({ code: "P2002", meta: { target: ["email"] } })).toBe(false);
  });

  it("answers 503 for node-postgres's connection-lost errors (no code, only a message), and only for those", () => {
    for (const message of [
      "Client has encountered a connection error and is not queryable",
      "Connection terminated unexpectedly",
      "Connection terminated",
      "Connection terminated due to connection timeout",
      "timeout exceeded when trying to connect",
    ]) {
      expect(isDatabaseUnavailable(new Error(message)), message).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable; also x"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Cannot read properties of undefined"))).toBe(false);
  });

  it("answers 503 when the database cannot be reached", async () => {
    useDatabaseUrl("postgresql://root@127.0.0.1:1/unreachable");
    const error = await db().user.count().catch((e: unknown) => e);
    await closeDatabase();
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(publicError(error)).toMatchObject({ code: "unavailable", status: 503 });
  });
});
