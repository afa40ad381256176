import { InvalidRequest, RequestTooLarge } from "@/lib/oauth/errors";

/** Token, revocation, introspection and device requests are a few short parameters; nothing legitimate is near this. */
export const MAX_FORM_BYTES = 16 * 1024;
/** Client metadata for registration: a few redirect URIs and names. */
export const MAX_JSON_BYTES = 32 * 1024;

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

// Stateless between calls (no `stream` option), so one decoder serves every request.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InvalidRequest("The request body is not valid UTF-8.");
  }
}

/** Reads at most `maxBytes` of the body, refusing more without buffering it (a declared or an actual excess). */
export async function readLimited(request: Request, maxBytes: number): Promise<string> {
  return decodeUtf8(await readBodyWithin(request.body, request.headers.get("content-length"), maxBytes));
}

/**
 * The body's bytes as they arrive, from a web stream or a Node request alike, at most `maxBytes`: a larger declared
 * Content-Length is refused before anything is read, and a body that grows past the limit as soon as it does (leaving
 * the loop cancels a web stream; the Portcullis server discards what is left of a Node request).
 */
export async function readBodyWithin(chunks: AsyncIterable<Uint8Array> | null, declaredLength: string | null | undefined, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(declaredLength ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new RequestTooLarge(`The request body is larger than ${maxBytes} bytes.`);
  }
  if (!chunks) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new RequestTooLarge(`The request body is larger than ${maxBytes} bytes.`);
    parts.push(chunk);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * An `application/x-www-form-urlencoded` body (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1, RFC 8628 §3.1) as a plain
 * record. RFC 6749 §3.1/§3.2: parameters MUST NOT be repeated, so a repeated one is refused rather than guessed at.
 * Empty values count as absent (RFC 6749 §3.1).
 */
export async function readFormBody(request: Request): Promise<Record<string, string>> {
  return readForm(request.headers, request.body);
}

/** readFormBody over the parts of a request, whichever server received it. */
export async function readForm(headers: Headers, body: AsyncIterable<Uint8Array> | null): Promise<Record<string, string>> {
  if (mediaType(headers.get("content-type")) !== "application/x-www-form-urlencoded") {
    throw new InvalidRequest("The request body must be application/x-www-form-urlencoded.");
  }
  const bytes = await readBodyWithin(body, headers.get("content-length"), MAX_FORM_BYTES);
  return singleValuedParameters(new URLSearchParams(decodeUtf8(bytes)));
}

/** Parameters as a record; refuses any that is repeated (RFC 6749 §3.1). Empty values are treated as omitted. */
export function singleValuedParameters(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (seen.has(key)) throw new InvalidRequest(`The ${key} parameter is repeated.`);
    seen.add(key);
    if (value !== "") out[key] = value;
  }
  return out;
}

/** A JSON object body (RFC 7591 §3.1). */
export async function readJsonObjectBody(request: Request): Promise<Record<string, unknown>> {
  if (mediaType(request.headers.get("content-type")) !== "application/json") {
    throw new InvalidRequest("The request body must be application/json.");
  }
  const text = await readLimited(request, MAX_JSON_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequest("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidRequest("The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
