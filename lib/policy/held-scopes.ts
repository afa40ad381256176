import type { BuiltinScope } from "@/lib/policy/catalog";

/**
 * The scopes a console user holds. `has` takes a built-in scope, so a page or action that names a scope in code cannot
 * misspell it; `hasRuntimeScope` is for a name that only exists at runtime (a custom scope, the scope a tool is
 * configured to require). Iterating yields every held scope, built-in and custom.
 */
export class HeldScopes implements Iterable<string> {
  readonly #names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.#names = new Set(names);
  }

  has(scope: BuiltinScope): boolean {
    return this.#names.has(scope);
  }

  hasRuntimeScope(name: string): boolean {
    return this.#names.has(name);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#names[Symbol.iterator]();
  }
}
