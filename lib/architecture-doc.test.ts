import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// docs/architecture.md names the files each request passes through; a rename that forgets the page would leave a
// newcomer a map of streets that no longer exist. Every concrete path it names in backticks must exist.

const root = join(__dirname, "..");
const page = readFileSync(join(root, "docs/architecture.md"), "utf8");

/** Backticked repository paths, skipping patterns (`<area>`, `load-*.ts`) that stand for many files. */
function namedPaths(markdown: string): string[] {
  const quoted = [...markdown.matchAll(/`([^`\s]+)`/g)].map(([, text]) => text);
  return [...new Set(quoted.filter((text) => /^(app|components|lib|prisma|scripts|docs|e2e|bench)\/|^[\w.-]+\.(ts|tsx|mjs)$/.test(text) && !/[<>*]/.test(text)))];
}

describe("docs/architecture.md", () => {
  it("names files and folders", () => {
    expect(namedPaths(page).length).toBeGreaterThan(40);
  });

  it("names only paths that exist", () => {
    expect(namedPaths(page).filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });
});
