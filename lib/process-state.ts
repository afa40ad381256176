/**
 * State that must be one per process. Next.js may load a module more than once (route handlers, server components
 * and server actions are bundled separately, and the server bootstrap loads its own copy), so caches, queues and
 * connections live on globalThis under a well-known key instead of in module scope.
 */
export function processState<T extends object>(key: string, init: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(`portcullis.${key}`);
  return (store[symbol] ??= init()) as T;
}
