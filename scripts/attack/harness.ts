/**
 * The attack suite's vocabulary: a case says what it attempts and the exact refusal it expects; running it either
 * confirms that refusal or reports what came back instead. A 5xx, a timeout or a refusal with another status or error
 * code is not a rejection — it is counted as a successful attack, because it is not the refusal the product promises.
 */

export interface AttackCase {
  /** What the attacker tries. */
  name: string;
  /** The refusal the product must give, e.g. `400 invalid_grant`. */
  expected: string;
  /** Resolves when the refusal was exactly as expected; throws `Accepted` (or anything) otherwise. */
  run(): Promise<void>;
}

export interface AttackArea {
  name: string;
  cases: AttackCase[];
}

/** The attack was not refused as it must be: `detail` says what came back. */
export class Accepted extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "Accepted";
  }
}

export const attack = (name: string, expected: string, run: () => Promise<void>): AttackCase => ({ name, expected, run });

/** Fails the case unless `condition` holds. */
export function demand(condition: unknown, detail: string): asserts condition {
  if (!condition) throw new Accepted(detail);
}

// Long enough for a case that waits out a metadata document's minimum cache lifetime (scripts/attack/client-change.ts).
const CASE_TIMEOUT_MS = 40_000;

export interface CaseOutcome {
  area: string;
  name: string;
  expected: string;
  rejected: boolean;
  detail?: string;
  ms: number;
}

export async function runCase(area: string, item: AttackCase): Promise<CaseOutcome> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Accepted(`no answer within ${CASE_TIMEOUT_MS / 1000} s (a timeout is not a refusal)`)), CASE_TIMEOUT_MS);
  });
  try {
    await Promise.race([item.run(), timeout]);
    return { area, name: item.name, expected: item.expected, rejected: true, ms: Date.now() - started };
  } catch (error) {
    const detail = error instanceof Accepted ? error.detail : `the case itself failed: ${(error as Error)?.stack ?? String(error)}`;
    return { area, name: item.name, expected: item.expected, rejected: false, detail, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** A compact account of a response, for the report when a case is not refused as expected. */
export function describe(status: number, headers: Headers, body: string): string {
  const location = headers.get("location");
  const shown = body.replace(/\s+/g, " ").slice(0, 300);
  return `HTTP ${status}${location ? ` Location: ${location}` : ""}${shown ? ` body: ${shown}` : ""}`;
}
