import { resolve } from "node:path";

/**
 * How to run @modelcontextprotocol/conformance here. It is built for Node 22 and, at load time, imports one Node 22
 * API (`fs.globSync`) that only its `tier-check` command uses; on Node 20 a resolution hook supplies that one name and
 * the `server` command runs unchanged. `CONFORMANCE_NODE` names another Node binary to run it with instead.
 */
export function conformanceNode(): { path: string; args: string[]; version: string } {
  if (process.env.CONFORMANCE_NODE) return { path: process.env.CONFORMANCE_NODE, args: [], version: `${process.env.CONFORMANCE_NODE}` };
  const major = Number(process.versions.node.split(".")[0]);
  const args = major >= 22 ? [] : ["--import", resolve("scripts/conformance/node20-register.mjs")];
  return { path: process.execPath, args, version: process.versions.node };
}
