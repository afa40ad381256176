import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand, type CliIo } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";

/** Secrets come from files (or standard input with -), never from the command line where `ps` and history see them. */
async function readSecretFile(path: string | undefined, flag: string, io: CliIo): Promise<string | undefined> {
  if (!path) return undefined;
  if (path === "-") return (await io.readStdin()).trim();
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    throw new AppError("invalid_input", `cannot read ${flag} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

const positiveInt = (flag: string) => z.coerce.number({ error: `${flag} must be a number` }).int(`${flag} must be a whole number`).positive(`${flag} must be positive`).optional();

export default defineCommand({
  name: "sinks add",
  summary: "Stream the audit log to a webhook (JSON Lines), a syslog server (RFC 5424) or an OpenTelemetry collector (OTLP/HTTP)",
  positionals: "<name>",
  options: {
    kind: { type: "string", value: "<webhook|syslog|otlp>", description: "What the sink is" },
    endpoint: { type: "string", value: "<url>", description: "https://… (webhook; otlp: the /v1/logs URL), or tcp://host:port / tls://host:port (syslog)" },
    "allow-private": { type: "boolean", description: "Allow a private, loopback or link-local address (refused otherwise)" },
    "token-file": { type: "string", value: "<file|->", description: "Bearer token sent with every batch (webhook, otlp); sealed at rest" },
    "client-cert": { type: "string", value: "<pem-file>", description: "TLS client certificate (with --client-key); sealed at rest" },
    "client-key": { type: "string", value: "<pem-file>", description: "TLS client key; sealed at rest" },
    ca: { type: "string", value: "<pem-file>", description: "CA certificate to trust for the receiver" },
    facility: { type: "string", value: "<0-23>", description: "Syslog facility (default 13, log audit)" },
    "batch-size": { type: "string", value: "<n>", description: "Events per delivery (default 200)" },
    "lag-events": { type: "string", value: "<n>", description: "Alert when this many events behind (default 1000)" },
    "lag-seconds": { type: "string", value: "<n>", description: "Alert when the oldest undelivered event is this old (default 300)" },
    from: { type: "string", value: "<beginning|now>", description: "Deliver the whole chain (default) or only events from now on" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give the sink's name"),
    kind: z.string({ error: "--kind is required (webhook, syslog or otlp)" }),
    endpoint: z.string({ error: "--endpoint is required" }),
    "allow-private": z.boolean().optional(),
    "token-file": z.string().optional(),
    "client-cert": z.string().optional(),
    "client-key": z.string().optional(),
    ca: z.string().optional(),
    facility: z.coerce.number({ error: "--facility must be a number" }).int().min(0).max(23).optional(),
    "batch-size": positiveInt("--batch-size"),
    "lag-events": positiveInt("--lag-events"),
    "lag-seconds": positiveInt("--lag-seconds"),
    from: z.enum(["beginning", "now"], { error: "--from must be beginning or now" }).optional(),
  }),
  async run(options, io) {
    const sink = await addAuditSink(
      {
        name: options._[0],
        kind: options.kind as "webhook",
        endpoint: options.endpoint,
        allowPrivate: options["allow-private"] ?? false,
        token: await readSecretFile(options["token-file"], "--token-file", io),
        clientCert: await readSecretFile(options["client-cert"], "--client-cert", io),
        clientKey: await readSecretFile(options["client-key"], "--client-key", io),
        ca: await readSecretFile(options.ca, "--ca", io),
        facility: options.facility,
        batchSize: options["batch-size"],
        lagAlertEvents: options["lag-events"],
        lagAlertSeconds: options["lag-seconds"],
        from: options.from,
      },
      CLI_CONTEXT,
    );
    if (io.json) io.out(JSON.stringify(sink));
    else io.out(`Added ${sink.kind} sink ${sink.name} → ${sink.endpoint}; delivery starts after event ${sink.cursor} on the running server(s).`);
    return 0;
  },
});
