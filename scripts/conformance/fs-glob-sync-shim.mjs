// `node:fs` as @modelcontextprotocol/conformance sees it on Node 20: the module itself, plus `globSync` (Node 22),
// which the suite imports at load time but calls only for `tier-check`, never for `server`.
import fs from "node:fs";

export * from "node:fs";
export default fs;
export const globSync =
  fs.globSync ??
  (() => {
    throw new Error("fs.globSync needs Node 22: run the conformance suite's tier-check on Node 22");
  });
