/** The part of an absolute URI after its authority (path and query), exactly as written. */
function afterAuthority(raw: string): string | null {
  const match = raw.match(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)$/i);
  return match ? match[1] : null;
}

/**
 * RFC 8707 §2 resource indicators compared as URIs: absolute, no fragment, no userinfo; scheme, host and port compared
 * as parsed (MCP 2025-11-25 §Canonical Server URI asks servers to accept uppercase there), path and query exactly —
 * so `…/mcp/` or `…/mcp?x` is another resource.
 */
export function matchesResource(value: string, resource: string): boolean {
  // Our own resource exactly as we write it (the usual token request): the answer is the resource's own, worked out once.
  if (value === resource) {
    let valid = resourcesMatchingThemselves.get(resource);
    if (valid === undefined) {
      valid = compareResources(resource, resource);
      if (resourcesMatchingThemselves.size < 10_000) resourcesMatchingThemselves.set(resource, valid);
    }
    return valid;
  }
  return compareResources(value, resource);
}

// Resources are this deployment's own (`/mcp` and the registered servers'), so this stays small.
const resourcesMatchingThemselves = new Map<string, boolean>();

function compareResources(value: string, resource: string): boolean {
  if (!URL.canParse(value)) return false;
  const given = new URL(value);
  const ours = new URL(resource);
  if (given.username || given.password) return false;
  const path = afterAuthority(value);
  return path !== null && given.protocol === ours.protocol && given.host === ours.host && path === afterAuthority(resource);
}
