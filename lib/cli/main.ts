import { parseArgs } from "node:util";
import type { CliCommand, CliIo } from "@/lib/cli/command";
import { COMMANDS } from "@/lib/cli/commands";
import { ConfigError } from "@/lib/env";
import { describeIssues, isAppError } from "@/lib/errors";
import { startPortcullis } from "@/lib/startup";

const PROGRAM = "npm run portcullis --";
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const io: CliIo = {
  out: (line = "") => process.stdout.write(`${line}\n`),
  err: (line = "") => process.stderr.write(`${line}\n`),
  json: false,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

function mainHelp(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global options:",
    "  --json   Machine-readable output",
    "  --help   Show help (for a command: <command> --help)",
  ];
}

function commandHelp(command: CliCommand): string[] {
  const options = Object.entries(command.options).map(([name, spec]) => [`--${name}${spec.value ? ` ${spec.value}` : ""}`, spec.description]);
  options.push(["--json", "Machine-readable output"], ["--help", "Show this help"]);
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `Usage: ${PROGRAM} ${command.name}${command.positionals ? ` ${command.positionals}` : ""} [options]`,
    "",
    command.summary,
    "",
    "Options:",
    ...options.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
  ];
}

/** The command named by the longest run of leading words. */
function findCommand(argv: string[]): { command?: CliCommand; rest: string[] } {
  const words = argv.filter((a) => !a.startsWith("-"));
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) {
      let removed = 0;
      const rest = argv.filter((a) => (removed < n && !a.startsWith("-") ? (removed++, false) : true));
      return { command, rest };
    }
  }
  return { rest: argv };
}

export async function runCli(argv: string[]): Promise<number> {
  const { command, rest } = findCommand(argv);
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  if (!command) {
    if (argv.length === 0 || (wantsHelp && argv.every((a) => a.startsWith("-")))) {
      mainHelp().forEach((l) => io.out(l));
      return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    io.err(`Unknown command: ${argv.filter((a) => !a.startsWith("-")).join(" ") || argv.join(" ")}`);
    mainHelp().forEach((l) => io.err(l));
    return EXIT_USAGE;
  }
  if (wantsHelp) {
    commandHelp(command).forEach((l) => io.out(l));
    return EXIT_OK;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(Object.entries(command.options).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }])),
        json: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`${command.name}: ${(error as Error).message}`);
    io.err(`Run: ${PROGRAM} ${command.name} --help`);
    return EXIT_USAGE;
  }
  const { json, ...values } = parsed.values as Record<string, unknown>;
  const options = command.schema.safeParse({ ...values, _: parsed.positionals });
  if (!options.success) {
    io.err(`${command.name}: ${describeIssues(options.error.issues)}`);
    io.err(`Run: ${PROGRAM} ${command.name} --help`);
    return EXIT_USAGE;
  }
  io.json = json === true;

  let started: Awaited<ReturnType<typeof startPortcullis>> | undefined;
  try {
    if (command.needsDatabase !== false) started = await startPortcullis("cli");
    return await command.run(options.data, io);
  } catch (error) {
    if (error instanceof ConfigError || isAppError(error)) {
      io.err(`${command.name}: ${error.message}`);
      return EXIT_FAILED;
    }
    io.err(`${command.name}: unexpected error: ${(error as Error)?.message ?? String(error)}`);
    return EXIT_FAILED;
  } finally {
    await started?.stop().catch(() => {});
  }
}

const code = await runCli(process.argv.slice(2));
process.exit(code);
