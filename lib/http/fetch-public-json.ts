import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress } from "@/lib/clients/is-private-address";

/** Why a document on another site could not be used. The message is safe to show. */
export class PublicFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublicFetchError";
  }
}

export interface PublicJsonOptions {
  /** Development only: allow private, loopback and link-local addresses. */
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** How messages name the document ("client metadata document", "jwks_uri document") and its URL ("client_id URL"). */
  labels: { document: string; url: string; host: string };
}

export interface PublicJson {
  body: Record<string, unknown>;
  cacheControl: string | undefined;
  expires: string | undefined;
}

/** Resolves a host name and refuses it when any address it resolves to is private: the connection uses what this returns. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as LookupAddress[];
      const blocked = list.find((a) => isPrivateAddress(a.address));
      if (!allowPrivate && blocked) return callback(new PublicFetchError(`resolves to a private address (${blocked.address})`), "", 0);
      if (list.length === 0) return callback(new PublicFetchError("does not resolve"), "", 0);
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily); otherwise for one.
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * The one outbound fetcher for documents another party names (client metadata documents, JWK sets): https only, no
 * redirects, a deadline over the whole exchange, a size cap, JSON objects only, and — unless `allowPrivate` — never a
 * private, loopback or link-local address. The address check runs inside the connection's own DNS lookup, so a name
 * that resolves differently a second time (DNS rebinding) cannot slip past it.
 */
export async function fetchPublicJson(target: string, options: PublicJsonOptions): Promise<PublicJson> {
  const { labels } = options;
  if (!URL.canParse(target)) throw new PublicFetchError(`${labels.url} is not a URL`);
  const url = new URL(target);
  if (url.protocol !== "https:") throw new PublicFetchError(`${labels.url} must use https`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !options.allowPrivate && isPrivateAddress(host)) {
    throw new PublicFetchError(`${labels.url} points to a private address (${host})`);
  }
  const tooSlow = `${labels.document} took longer than ${options.timeoutMs / 1000} s`;
  return new Promise<PublicJson>((resolve, reject) => {
    const fail = (message: string) => reject(new PublicFetchError(message));
    const req = request(
      url,
      {
        method: "GET",
        headers: { Accept: "application/json", "User-Agent": "Portcullis (document fetcher)" },
        lookup: guardedLookup(options.allowPrivate),
        timeout: options.timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          return fail(`${labels.document} answered with a redirect (${status}); redirects are not followed`);
        }
        if (status !== 200) {
          res.destroy();
          return fail(`${labels.document} answered with HTTP ${status}`);
        }
        const type = (res.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
        if (type !== "application/json" && !/^application\/[\w.+-]+\+json$/.test(type)) {
          res.destroy();
          return fail(`${labels.document} has content type ${type || "(none)"}, not JSON`);
        }
        if (Number(res.headers["content-length"] ?? 0) > options.maxBytes) {
          res.destroy();
          return fail(`${labels.document} is larger than ${options.maxBytes} bytes`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            res.destroy();
            fail(`${labels.document} is larger than ${options.maxBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", () => fail(`${labels.document} could not be read`));
        res.on("end", () => {
          if (size > options.maxBytes) return;
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            return fail(`${labels.document} is not valid JSON`);
          }
          if (typeof body !== "object" || body === null || Array.isArray(body)) return fail(`${labels.document} is not a JSON object`);
          const cacheControl = res.headers["cache-control"];
          resolve({ body: body as Record<string, unknown>, cacheControl, expires: res.headers.expires });
        });
      },
    );
    // The socket timeout covers idle time; this covers the whole exchange.
    const deadline = setTimeout(() => req.destroy(new PublicFetchError(tooSlow)), options.timeoutMs);
    req.on("timeout", () => req.destroy(new PublicFetchError(tooSlow)));
    req.on("error", (error) => {
      if (error instanceof PublicFetchError) reject(new PublicFetchError(error.message === tooSlow ? tooSlow : `${labels.host} ${error.message}`));
      else fail(`${labels.document} could not be fetched (${(error as NodeJS.ErrnoException).code ?? error.message})`);
    });
    req.on("close", () => clearTimeout(deadline));
    req.end();
  });
}
