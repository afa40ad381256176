import { CLI_CONTEXT } from "@/lib/audit";
import type { CliIo, OptionSpec } from "@/lib/cli/command";
import type { PolicyChange } from "@/lib/impact/policy-change";

/** The options every policy-changing command takes to preview instead of saving. */
export const DRY_RUN_OPTIONS: Record<string, OptionSpec> = {
  "dry-run": { type: "boolean", description: "Change nothing: replay recorded calls against the change and print its impact" },
  window: { type: "string", value: "<days>", description: "With --dry-run: how many days of recorded calls to replay (default 14)" },
};

/** Runs the impact preview of a change and prints it (the summary as JSON with --json). Saves nothing but the preview's audit event. */
export async function printImpactPreview(change: PolicyChange, options: { window?: string }, io: CliIo): Promise<number> {
  // Loaded only for a dry run: every other command starts without the replay's code.
  const [{ previewPolicyChange }, { formatImpactSummary }] = await Promise.all([import("@/lib/impact/preview-policy-change"), import("@/lib/impact/format-impact-summary")]);
  const summary = await previewPolicyChange({ change, windowDays: options.window }, CLI_CONTEXT);
  if (io.json) io.out(JSON.stringify(summary));
  else for (const line of formatImpactSummary(summary)) io.out(line);
  return 0;
}
