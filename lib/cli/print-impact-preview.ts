import { CLI_CONTEXT } from "@/lib/audit";
import type { CliIo, OptionSpec } from "@/lib/cli/command";
import { formatImpactSummary } from "@/lib/impact/format-impact-summary";
import type { PolicyChange } from "@/lib/impact/policy-change";
import { previewPolicyChange } from "@/lib/impact/preview-policy-change";

/** The options every policy-changing command takes to preview instead of saving. */
export const DRY_RUN_OPTIONS: Record<string, OptionSpec> = {
  "dry-run": { type: "boolean", description: "Change nothing: replay recorded calls against the change and print its impact" },
  window: { type: "string", value: "<days>", description: "With --dry-run: how many days of recorded calls to replay (default 14)" },
};

/** Runs the impact preview of a change and prints it (the summary as JSON with --json). Saves nothing but the preview's audit event. */
export async function printImpactPreview(change: PolicyChange, options: { window?: string }, io: CliIo): Promise<number> {
  const summary = await previewPolicyChange({ change, windowDays: options.window }, CLI_CONTEXT);
  if (io.json) io.out(JSON.stringify(summary));
  else for (const line of formatImpactSummary(summary)) io.out(line);
  return 0;
}
