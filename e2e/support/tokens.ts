import { spawnSync } from "node:child_process";
import { e2eServerEnv } from "./server";

export interface E2eToken {
  token: string;
  jti: string;
  grantId: string;
  clientId: string;
  userId: string;
}

/**
 * A real access token from the e2e server's built-in issuer (its signing key, its database rows), for a user created
 * through the CLI. Pass `grant` (and `client`) to re-authorize under the same grant with other scopes — a step-up.
 */
export function mintToken(options: { user: string; scopes: string[]; client?: string; clientName?: string; grant?: string; resource?: string }): E2eToken {
  const args = ["e2e/support/mint-token.ts", "--user", options.user, ...options.scopes.flatMap((s) => ["--scope", s])];
  if (options.client) args.push("--client", options.client);
  if (options.clientName) args.push("--client-name", options.clientName);
  if (options.grant) args.push("--grant", options.grant);
  if (options.resource) args.push("--resource", options.resource);
  const result = spawnSync("node_modules/.bin/tsx", args, { encoding: "utf8", env: { ...process.env, ...e2eServerEnv() }, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`minting a token failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as E2eToken;
}
