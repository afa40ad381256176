/**
 * Call-time governance scenarios of `npm run bench:mcp` (DESIGN §11), run after the /mcp levels against the same bench
 * server, in alternating one-second slices like the rest:
 *   1. the same tool called by a user whose role reaches it through a CEL condition, against a user without one —
 *      server CPU per call and its difference (goal: the condition adds < 50 µs);
 *   2. POST /access/v1/evaluation (AuthZEN) asking for the decision of the plain user's call, against that /mcp call
 *      itself — throughput ratio and p99 (goal: ≥ 0.85 × /mcp).
 * BENCH_GOVERNANCE=0 skips them.
 */

export interface GovernanceReady {
  guardedTokens: Array<{ token: string; grantId: string }>;
  pdpToken: string;
  evaluation: Record<string, unknown>;
}

interface Slice {
  calls: number;
  failed: number;
  latencies: number[];
  seconds: number;
  cpuMicros: number;
}

type Send = () => Promise<boolean>;

const MCP_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runGovernanceScenarios(options: {
  base: string;
  tool: string;
  tokens: Array<{ token: string }>;
  governance: GovernanceReady;
  seconds: number;
  concurrency: number;
  say: (line?: string) => void;
}): Promise<Record<string, unknown>> {
  const { base, say, concurrency } = options;
  const cpu = async () => ((await (await fetch(`${base}/control/cpu`, { method: "POST" })).json()) as { micros: number }).micros;
  const mcpCall = (token: string): Send => async () => {
    const response = await fetch(`${base}/mcp`, { method: "POST", headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: options.tool, arguments: {} } }) });
    const body = (await response.json()) as { result?: { isError?: boolean } };
    return response.status === 200 && body.result !== undefined && !body.result.isError;
  };
  const evaluation = JSON.stringify(options.governance.evaluation);
  const evaluate: Send = async () => {
    const response = await fetch(`${base}/access/v1/evaluation`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${options.governance.pdpToken}` }, body: evaluation });
    return response.status === 200 && ((await response.json()) as { decision?: boolean }).decision === true;
  };

  // Every allowed answer here (/mcp and AuthZEN alike) is a decision.allow event: counted for the run's cross-check.
  let answeredAllowed = 0;
  const slice = async (senders: Send[], seconds: number): Promise<Slice> => {
    const before = await cpu();
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const send = senders[worker % senders.length];
        while (performance.now() < until) {
          const t = performance.now();
          if (await send()) latencies.push(performance.now() - t);
          else failed += 1;
        }
      }),
    );
    answeredAllowed += latencies.length;
    return { calls: latencies.length, failed, latencies, seconds: (performance.now() - started) / 1000, cpuMicros: (await cpu()) - before };
  };
  const summary = (slices: Slice[]) => {
    const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
    const calls = slices.reduce((n, s) => n + s.calls, 0);
    return {
      calls,
      failed: slices.reduce((n, s) => n + s.failed, 0),
      throughput: calls / slices.reduce((n, s) => n + s.seconds, 0),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuPerCall: slices.reduce((n, s) => n + s.cpuMicros, 0) / calls,
    };
  };
  /** a, b, b, a, …: neither side always runs first after a pause. */
  const alternate = async (a: Send[], b: Send[]) => {
    const sa: Slice[] = [];
    const sb: Slice[] = [];
    await slice(a, 1);
    await slice(b, 1);
    for (let i = 0; i < options.seconds; i++) {
      if (i % 2 === 0) {
        sa.push(await slice(a, 1));
        sb.push(await slice(b, 1));
      } else {
        sb.push(await slice(b, 1));
        sa.push(await slice(a, 1));
      }
    }
    return { a: summary(sa), b: summary(sb) };
  };
  const row = (label: string, s: ReturnType<typeof summary>) =>
    `${label.padEnd(34)} ${s.throughput.toFixed(0).padStart(7)} calls/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms   server CPU ${s.cpuPerCall.toFixed(0).padStart(4)} µs/call   (${s.calls} calls, ${s.failed} failed)`;

  const plain = options.tokens.map((t) => mcpCall(t.token));
  const guarded = options.governance.guardedTokens.map((t) => mcpCall(t.token));
  say();
  say(`call-time governance, ${concurrency} calls in flight:`);
  const condition = await alternate(plain, guarded);
  say(row("/mcp, no condition", condition.a));
  say(row("/mcp, guarded by a CEL condition", condition.b));
  const added = condition.b.cpuPerCall - condition.a.cpuPerCall;
  say(`  condition: +${added.toFixed(0)} µs server CPU per call   (goal < 50 µs: ${added < 50 ? "met" : "NOT met"}); throughput ratio ${(condition.b.throughput / condition.a.throughput).toFixed(3)}`);

  const pdp = await alternate(plain, [evaluate]);
  say(row("/mcp (the call itself)", pdp.a));
  say(row("POST /access/v1/evaluation", pdp.b));
  const ratio = pdp.b.throughput / pdp.a.throughput;
  say(`  evaluation/mcp throughput: ${ratio.toFixed(3)}   (goal ≥ 0.85: ${ratio >= 0.85 ? "met" : "NOT met"}); p99 ${pdp.b.p99.toFixed(2)} ms against ${pdp.a.p99.toFixed(2)} ms`);
  return { answeredAllowed, condition: { plain: condition.a, guarded: condition.b, addedCpuMicros: added }, evaluation: { mcp: pdp.a, evaluation: pdp.b, ratio } };
}
