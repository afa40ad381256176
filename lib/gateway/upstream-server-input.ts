import { z } from "zod";

/** A server's name: the last segment of `/mcp/<name>`, the prefix of its tools and of its scope `server:<name>`. */
export const serverNameSchema = z
  .string()
  .trim()
  .min(1, "name the server")
  .max(63, "use at most 63 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "use lower-case letters, digits and -, starting and ending with a letter or digit");

/**
 * An upstream's Streamable HTTP URL: http(s) only, no userinfo (credentials belong in the sealed auth settings, not in
 * a URL that is shown and logged), no fragment. Private addresses are allowed: that is where internal servers live.
 */
export const upstreamUrlSchema = z
  .string()
  .trim()
  .max(2048, "use at most 2048 characters")
  .refine((value) => URL.canParse(value), "is not a valid URL")
  .refine((value) => /^https?:$/.test(new URL(value).protocol), "must be an http:// or https:// URL")
  .refine((value) => !new URL(value).username && !new URL(value).password, "must not carry a user name or password")
  .refine((value) => !value.includes("#"), "must not have a fragment");

// RFC 9110 §5.1 field names are tokens; values are visible ASCII and spaces/tabs, never CR or LF (header injection).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HEADER_VALUE = /^[\t\x20-\x7E\x80-\xFF]{1,8192}$/;
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "content-type", "accept", "connection", "transfer-encoding", "mcp-session-id", "mcp-protocol-version"]);

/** `Name: value` as typed on the CLI or in the console. */
export function parseHeaderLine(line: string): { name: string; value: string } {
  const index = line.indexOf(":");
  if (index <= 0) throw new z.ZodError([{ code: "custom", path: ["header"], message: 'give the header as "Name: value"', input: line }]);
  return { name: line.slice(0, index).trim(), value: line.slice(index + 1).trim() };
}

export const staticHeaderSchema = z.object({
  name: z
    .string()
    .regex(HEADER_NAME, "is not a valid header name")
    .refine((name) => !FORBIDDEN_HEADERS.has(name.toLowerCase()), "is a header the transport sets itself"),
  value: z.string().regex(HEADER_VALUE, "must be 1-8192 printable characters, without CR or LF"),
});

export const clientCredentialsSchema = z.object({
  tokenUrl: upstreamUrlSchema,
  clientId: z.string().trim().min(1, "give the client id").max(512),
  clientSecret: z.string().min(1, "give the client secret").max(4096).regex(/^[^\r\n]*$/, "must not contain CR or LF"),
  scope: z.string().trim().max(1024).regex(/^[\x21\x23-\x5B\x5D-\x7E ]*$/, "is not a valid OAuth scope string").optional(),
  resource: upstreamUrlSchema.optional(),
});

export const upstreamAuthSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("header"), header: staticHeaderSchema }),
  z.object({ kind: z.literal("client_credentials"), clientCredentials: clientCredentialsSchema }),
]);

export type UpstreamAuthInput = z.input<typeof upstreamAuthSchema>;

export const addUpstreamServerInput = z.object({
  name: serverNameSchema,
  url: upstreamUrlSchema,
  description: z.string().trim().max(500, "use at most 500 characters").default(""),
  auth: upstreamAuthSchema.default({ kind: "none" }),
  acceptAll: z.boolean().default(false),
});

export type AddUpstreamServerInput = z.input<typeof addUpstreamServerInput>;
