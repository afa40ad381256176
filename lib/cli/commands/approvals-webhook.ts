import { z } from "zod";
import { loadApprovalNotifications } from "@/lib/approvals/load-approval-notifications";
import { clearApprovalWebhook, setApprovalWebhook } from "@/lib/approvals/set-approval-webhook";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand, table } from "@/lib/cli/command";

export default defineCommand({
  name: "approvals webhook",
  summary: "Notify a webhook (Slack, Teams or any JSON receiver) of new approval requests: set <url>, --clear, or show",
  positionals: "[url]",
  options: {
    "allow-private": { type: "boolean", description: "Allow a host that resolves to a private address" },
    clear: { type: "boolean", description: "Stop notifying" },
  },
  schema: z.object({ _: z.array(z.string()).max(1, "give at most one URL"), "allow-private": z.boolean().default(false), clear: z.boolean().default(false) }),
  async run(options, io) {
    const url = options._[0];
    if (options.clear) {
      const cleared = await clearApprovalWebhook(CLI_CONTEXT);
      io.out(io.json ? JSON.stringify({ cleared }) : cleared ? "New approval requests are no longer notified." : "No webhook was set.");
      return 0;
    }
    if (url) {
      const { display } = await setApprovalWebhook(url, options["allow-private"], CLI_CONTEXT);
      io.out(io.json ? JSON.stringify({ webhook: display }) : `New approval requests are notified to ${display} (the URL is sealed; it is not shown again).`);
      return 0;
    }
    const view = await loadApprovalNotifications();
    if (io.json) {
      io.out(JSON.stringify(view));
      return 0;
    }
    io.out(view.webhook ? `Webhook: ${view.webhook.display}${view.webhook.allowPrivate ? " (private addresses allowed)" : ""}` : "No webhook is set.");
    if (view.recent.length > 0) {
      table(
        view.recent.map((n) => [n.requestId, n.tool, n.status, String(n.attempts), n.lastError ?? ""]),
        ["REQUEST", "TOOL", "STATUS", "ATTEMPTS", "LAST ERROR"],
      ).forEach((line) => io.out(line));
    }
    return 0;
  },
});
