import { isIP } from "node:net";

/**
 * The key every per-address limit counts by: an IPv4 address as itself (/32), an IPv6 address by its /64 — one
 * subscriber's allocation, from which a single host can draw 2⁶⁴ source addresses — and an IPv4-mapped IPv6 address
 * as the IPv4 address it is. Without an address (the app not behind server.ts) every request shares one bucket.
 */
export function addressBucket(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  const address = ip.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(address) === 4) return address;
  if (isIP(address) !== 6) return "unknown";
  const hextets = expandIpv6(address);
  if (hextets[0] === 0 && hextets[1] === 0 && hextets[2] === 0 && hextets[3] === 0 && hextets[4] === 0 && hextets[5] === 0xffff) {
    return `${hextets[6] >> 8}.${hextets[6] & 0xff}.${hextets[7] >> 8}.${hextets[7] & 0xff}`;
  }
  const network = [...hextets.slice(0, 4), 0, 0, 0, 0].map((h) => h.toString(16)).join(":");
  // The URL parser prints an IPv6 address in its one canonical compressed form (RFC 5952).
  return `${new URL(`http://[${network}]/`).hostname.slice(1, -1)}/64`;
}

/** The eight 16-bit groups of an IPv6 address (any spelling, with or without an embedded IPv4 tail). */
function expandIpv6(address: string): number[] {
  let text = address;
  const v4 = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((h) => parseInt(h, 16));
}
