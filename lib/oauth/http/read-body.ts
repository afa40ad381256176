import { InvalidRequest, RequestTooLarge } from "@/lib/oauth/errors";

/** Token, revocation, introspection and device requests are a few short parameters; nothing legitimate is near this. */
export const MAX_FORM_BYTES = 16 * 1024;
/** Client metadata for registration: a few redirect URIs and names. */
export const MAX_JSON_BYTES = 32 * 1024;

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidRequest("The request body is not valid UTF-8.");
  }
}

/** Reads at most `maxBytes` of the body, refusing more without buffering it (a declared or an actual excess). */
export async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new RequestTooLarge(`The request body is larger than ${maxBytes} bytes.`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new RequestTooLarge(`The request body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return decodeUtf8(Buffer.concat(chunks));
}

/**
 * An `application/x-www-form-urlencoded` body (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1, RFC 8628 §3.1) as a plain
 * record. RFC 6749 §3.1/§3.2: parameters MUST NOT be repeated, so a repeated one is refused rather than guessed at.
 * Empty values count as absent (RFC 6749 §3.1).
 */
export async function readFormBody(request: Request): Promise<Record<string, string>> {
  checkFormMediaType(request.headers.get("content-type"));
  return singleValuedParameters(new URLSearchParams(await readLimited(request, MAX_FORM_BYTES)));
}

export function checkFormMediaType(contentType: string | null): void {
  if (mediaType(contentType) !== "application/x-www-form-urlencoded") {
    throw new InvalidRequest("The request body must be application/x-www-form-urlencoded.");
  }
}

/** The same as readFormBody, for a body the server has already read (within MAX_FORM_BYTES). */
export function parseFormBody(contentType: string | null, body: Uint8Array): Record<string, string> {
  checkFormMediaType(contentType);
  return singleValuedParameters(new URLSearchParams(decodeUtf8(body)));
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
