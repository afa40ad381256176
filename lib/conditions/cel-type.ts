import type { CelType } from "@bufbuild/cel";

/**
 * The static type of a CEL sub-expression, as the condition checker sees it. CEL's own checker in `@bufbuild/cel` 0.6
 * types constants and identifiers only, so the checker (`check-condition.ts`) walks the library's parsed AST with
 * these types and the library's own function overloads. `dyn` is "unknown until run time" and is accepted anywhere.
 * An `object` is a map whose keys are known (a tool's input schema, `user`, `client`, `tool`): naming any other field
 * is an error at save time, which is the point (a typo in a condition would otherwise deny every call, or allow).
 */
export type CelStaticType =
  | { kind: "dyn" | "bool" | "int" | "uint" | "double" | "string" | "bytes" | "null" | "timestamp" | "duration" | "type" }
  | { kind: "list"; element: CelStaticType }
  | { kind: "map"; value: CelStaticType }
  | { kind: "object"; name: string; fields: Record<string, CelStaticType>; rest: CelStaticType | null };

export const T = {
  dyn: { kind: "dyn" },
  bool: { kind: "bool" },
  int: { kind: "int" },
  uint: { kind: "uint" },
  double: { kind: "double" },
  string: { kind: "string" },
  bytes: { kind: "bytes" },
  null: { kind: "null" },
  timestamp: { kind: "timestamp" },
  duration: { kind: "duration" },
  type: { kind: "type" },
} as const satisfies Record<string, CelStaticType>;

export function describeType(type: CelStaticType): string {
  switch (type.kind) {
    case "list":
      return `list(${describeType(type.element)})`;
    case "map":
      return `map(string, ${describeType(type.value)})`;
    case "object":
      return type.name;
    case "timestamp":
      return "google.protobuf.Timestamp";
    case "duration":
      return "google.protobuf.Duration";
    default:
      return type.kind;
  }
}

/** The library's declared parameter and result types, in the checker's terms. */
export function fromLibraryType(type: CelType): CelStaticType {
  switch (type.kind) {
    case "list":
      return { kind: "list", element: fromLibraryType(type.element) };
    case "map":
      return { kind: "map", value: fromLibraryType(type.value) };
    case "object":
      if (type.name === "google.protobuf.Timestamp") return T.timestamp;
      if (type.name === "google.protobuf.Duration") return T.duration;
      return T.dyn;
    default:
      return type.scalar === "null_type" ? T.null : (T as Record<string, CelStaticType>)[type.scalar] ?? T.dyn;
  }
}

/** May a value of type `actual` be passed where `declared` is expected? */
export function assignable(actual: CelStaticType, declared: CelStaticType): boolean {
  if (actual.kind === "dyn" || declared.kind === "dyn") return true;
  switch (declared.kind) {
    case "list":
      return actual.kind === "list" && assignable(actual.element, declared.element);
    case "map":
      return actual.kind === "object" || (actual.kind === "map" && assignable(actual.value, declared.value));
    default:
      return actual.kind === declared.kind;
  }
}

/** The type of a value that is one of two types (`c ? a : b`, list elements). */
export function join(a: CelStaticType, b: CelStaticType): CelStaticType {
  if (a.kind === "dyn" || b.kind === "dyn") return T.dyn;
  if (a.kind !== b.kind) return T.dyn;
  if (a.kind === "list" && b.kind === "list") return { kind: "list", element: join(a.element, b.element) };
  if (a.kind === "map" && b.kind === "map") return { kind: "map", value: join(a.value, b.value) };
  if (a.kind === "object") return a === b ? a : { kind: "map", value: T.dyn };
  return a;
}

type JsonSchema = { type?: unknown; properties?: unknown; additionalProperties?: unknown; items?: unknown; anyOf?: unknown; oneOf?: unknown };

const MAX_SCHEMA_DEPTH = 8;

/**
 * A JSON Schema (a tool's `inputSchema`) as a static type. JSON numbers are CEL doubles whatever the schema says
 * (`integer` included), because that is what the arguments are bound as: `args.limit > 10` checks, `args.limit + 1`
 * does not (write `1.0`). An object's declared `properties` are its fields; other keys are unknown unless
 * `additionalProperties` is itself a schema.
 */
export function typeFromJsonSchema(schema: unknown, name = "args", depth = 0): CelStaticType {
  if (typeof schema !== "object" || schema === null || depth > MAX_SCHEMA_DEPTH) return T.dyn;
  const s = schema as JsonSchema;
  const types = Array.isArray(s.type) ? s.type.filter((t) => t !== "null") : [s.type];
  if (types.length !== 1) return T.dyn;
  switch (types[0]) {
    case "string":
      return T.string;
    case "boolean":
      return T.bool;
    case "integer":
    case "number":
      return T.double;
    case "array":
      return { kind: "list", element: typeFromJsonSchema(s.items, `${name}[]`, depth + 1) };
    case "object": {
      if (typeof s.properties !== "object" || s.properties === null) {
        return { kind: "map", value: typeof s.additionalProperties === "object" ? typeFromJsonSchema(s.additionalProperties, `${name}[]`, depth + 1) : T.dyn };
      }
      const fields = Object.fromEntries(
        Object.entries(s.properties as Record<string, unknown>).map(([key, value]) => [key, typeFromJsonSchema(value, `${name}.${key}`, depth + 1)]),
      );
      const rest = typeof s.additionalProperties === "object" && s.additionalProperties !== null ? typeFromJsonSchema(s.additionalProperties, `${name}[]`, depth + 1) : null;
      return { kind: "object", name, fields, rest };
    }
    default:
      return T.dyn;
  }
}
