import type { ZodType } from "zod";

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  /** Shown in help, e.g. `<email>`. */
  value?: string;
  /** May be given more than once; parsed as an array. */
  multiple?: boolean;
}

export interface CliCommand<O = Record<string, unknown>> {
  /** Space-separated words, e.g. `users list`. */
  name: string;
  summary: string;
  /** Positional arguments, e.g. `<client-id>`. */
  positionals?: string;
  options: Record<string, OptionSpec>;
  /** Validates the parsed options and positionals (as `_`). */
  schema: ZodType<O>;
  /** Commands that must not touch the database (e.g. printing configuration) set this to false. */
  needsDatabase?: boolean;
  run(options: O, io: CliIo): Promise<number>;
}

export interface CliIo {
  out(line?: string): void;
  err(line?: string): void;
  json: boolean;
  readStdin(): Promise<string>;
}

/** Keeps each command's options typed while the registry holds them all. */
export function defineCommand<O>(command: CliCommand<O>): CliCommand<O> {
  return command;
}

/** Fixed-width table for terminal output. */
export function table(rows: string[][], header: string[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
