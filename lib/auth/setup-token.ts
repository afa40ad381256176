import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { env } from "@/lib/env";
import { processState } from "@/lib/process-state";

/**
 * The one-time token that opens first-run setup when Portcullis listens beyond this machine. On loopback only the
 * person at the machine can reach /setup first; on any other address (0.0.0.0, a LAN or public IP, a host name) anyone
 * who finds the page first would own the deployment, so setup also needs the token printed on the server's console.
 * Only its hash is kept, in the server process's memory: a restart prints a new one; a successful setup spends it.
 */
const state = processState("setup-token", () => ({ hash: null as Buffer | null }));

/** 127.0.0.0/8, ::1 (with or without brackets, or IPv4-mapped) and `localhost`. Anything else counts as reachable. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  const v4 = bare.startsWith("::ffff:") && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return isIP(bare) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(bare);
}

/** Whether first-run setup needs the console token: Portcullis listens on a non-loopback address. */
export function setupTokenRequired(): boolean {
  return !isLoopbackHost(env().host);
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Makes a fresh token (256 random bits) and keeps its hash; the caller prints it, once, on the console. */
export function issueSetupToken(): string {
  const token = `pcsetup_${randomBytes(32).toString("base64url")}`;
  state.hash = digest(token);
  return token;
}

/** Compares in constant time (hashes of equal length). False when no token is outstanding (none issued, or spent). */
export function setupTokenMatches(presented: unknown): boolean {
  if (!state.hash || typeof presented !== "string" || presented.length === 0 || presented.length > 256) return false;
  return timingSafeEqual(digest(presented.trim()), state.hash);
}

/** After a successful setup: the token opens nothing any more. */
export function spendSetupToken(): void {
  state.hash = null;
}

/** What the server prints at start when setup is open and needs a token: the token itself, on one console line. */
export function setupTokenNotice(issuer: string): string {
  return `First-run setup: open ${issuer}/setup and enter this one-time setup token: ${issueSetupToken()}\n`;
}
