/** What an approver sees in place of a masked value. */
export const MASK = "••••••";

// Field names that hold secrets whatever the tool: masked even when no list names them.
const SECRET_FIELD = /pass(word)?|secret|token|api[-_]?key|authorization|credential|private/i;

/** A masked-field path: dot-separated field names (`auth.token`); an array on the way applies it to every element. */
export const MASK_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;

/**
 * The arguments as an approver may see them: every field named by `paths` (the tool's masking list, DESIGN §11) and
 * every field whose name says it is a secret replaced by a mask. The approval stays bound to the SHA-256 of the real
 * arguments; this copy is only ever displayed.
 */
export function maskArguments(args: unknown, paths: readonly string[]): unknown {
  return mask(args, paths.map((p) => p.split(".")));
}

function mask(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => mask(item, paths));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (SECRET_FIELD.test(key) || paths.some((p) => p.length === 1 && p[0] === key)) return [key, MASK];
      const deeper = paths.filter((p) => p.length > 1 && p[0] === key).map((p) => p.slice(1));
      return [key, mask(inner, deeper)];
    }),
  );
}
