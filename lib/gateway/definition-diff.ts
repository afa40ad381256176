export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

/**
 * A line diff of two tool definitions as indented, key-sorted JSON: what an admin reads before accepting a held tool
 * (old = the accepted definition, none for a new tool; new = what the upstream now declares). Longest common
 * subsequence; definitions are small.
 */
export function definitionDiff(before: unknown, after: unknown): DiffLine[] {
  const a = before == null ? [] : pretty(before).split("\n");
  const b = pretty(after).split("\n");
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      lines.push({ op: " ", text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) lines.push({ op: "-", text: a[i++] });
    else lines.push({ op: "+", text: b[j++] });
  }
  while (i < n) lines.push({ op: "-", text: a[i++] });
  while (j < m) lines.push({ op: "+", text: b[j++] });
  return lines;
}

function pretty(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
