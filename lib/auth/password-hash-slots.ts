import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { processState } from "@/lib/process-state";

const slots = processState("password-hash-slots", () => ({ running: 0, waiting: [] as Array<() => void> }));

/**
 * Runs a password hash in one of a few slots. scrypt takes tens of milliseconds of a libuv thread and 32 MiB each, and
 * token signing shares those threads: a flood of sign-ins must wait its turn in a short queue, and beyond that queue is
 * refused at once (429) rather than queued without bound.
 */
export async function withPasswordHashSlot<T>(work: () => Promise<T>): Promise<T> {
  const { concurrency, queue } = env().passwordHash;
  if (slots.running >= concurrency) {
    if (slots.waiting.length >= queue) throw new AppError("rate_limited", "Too many sign-ins at once; try again in a moment.", { retryAfter: 1 });
    await new Promise<void>((resolve) => slots.waiting.push(resolve));
  } else {
    slots.running += 1;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line, so `running` never drops below what is actually running.
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running -= 1;
  }
}

/** Hashes running and waiting now (for tests and health). */
export function passwordHashLoad(): { running: number; waiting: number } {
  return { running: slots.running, waiting: slots.waiting.length };
}
