import { performance } from "node:perf_hooks";

/** Iterations of all comprehensions together in one evaluation. */
export const MAX_CONDITION_STEPS = 1_000;
/** Wall-clock bound of one evaluation: a backstop (steps are the bound that does not depend on the machine's load). */
export const MAX_CONDITION_MILLISECONDS = 20;

interface Budget {
  steps: number;
  deadline: number;
  exceeded: string | null;
}

let current: Budget | null = null;

/**
 * The bound on one condition's evaluation. Evaluation is synchronous, so one budget at a time is the whole state. The
 * compiler gates every comprehension step on `tick()`: once the budget is spent, every loop stops at once, and the
 * evaluation reports it — the caller then denies whatever the expression answered (fail closed).
 */
export const evaluationBudget = {
  run<T>(body: () => T): { value: T; exceeded: string | null } {
    const budget: Budget = { steps: 0, deadline: performance.now() + MAX_CONDITION_MILLISECONDS, exceeded: null };
    const outer = current;
    current = budget;
    try {
      return { value: body(), exceeded: budget.exceeded };
    } finally {
      current = outer;
    }
  },
  tick(): boolean {
    const budget = current;
    if (!budget) return true;
    if (budget.exceeded) return false;
    budget.steps += 1;
    if (budget.steps > MAX_CONDITION_STEPS) budget.exceeded = `more than ${MAX_CONDITION_STEPS} iteration steps`;
    else if ((budget.steps & 63) === 0 && performance.now() > budget.deadline) budget.exceeded = `longer than ${MAX_CONDITION_MILLISECONDS} ms`;
    return budget.exceeded === null;
  },
};
