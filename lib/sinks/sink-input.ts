import { createPrivateKey, X509Certificate } from "node:crypto";
import { z } from "zod";

export const SINK_KINDS = ["webhook", "syslog", "otlp"] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const pem = (label: string) =>
  z
    .string()
    .trim()
    .max(64 * 1024, `${label} is larger than 64 KiB`)
    .refine((v) => v.includes("-----BEGIN "), `${label} must be PEM text (-----BEGIN …)`);

/** What an admin gives to add a sink (console form, CLI flags). Secrets are sealed before anything is stored. */
export const sinkInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, "name: letters, digits, dot, dash or underscore, at most 63 characters"),
    kind: z.enum(SINK_KINDS, { error: "kind must be webhook, syslog or otlp" }),
    endpoint: z.string().trim().min(1, "endpoint is required").max(2000, "endpoint is longer than 2000 characters"),
    allowPrivate: z.boolean().default(false),
    token: z.string().trim().min(1).max(4096).optional(),
    clientCert: pem("client certificate").optional(),
    clientKey: pem("client key").optional(),
    ca: pem("CA certificate").optional(),
    facility: z.number().int().min(0).max(23).default(13),
    batchSize: z.number().int().min(1).max(5000).default(200),
    lagAlertEvents: z.number().int().min(1).max(1_000_000_000).default(1000),
    lagAlertSeconds: z.number().int().min(1).max(30 * 86_400).default(300),
    /** Deliver the whole chain (the default), or only events appended from now on. */
    from: z.enum(["beginning", "now"]).default("beginning"),
  })
  .refine((s) => Boolean(s.clientCert) === Boolean(s.clientKey), { message: "give a client certificate and its key together", path: ["clientKey"] })
  .refine((s) => !s.token || s.kind !== "syslog", { message: "a syslog sink has no token (use a client certificate over tls://)", path: ["token"] })
  .superRefine((s, ctx) => {
    if (s.clientKey) {
      try {
        createPrivateKey(s.clientKey);
      } catch {
        ctx.addIssue({ code: "custom", path: ["clientKey"], message: "client key is not a readable PEM private key" });
      }
    }
    for (const [field, value] of [["clientCert", s.clientCert], ["ca", s.ca]] as const) {
      if (!value) continue;
      try {
        new X509Certificate(value);
      } catch {
        ctx.addIssue({ code: "custom", path: [field], message: `${field === "ca" ? "CA certificate" : "client certificate"} is not a readable PEM certificate` });
      }
    }
  });

export type SinkInput = z.input<typeof sinkInputSchema>;
export type ParsedSinkInput = z.output<typeof sinkInputSchema>;

export interface SinkTarget {
  /** https: / http: (webhook, otlp) or tcp: / tls: (syslog). */
  protocol: "https:" | "http:" | "tcp:" | "tls:";
  host: string;
  port: number;
  url?: URL;
  loopback: boolean;
}

/**
 * Where a sink delivers, or why it may not: URLs must be https (http only to this machine), carry no credentials or
 * fragment; syslog is tcp://host:port or tls://host:port, and clear-text tcp only to this machine or, with the private
 * allowance, a private network — audit events never cross a public network in clear.
 */
export function parseSinkEndpoint(kind: SinkKind, endpoint: string, allowPrivate: boolean): SinkTarget {
  if (!URL.canParse(endpoint)) throw new Error(`endpoint ${endpoint} is not a URL`);
  const url = new URL(endpoint);
  if (url.username || url.password) throw new Error("endpoint must not contain a user name or password (give a token instead)");
  if (url.hash) throw new Error("endpoint must not contain a fragment");
  const host = url.hostname;
  const loopback = LOOPBACK_HOSTS.test(host);
  if (kind === "syslog") {
    if (url.protocol !== "tcp:" && url.protocol !== "tls:") throw new Error("a syslog endpoint is tcp://host:port or tls://host:port");
    if (!url.port) throw new Error("a syslog endpoint needs a port (tcp://host:514, tls://host:6514)");
    if ((url.pathname && url.pathname !== "/") || url.search) throw new Error("a syslog endpoint is only tcp://host:port or tls://host:port");
    if (url.protocol === "tcp:" && !loopback && !allowPrivate) {
      throw new Error("clear-text tcp:// syslog is allowed only to localhost or, with --allow-private, a private network; use tls://");
    }
    return { protocol: url.protocol, host, port: Number(url.port), loopback };
  }
  if (url.protocol === "http:" && !loopback) throw new Error(`endpoint must use https (http is allowed only for localhost): ${url.origin}`);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("endpoint must be an https URL");
  return { protocol: url.protocol, host, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)), url, loopback };
}
