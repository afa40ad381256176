import { BlockList, isIP } from "node:net";

/**
 * Addresses a server-side fetch must never reach on behalf of an unknown client (SSRF, CIMD draft §6.5): loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified, multicast, reserved and
 * documentation ranges, and their IPv6 counterparts — including every form of IPv6 address that carries an IPv4 one.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  // IPv4-compatible addresses (RFC 4291 §2.5.5.1, deprecated: no public host has one), with :: and ::1 among them.
  ["::", 96],
  // IPv4-translated addresses (RFC 2765 §2.1), used only inside a translator's network.
  ["::ffff:0:0:0", 96],
  // NAT64 local-use prefix (RFC 8215): the operator's own translators, whatever IPv4 address the rest carries.
  ["64:ff9b:1::", 48],
  ["100::", 64],
  // IETF protocol assignments, Teredo (2001::/32) among them.
  ["2001::", 23],
  ["2001:db8::", 32],
  // 6to4 (RFC 3056) reaches whatever IPv4 address it embeds, a private one included.
  ["2002::", 16],
  ["3fff::", 20],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** The eight 16-bit groups of an address `isIP` has already accepted as IPv6. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = text.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16));
}

/**
 * The IPv4 address a connection to this IPv6 address ends up at, however it is written (`::ffff:127.0.0.1`,
 * `::ffff:7f00:1`, `64:ff9b::7f00:1`): IPv4-mapped addresses (RFC 4291 §2.5.5.2) and the NAT64 well-known prefix
 * 64:ff9b::/96 (RFC 6052). The other embedding forms are refused whole by the list above.
 */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return null;
  return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
}

/** True for any address that is not a public unicast address. Anything unparseable counts as private (fail closed). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== null) return blocked.check(v4, "ipv4");
    return blocked.check(bare, "ipv6");
  }
  return true;
}
