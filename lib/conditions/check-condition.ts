import type { CelEnv } from "@bufbuild/cel";
import { assignable, describeType, fromLibraryType, join, T, type CelStaticType } from "@/lib/conditions/cel-type";

/** Where a condition is wrong: a message and a 0-based character offset into the expression. */
export class ConditionCheckError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// The library's parsed AST (cel.expr.Expr), as far as the checker reads it.
interface Expr {
  id: bigint;
  exprKind:
    | { case: "constExpr"; value: { constantKind: { case: string | undefined } } }
    | { case: "identExpr"; value: { name: string } }
    | { case: "selectExpr"; value: { operand?: Expr; field: string; testOnly: boolean } }
    | { case: "callExpr"; value: { target?: Expr; function: string; args: Expr[] } }
    | { case: "listExpr"; value: { elements: Expr[] } }
    | { case: "structExpr"; value: { messageName: string; entries: Array<{ keyKind: { case: string | undefined; value?: unknown }; value?: Expr }> } }
    | { case: "comprehensionExpr"; value: ComprehensionExpr }
    | { case: undefined; value?: undefined };
}

interface ComprehensionExpr {
  iterVar: string;
  iterVar2: string;
  iterRange?: Expr;
  accuVar: string;
  accuInit?: Expr;
  loopCondition?: Expr;
  loopStep?: Expr;
  result?: Expr;
}

const CONSTANTS: Record<string, CelStaticType> = {
  boolValue: T.bool,
  int64Value: T.int,
  uint64Value: T.uint,
  doubleValue: T.double,
  stringValue: T.string,
  bytesValue: T.bytes,
  nullValue: T.null,
  durationValue: T.duration,
  timestampValue: T.timestamp,
};

/** Identifiers the user may not name: the budget hook the compiler adds to every comprehension. */
export const RESERVED_PREFIX = "portcullis_";

/**
 * Type-checks a parsed condition against the variables' static types and the environment's function overloads, and
 * answers the type the expression returns. Throws `ConditionCheckError` at the first problem: an undeclared variable
 * or function, an unknown field of a known shape, a call no overload accepts, iterating over a non-collection.
 */
export function checkCondition(
  expr: Expr,
  variables: Record<string, CelStaticType>,
  env: CelEnv,
  positions: Record<string, number>,
): CelStaticType {
  const at = (e: Expr) => positions[e.id.toString()] ?? 0;
  const fail = (e: Expr, message: string): never => {
    throw new ConditionCheckError(message, at(e));
  };

  const field = (e: Expr, operand: CelStaticType, name: string): CelStaticType => {
    switch (operand.kind) {
      case "dyn":
        return T.dyn;
      case "map":
        return operand.value;
      case "object": {
        if (Object.hasOwn(operand.fields, name)) return operand.fields[name];
        if (operand.rest) return operand.rest;
        const known = Object.keys(operand.fields);
        return fail(e, `unknown field '${name}' of ${operand.name} (its fields: ${known.length > 0 ? known.join(", ") : "none"})`);
      }
      default:
        return fail(e, `${describeType(operand)} has no fields; '.${name}' cannot be selected`);
    }
  };

  const visit = (e: Expr, scope: Record<string, CelStaticType>): CelStaticType => {
    const kind = e.exprKind;
    switch (kind.case) {
      case "constExpr":
        return CONSTANTS[kind.value.constantKind.case ?? ""] ?? T.dyn;
      case "identExpr": {
        if (Object.hasOwn(scope, kind.value.name)) return scope[kind.value.name];
        if (Object.hasOwn(variables, kind.value.name)) return variables[kind.value.name];
        return fail(e, `undeclared reference to '${kind.value.name}' (variables: ${Object.keys(variables).join(", ")})`);
      }
      case "selectExpr": {
        const operand = visit(kind.value.operand!, scope);
        const type = field(e, operand, kind.value.field);
        return kind.value.testOnly ? T.bool : type;
      }
      case "listExpr":
        return { kind: "list", element: kind.value.elements.map((el) => visit(el, scope)).reduce<CelStaticType | null>((a, b) => (a ? join(a, b) : b), null) ?? T.dyn };
      case "structExpr": {
        if (kind.value.messageName !== "") return fail(e, `message construction (${kind.value.messageName}{…}) is not available in conditions`);
        let value: CelStaticType | null = null;
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === "mapKey") visit(entry.keyKind.value as Expr, scope);
          const t = visit(entry.value!, scope);
          value = value ? join(value, t) : t;
        }
        return { kind: "map", value: value ?? T.dyn };
      }
      case "comprehensionExpr": {
        const c = kind.value;
        const range = visit(c.iterRange!, scope);
        const [first, second] =
          range.kind === "list" ? (c.iterVar2 ? [T.int, range.element] : [range.element, T.dyn])
          : range.kind === "map" ? [T.string, range.value]
          : range.kind === "object" ? [T.string, T.dyn]
          : range.kind === "dyn" ? [T.dyn, T.dyn]
          : fail(c.iterRange!, `cannot iterate over ${describeType(range)}`);
        const accu = visit(c.accuInit!, scope);
        const inner = { ...scope, [c.iterVar]: first, ...(c.iterVar2 ? { [c.iterVar2]: second } : {}), [c.accuVar]: accu };
        visit(c.loopCondition!, inner);
        const step = visit(c.loopStep!, inner);
        return visit(c.result!, { ...scope, [c.accuVar]: join(accu, step) });
      }
      case "callExpr":
        return call(e, kind.value, scope);
      default:
        return fail(e, "empty expression");
    }
  };

  const call = (e: Expr, c: { target?: Expr; function: string; args: Expr[] }, scope: Record<string, CelStaticType>): CelStaticType => {
    const target = c.target ? visit(c.target, scope) : undefined;
    const args = c.args.map((a) => visit(a, scope));
    const expectBool = (types: CelStaticType[], what: string) =>
      types.forEach((t, i) => {
        if (!assignable(t, T.bool)) fail(c.args[i], `${what} needs booleans, not ${describeType(t)}`);
      });
    switch (c.function) {
      case "_&&_":
        expectBool(args, "&&");
        return T.bool;
      case "_||_":
        expectBool(args, "||");
        return T.bool;
      case "@not_strictly_false":
        return T.bool;
      case "_?_:_":
        expectBool([args[0]], "the condition of ?:");
        return join(args[1], args[2]);
      case "_[_]": {
        const [container, key] = args;
        if (container.kind === "list") {
          if (!assignable(key, T.int) && !assignable(key, T.double) && !assignable(key, T.uint)) fail(c.args[1], `a list index must be a number, not ${describeType(key)}`);
          return container.element;
        }
        if (container.kind === "map" || container.kind === "object") {
          if (!assignable(key, T.string)) fail(c.args[1], `a key of ${describeType(container)} must be a string, not ${describeType(key)}`);
          const literal = c.args[1].exprKind;
          if (container.kind === "object" && literal.case === "constExpr" && literal.value.constantKind.case === "stringValue") {
            return field(c.args[1], container, (literal.value.constantKind as unknown as { value: string }).value);
          }
          return container.kind === "map" ? container.value : (container.rest ?? T.dyn);
        }
        if (container.kind === "dyn") return T.dyn;
        return fail(e, `${describeType(container)} cannot be indexed`);
      }
    }
    if (c.function.startsWith(RESERVED_PREFIX)) return fail(e, `undeclared function '${c.function}'`);
    const group = env.funcs.find(c.function);
    if (!group) return fail(e, `undeclared function '${c.function}'`);
    const results: CelStaticType[] = [];
    for (const overload of group) {
      if ((overload.target === undefined) !== (target === undefined)) continue;
      if (overload.arguments.length !== args.length) continue;
      if (target && overload.target && !assignable(target, fromLibraryType(overload.target))) continue;
      if (!args.every((a, i) => assignable(a, fromLibraryType(overload.arguments[i])))) continue;
      results.push(fromLibraryType(overload.result));
    }
    if (results.length === 0) {
      const shown = `${target ? `${describeType(target)}.` : ""}${displayName(c.function)}(${args.map(describeType).join(", ")})`;
      return fail(e, `no overload of '${displayName(c.function)}' accepts ${shown}`);
    }
    return results.reduce((a, b) => (a.kind === b.kind ? a : T.dyn));
  };

  return visit(expr, {});
}

/** `_+_` → `+`, `@in` → `in`, for messages. */
function displayName(fn: string): string {
  if (fn === "@in") return "in";
  return fn.replace(/^_?(.+?)_?$/, "$1").replaceAll("_", "") || fn;
}
