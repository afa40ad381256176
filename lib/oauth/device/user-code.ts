import { randomInt } from "node:crypto";

/**
 * RFC 8628 §6.1: user codes from 20 consonants (no vowels: no words; no look-alikes), 8 characters ≈ 34.5 bits,
 * shown as XXXX-XXXX and accepted with any case, spaces or dashes. Guessing is further limited by a per-user rate
 * limit and the 10-minute lifetime.
 */
const ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const LENGTH = 8;

export function generateUserCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The stored form of what a user typed, or null when it cannot be a user code. */
export function normalizeUserCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== LENGTH) return null;
  return [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
