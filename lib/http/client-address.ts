import { isIP } from "node:net";

/** Header the Portcullis server sets on every request it forwards to the app; any copy sent by a client is dropped. */
export const CLIENT_IP_HEADER = "x-portcullis-client-ip";
export const REQUEST_ID_HEADER = "x-request-id";

function normalise(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The address a request came from. Only when the socket peer is a configured trusted proxy is X-Forwarded-For
 * believed, and then only up to the first hop that is not itself trusted (walking from the right).
 */
export function resolveClientIp(socketAddress: string | undefined, forwardedFor: string | undefined, trustedProxies: readonly string[]): string | null {
  if (!socketAddress) return null;
  let address = normalise(socketAddress);
  if (!forwardedFor || !trustedProxies.includes(address)) return address;
  const hops = forwardedFor.split(",").map((h) => normalise(h.trim())).filter((h) => isIP(h) !== 0);
  while (hops.length > 0 && trustedProxies.includes(address)) address = hops.pop()!;
  return address;
}

/** Reads the client address the server resolved; null when the app runs without the Portcullis server. */
export function clientIp(headers: Headers): string | null {
  const value = headers.get(CLIENT_IP_HEADER);
  return value && isIP(value) ? value : null;
}

export function requestId(headers: Headers): string | null {
  return headers.get(REQUEST_ID_HEADER);
}
