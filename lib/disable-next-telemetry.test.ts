import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { disableNextTelemetry, NEXT_TELEMETRY_OFF } from "@/lib/disable-next-telemetry";

const NEXT = join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const configHomes: string[] = [];

/** `next telemetry status` as a first run on a fresh machine would see it (no stored opt-out anywhere). */
function telemetryStatus(env: Record<string, string | undefined>): string {
  const home = mkdtempSync(join(tmpdir(), "portcullis-next-config-"));
  configHomes.push(home);
  const { NEXT_TELEMETRY_DISABLED: _inherited, CI: _ci, ...rest } = process.env;
  const result = spawnSync(process.execPath, [NEXT, "telemetry", "status"], {
    // In a container Next keeps its settings under the working directory: a scratch one, like the rest.
    cwd: home,
    env: { ...rest, HOME: home, XDG_CONFIG_HOME: home, ...env },
    encoding: "utf8",
  });
  return `${result.stdout}${result.stderr}`;
}

afterEach(() => {
  for (const home of configHomes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe("Next.js telemetry", () => {
  it("is on for a bare Next.js first run, and off in the environment Portcullis gives next build", () => {
    expect(telemetryStatus({})).toMatch(/Status: Enabled/);
    const off = telemetryStatus(NEXT_TELEMETRY_OFF);
    expect(off).toMatch(/Status: Disabled/);
    expect(off).not.toMatch(/collects completely anonymous telemetry/);
  });

  it("is off in the server process once Portcullis starts, before the Next.js app is created", async () => {
    const before = { disabled: process.env.NEXT_TELEMETRY_DISABLED, configHome: process.env.XDG_CONFIG_HOME };
    const distDir = mkdtempSync(join(tmpdir(), "portcullis-next-dist-"));
    configHomes.push(distDir);
    delete process.env.NEXT_TELEMETRY_DISABLED;
    // Next's settings file goes to a scratch directory, not this machine's.
    process.env.XDG_CONFIG_HOME = distDir;
    try {
      disableNextTelemetry();
      const { Telemetry } = await import("next/dist/telemetry/storage.js");
      const telemetry = new Telemetry({ distDir });
      expect(telemetry.isEnabled).toBe(false);
    } finally {
      for (const [name, value] of [["NEXT_TELEMETRY_DISABLED", before.disabled], ["XDG_CONFIG_HOME", before.configHome]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
