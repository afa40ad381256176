import { auditCheckpointSchema, CHECKPOINT_TYPE, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { AppError, describeIssues } from "@/lib/errors";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A checkpoint as exported, or the JSON log line that carries one (its `auditCheckpoint` field). */
function checkpointIn(value: unknown): unknown {
  if (value && typeof value === "object" && "auditCheckpoint" in value) return (value as { auditCheckpoint: unknown }).auditCheckpoint;
  return value && typeof value === "object" && (value as { type?: unknown }).type === CHECKPOINT_TYPE ? value : undefined;
}

/**
 * The checkpoints in text kept outside the database: one exported checkpoint (`audit checkpoint`, or `checkpoint` of
 * `audit verify --json`), a JSON array of them, or JSON Lines such as Portcullis's own log, whose other lines are
 * skipped. A checkpoint that is malformed, or text that holds none, is refused: verifying against nothing would report
 * an intact chain the caller did not ask about.
 */
export function parseAuditCheckpoints(text: string, source: string): AuditCheckpoint[] {
  const whole = parseJson(text.trim());
  const candidates =
    whole === undefined
      ? text.split("\n").flatMap((line) => {
          const value = checkpointIn(parseJson(line.trim()));
          return value === undefined ? [] : [value];
        })
      : (Array.isArray(whole) ? whole : [whole]).map((value) => checkpointIn(value) ?? value);
  if (candidates.length === 0) throw new AppError("invalid_input", `${source} holds no audit checkpoint`);
  return candidates.map((candidate, i) => {
    const parsed = auditCheckpointSchema.safeParse(candidate);
    if (!parsed.success) {
      const foreign = (candidate as { type?: unknown } | null)?.type !== CHECKPOINT_TYPE;
      const why = foreign ? `its type is not "${CHECKPOINT_TYPE}"` : describeIssues(parsed.error.issues);
      throw new AppError("invalid_input", `${source}: checkpoint ${i + 1} is not a Portcullis audit checkpoint: ${why}`);
    }
    return parsed.data;
  });
}
