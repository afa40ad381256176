import { describe, expect, it } from "vitest";
import { compileCondition } from "@/lib/conditions/compile-condition";
import { evaluateCondition } from "@/lib/conditions/evaluate-condition";

const schema = {
  type: "object",
  properties: { repo: { type: "string" }, state: { type: "string" }, limit: { type: "integer" }, labels: { type: "array", items: { type: "string" } } },
  required: ["repo"],
  additionalProperties: false,
};
const input = (args: Record<string, unknown>) => ({
  args,
  user: { id: "u1", email: "dev@acme.test", roles: ["developer"] },
  client: { id: "c1", name: "Cursor", source: "cimd" },
  tool: { name: "github.create_issue", server: "github" },
  now: new Date("2026-12-07T10:00:00Z"),
});

function refused(expression: string) {
  const compiled = compileCondition(expression, schema);
  if (compiled.ok) throw new Error(`expected ${expression} to be refused`);
  return compiled.error;
}

describe("compileCondition", () => {
  it("compiles and evaluates a condition over the arguments", () => {
    const compiled = compileCondition(`args.repo.startsWith("acme/support-") && args.state != "deleted" && args.limit <= 50`, schema);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(evaluateCondition(compiled.condition, input({ repo: "acme/support-web", state: "open", limit: 10 }))).toEqual({ result: true });
    expect(evaluateCondition(compiled.condition, input({ repo: "acme/web", state: "open", limit: 10 }))).toEqual({ result: false });
  });

  it("refuses a syntax error with its position", () => {
    expect(refused(`args.repo == "x" &&`)).toMatchObject({ message: expect.stringMatching(/^syntax error/), line: 1 });
  });

  it("refuses an unknown field of the tool's input schema, at the field", () => {
    expect(refused(`args.state == "open" && args.rpo == "x"`)).toEqual({
      message: "unknown field 'rpo' of args (its fields: repo, state, limit, labels)",
      line: 1,
      column: 29,
    });
  });

  it("refuses an unknown field of the context", () => {
    expect(refused(`user.name == "x"`).message).toBe("unknown field 'name' of user (its fields: id, email, roles)");
  });

  it("refuses a condition that does not return a boolean", () => {
    expect(refused(`args.repo`).message).toBe("a condition must return a boolean, and this one returns string");
    expect(refused(`size(args.labels)`).message).toBe("a condition must return a boolean, and this one returns int");
  });

  it("refuses a call no overload accepts, an unknown function or variable", () => {
    expect(refused(`args.repo.startsWith(1)`).message).toBe("no overload of 'startsWith' accepts string.startsWith(int)");
    expect(refused(`args.limit + 1 > 2`).message).toBe("no overload of '+' accepts +(double, int)");
    expect(refused(`launch(args.repo)`).message).toBe("undeclared function 'launch'");
    expect(refused(`secret == "x"`).message).toMatch(/^undeclared reference to 'secret'/);
    expect(refused(`portcullis_within_budget()`).message).toBe("undeclared function 'portcullis_within_budget'");
  });

  it("refuses an empty or overlong condition", () => {
    expect(refused("  ").message).toBe("the condition is empty");
    expect(refused(`args.repo == "${"x".repeat(2100)}"`).message).toMatch(/longer than 2000 characters/);
  });

  it("accepts any field when the tool has no schema (checked at run time instead)", () => {
    const compiled = compileCondition(`args.anything == 1`);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(evaluateCondition(compiled.condition, input({}))).toMatchObject({ result: "error" });
  });

  it("bounds evaluation: a runaway condition is an error, not a hang", () => {
    const compiled = compileCondition(`args.labels.all(a, args.labels.all(b, args.labels.all(c, a != "none")))`, schema);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const labels = Array.from({ length: 200 }, (_, i) => `l${i}`);
    const started = performance.now();
    const outcome = evaluateCondition(compiled.condition, input({ repo: "r", labels }));
    expect(outcome).toMatchObject({ result: "error", error: expect.stringContaining("cost limit") });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("reads the time through now", () => {
    const compiled = compileCondition(`now.getHours("UTC") >= 9 && now.getHours("UTC") < 17`, schema);
    expect(compiled.ok && evaluateCondition(compiled.condition, input({ repo: "r" }))).toEqual({ result: true });
  });
});
