/**
 * The upstream of `npm run bench:gateway`, in its own process so its CPU is measured apart: the same small v2 SDK server
 * the gateway tests use (test/support/upstreams.ts). Prints READY, then answers "cpu" lines on stdin with its CPU time.
 */
import { createInterface } from "node:readline";
import { startOwnUpstream } from "@/test/support/upstreams";

const port = Number(process.env.BENCH_UPSTREAM_PORT);
await startOwnUpstream(port);
process.stdout.write("READY\n");
createInterface({ input: process.stdin }).on("line", () => {
  const cpu = process.cpuUsage();
  process.stdout.write(`CPU ${cpu.user + cpu.system}\n`);
});
