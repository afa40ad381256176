/**
 * `npm run bench:conditions` — the CPU a CEL condition adds to one decision (DESIGN §11; goal: < 50 µs per call).
 * Measures `decide` in-process on the same policy three ways, interleaved in slices so the machine's other load falls
 * on all of them alike: the tool unguarded, guarded by a typical condition over the arguments, and guarded by one that
 * also reads the user, client, tool and time. Reports the median of the slices' µs per decision, and the difference.
 *
 *   BENCH_SECONDS   measured seconds per variant (default 6)
 */
import { compileCondition } from "@/lib/conditions/compile-condition";
import { decide } from "@/lib/policy/decide";
import type { PolicySnapshot, ToolConditionNode } from "@/lib/policy/types";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const SLICE_MS = 200;

function policy(expression: string | null): PolicySnapshot {
  const conditions = new Map<string, Map<string, ToolConditionNode>>();
  if (expression) {
    const compiled = compileCondition(expression);
    if (!compiled.ok) throw new Error(compiled.error.message);
    conditions.set("github.create_issue", new Map([["support", { roleId: "support", tool: "github.create_issue", expression, compiled: compiled.condition, compileError: null }]]));
  }
  return {
    version: 0,
    loadedAt: new Date(),
    scopes: new Set(["issues:write"]),
    roles: new Map([
      ["base", { id: "base", name: "base", parentIds: [], scopes: ["issues:write"] }],
      ["support", { id: "support", name: "support", parentIds: ["base"], scopes: [] }],
    ]),
    roleIdsByName: new Map([["base", "base"], ["support", "support"]]),
    users: new Map([["u1", { id: "u1", email: "dev@acme.test", name: "Dev", kind: "human", disabled: false, roleIds: ["support"], sessionEpoch: 0 }]]),
    clients: new Map([["c1", { id: "c1", name: "Cursor", status: "active", allowedScopes: ["issues:write"], source: "cimd" }]]),
    tools: new Map([["github.create_issue", { name: "github.create_issue", requiredScope: "issues:write" }]]),
    conditions,
  };
}

const variants = {
  unguarded: policy(null),
  "args condition": policy(`args.repo.startsWith("acme/support-") && args.state != "deleted"`),
  "context condition": policy(`args.repo.startsWith("acme/support-") && "support" in user.roles && client.source == "cimd" && tool.server == "github" && now.getHours() < 24`),
};
const request = { userId: "u1", clientId: "c1", tokenScopes: ["issues:write"], tool: "github.create_issue", args: { repo: "acme/support-web", state: "open", title: "Printer on fire" } };

function slice(snapshot: PolicySnapshot): number {
  let n = 0;
  const started = performance.now();
  const until = started + SLICE_MS;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) if (!decide(snapshot, request).allow) throw new Error("the benchmark's call must be allowed");
    n += 100;
  }
  return ((performance.now() - started) * 1000) / n;
}

const names = Object.keys(variants) as (keyof typeof variants)[];
for (const name of names) slice(variants[name]); // warm up
const samples = Object.fromEntries(names.map((n) => [n, [] as number[]]));
for (let round = 0; round < (SECONDS * 1000) / SLICE_MS; round++) for (const name of names) samples[name].push(slice(variants[name]));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(samples.unguarded);
process.stdout.write(`decide() µs per call (median of ${samples.unguarded.length} slices of ${SLICE_MS} ms)\n`);
for (const name of names) {
  const us = median(samples[name]);
  process.stdout.write(`  ${name.padEnd(18)} ${us.toFixed(2).padStart(7)} µs${name === "unguarded" ? "" : `   condition adds ${(us - base).toFixed(2)} µs (goal < 50)`}\n`);
}
