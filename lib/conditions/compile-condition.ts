import { celEnv, celFunc, CelScalar, parse, plan, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { describeType, T, typeFromJsonSchema, type CelStaticType } from "@/lib/conditions/cel-type";
import { checkCondition, ConditionCheckError, RESERVED_PREFIX } from "@/lib/conditions/check-condition";
import { evaluationBudget } from "@/lib/conditions/evaluation-budget";

/** Long enough for any real rule; short enough that the planned expression stays small and cheap. */
export const MAX_CONDITION_LENGTH = 2000;

const BUDGET_FUNCTION = `${RESERVED_PREFIX}within_budget`;

/** The environment every condition is checked and run in: CEL's standard library and the strings extension. */
const checkEnv = celEnv({ funcs: strings });
const runEnv = celEnv({ funcs: [...strings, celFunc(BUDGET_FUNCTION, [], CelScalar.BOOL, () => evaluationBudget.tick())] });

/** The variables a condition sees (DESIGN §11). `args` is typed by the tool's input schema where it has one. */
export function conditionVariables(inputSchema: unknown): Record<string, CelStaticType> {
  return {
    args: inputSchema === undefined ? { kind: "map", value: T.dyn } : typeFromJsonSchema(inputSchema),
    user: { kind: "object", name: "user", fields: { id: T.string, email: T.string, roles: { kind: "list", element: T.string } }, rest: null },
    client: { kind: "object", name: "client", fields: { id: T.string, name: T.string, source: T.string }, rest: null },
    tool: { kind: "object", name: "tool", fields: { name: T.string, server: T.string }, rest: null },
    now: T.timestamp,
  };
}

export interface CompiledCondition {
  expression: string;
  run(bindings: Record<string, unknown>): CelResult;
}

export interface ConditionError {
  message: string;
  /** 1-based, as editors count. */
  line: number;
  column: number;
}

export type Compilation = { ok: true; condition: CompiledCondition } | { ok: false; error: ConditionError };

/**
 * Parses (with `@bufbuild/cel`'s parser), type-checks and plans a condition. Refused, with the position of the
 * problem: a syntax error, an unknown variable, field or function, a call no overload accepts, a result that is not a
 * boolean. Every comprehension (`all`, `exists`, `map`, `filter` …) is given a step budget before it is planned, so no
 * condition can loop for long whatever the arguments (see `evaluation-budget.ts`).
 */
export function compileCondition(expression: string, inputSchema?: unknown): Compilation {
  const text = expression.trim();
  if (text.length === 0) return failure(expression, "the condition is empty", 0);
  if (text.length > MAX_CONDITION_LENGTH) return failure(expression, `the condition is longer than ${MAX_CONDITION_LENGTH} characters`, MAX_CONDITION_LENGTH);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text);
  } catch (error) {
    const e = error as { rawMessage?: string; message?: string; location?: { start?: { offset?: number } } };
    return failure(text, `syntax error: ${e.rawMessage ?? e.message ?? "cannot parse"}`, e.location?.start?.offset ?? 0);
  }
  const positions = Object.fromEntries(Object.entries(parsed.sourceInfo?.positions ?? {}).map(([id, offset]) => [id, Number(offset)]));
  let type: CelStaticType;
  try {
    type = checkCondition(parsed.expr as never, conditionVariables(inputSchema), checkEnv, positions);
  } catch (error) {
    if (error instanceof ConditionCheckError) return failure(text, error.message, error.offset);
    throw error;
  }
  if (type.kind !== "bool" && type.kind !== "dyn") {
    return failure(text, `a condition must return a boolean, and this one returns ${describeType(type)}`, positions[parsed.expr.id.toString()] ?? 0);
  }
  const planned = plan(runEnv, budgeted(parsed.expr as never) as never);
  return { ok: true, condition: { expression: text, run: (bindings) => planned(bindings as never) } };
}

function failure(text: string, message: string, offset: number): { ok: false; error: ConditionError } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return { ok: false, error: { message, line, column } };
}

interface Node {
  id: bigint;
  exprKind: { case?: string; value?: any };
}

/** Rewrites every comprehension's loop condition to `within_budget() && <condition>` (ids past the parser's). */
function budgeted(root: Node): Node {
  let nextId = maxId(root) + 1n;
  const node = (kind: Node["exprKind"]): Node => ({ $typeName: "cel.expr.Expr", id: nextId++, exprKind: kind }) as Node;
  const walk = (e: Node | undefined): void => {
    if (!e) return;
    const { case: kind, value } = e.exprKind;
    if (kind === "comprehensionExpr") {
      [value.iterRange, value.accuInit, value.loopCondition, value.loopStep, value.result].forEach(walk);
      const gate = node({ case: "callExpr", value: { $typeName: "cel.expr.Expr.Call", function: BUDGET_FUNCTION, args: [] } });
      value.loopCondition = node({ case: "callExpr", value: { $typeName: "cel.expr.Expr.Call", function: "_&&_", args: [gate, value.loopCondition] } });
    } else if (kind === "callExpr") {
      walk(value.target);
      value.args.forEach(walk);
    } else if (kind === "selectExpr") walk(value.operand);
    else if (kind === "listExpr") value.elements.forEach(walk);
    else if (kind === "structExpr") value.entries.forEach((entry: { keyKind: { case?: string; value?: Node }; value?: Node }) => (walk(entry.value), entry.keyKind.case === "mapKey" && walk(entry.keyKind.value)));
  };
  walk(root);
  return root;
}

function maxId(e: Node | undefined): bigint {
  if (!e) return 0n;
  const { case: kind, value } = e.exprKind;
  const children: (Node | undefined)[] =
    kind === "comprehensionExpr" ? [value.iterRange, value.accuInit, value.loopCondition, value.loopStep, value.result]
    : kind === "callExpr" ? [value.target, ...value.args]
    : kind === "selectExpr" ? [value.operand]
    : kind === "listExpr" ? value.elements
    : kind === "structExpr" ? value.entries.flatMap((x: { keyKind: { case?: string; value?: Node }; value?: Node }) => [x.value, x.keyKind.case === "mapKey" ? x.keyKind.value : undefined])
    : [];
  return children.reduce<bigint>((max, child) => {
    const id = maxId(child);
    return id > max ? id : max;
  }, e.id);
}
