// Module resolution hook (node:module register): the conformance suite's `fs` imports resolve to the shim beside this
// file; everything else resolves as usual.
const shim = new URL("./fs-glob-sync-shim.mjs", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL?.includes("/@modelcontextprotocol/conformance/")) {
    return { url: shim, shortCircuit: true };
  }
  return next(specifier, context);
}
