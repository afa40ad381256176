import type { CallToolResult } from "@modelcontextprotocol/server";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/client";
import { env } from "@/lib/env";
import { asUpstreamFailure, dropUpstream, pooledUpstream } from "@/lib/gateway/upstream-client";
import { upstreamCall } from "@/lib/gateway/upstream-fetch";
import { UpstreamFailure, type UpstreamTarget } from "@/lib/gateway/upstream-target";

export type CallOutcome = { result: CallToolResult } | { failure: UpstreamFailure };
export interface RelayedNotification {
  method: string;
  params?: Record<string, unknown>;
}
export interface UpstreamRequestBack {
  method: string;
  params?: Record<string, unknown>;
}

/** What happens during a call, in order: notifications and requests back from the upstream, then its outcome. */
export type CallEvent =
  | { kind: "notification"; notification: RelayedNotification }
  | { kind: "request"; request: UpstreamRequestBack; answer(result: Record<string, unknown>): void; refuse(error: ProtocolError): void }
  | { kind: "outcome"; outcome: CallOutcome; latencyMs: number };

/** The caller of the current round: where its progress goes and which requests back it can answer. */
export interface CallerChannel {
  progressToken?: string | number;
  /** Server-to-client methods this caller can answer (a 2026-07-28 caller that declared the capability). */
  carries: ReadonlySet<string>;
  /** Says why a request back cannot reach this caller (recorded, then refused to the upstream). */
  refuse(method: string): Promise<string>;
}

/**
 * A tool call in flight to an upstream, as a queue of events: it outlives the caller's HTTP request when the upstream
 * asks something back (the caller answers in its next round, 2026-07-28 multi round-trip), so the queue, not a stack
 * frame, is what the rounds share.
 */
export class UpstreamToolCall {
  private readonly queue: CallEvent[] = [];
  /** The approval request the call runs under (an approval-required tool): its further rounds are not held again. */
  approval?: string;
  private wake?: () => void;
  private ended!: () => void;
  /** Resolves once the outcome is in (queued, maybe not yet taken). */
  readonly settled = new Promise<void>((resolve) => (this.ended = resolve));
  constructor(
    readonly target: UpstreamTarget,
    readonly upstreamName: string,
    readonly args: Record<string, unknown>,
    public channel: CallerChannel,
  ) {}

  push(event: CallEvent): void {
    this.queue.push(event);
    if (event.kind === "outcome") this.ended();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next event, left in the queue. */
  async peek(): Promise<CallEvent> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.queue[0];
  }

  async next(): Promise<CallEvent> {
    await this.peek();
    return this.queue.shift()!;
  }

  /** The requests back already waiting behind the one just taken (an upstream may ask several at once). */
  takeQueuedRequests(): Array<Extract<CallEvent, { kind: "request" }>> {
    const requests = this.queue.filter((e): e is Extract<CallEvent, { kind: "request" }> => e.kind === "request");
    for (const r of requests) this.queue.splice(this.queue.indexOf(r), 1);
    return requests;
  }
}

/**
 * Starts a tool call to an upstream over its pooled session, with Portcullis's credential, bounded by the per-upstream
 * timeout for the whole call (rounds with the caller included). Progress is asked for only when the caller asked
 * (its token is the caller's, swapped in per round); logging and requests back arrive through `upstreamCall`.
 */
export function startUpstreamCall(target: UpstreamTarget, name: string, args: Record<string, unknown>, channel: CallerChannel, onToolsChanged: () => void): UpstreamToolCall {
  const { timeoutMs, maxConcurrent } = env().gateway;
  const call = new UpstreamToolCall(target, name, args, channel);
  const pooled = pooledUpstream(target, onToolsChanged);
  const started = performance.now();
  const finish = (outcome: CallOutcome) => call.push({ kind: "outcome", outcome, latencyMs: Math.round((performance.now() - started) * 10) / 10 });
  if (pooled.inFlight >= maxConcurrent) {
    finish({ failure: new UpstreamFailure("busy", `${target.name} already has ${maxConcurrent} calls in flight (PORTCULLIS_GATEWAY_MAX_CONCURRENT)`) });
    return call;
  }
  pooled.inFlight += 1;
  void (async () => {
    try {
      const client = await pooled.client;
      let fail!: (failure: UpstreamFailure) => void;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => {});
      const context = {
        fail,
        notify: (notification: RelayedNotification) => call.push({ kind: "notification", notification }),
        ask: async (request: UpstreamRequestBack) => {
          // A URL-mode elicitation needs the caller to have declared that mode (MCP 2025-11-25 elicitation).
          const needs = request.method === "elicitation/create" && request.params?.mode === "url" ? "elicitation/create#url" : request.method;
          if (!call.channel.carries.has(needs)) {
            throw new ProtocolError(ProtocolErrorCode.MethodNotFound, await call.channel.refuse(needs));
          }
          return new Promise<Record<string, unknown>>((answer, refuse) => call.push({ kind: "request", request, answer, refuse }));
        },
      };
      const progress = channel.progressToken === undefined ? {} : {
        onprogress: (p: { progress: number; total?: number; message?: string }) => {
          const token = call.channel.progressToken;
          if (token !== undefined) call.push({ kind: "notification", notification: { method: "notifications/progress", params: { ...p, progressToken: token } } });
        },
      };
      const result = (await upstreamCall.run(context, () =>
        Promise.race([client.callTool({ name, arguments: args }, { timeout: timeoutMs, maxTotalTimeout: timeoutMs, ...progress }), failed]),
      )) as CallToolResult;
      finish({ result });
    } catch (error) {
      const failure = asUpstreamFailure(error, target.name);
      // A session that failed this way may be broken: the next call opens a new one.
      if (failure.outcome !== "busy") dropUpstream(target.name);
      finish({ failure });
    } finally {
      pooled.inFlight -= 1;
    }
  })();
  return call;
}
