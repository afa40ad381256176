import { createHash, randomBytes } from "node:crypto";
import { processState } from "@/lib/process-state";
import type { CallEvent, UpstreamToolCall } from "@/lib/gateway/start-upstream-call";

type RequestEvent = Extract<CallEvent, { kind: "request" }>;

/** Who may resume a parked call: the same user, through the same client, for the same tool and arguments. */
export interface ParkBinding {
  userId: string;
  clientId: string;
  tool: string;
  /** The retry repeats the original request (MRTR): its arguments are the ones decided and forwarded in round one. */
  argumentsDigest: string;
}

export function parkBinding(scope: { caller: { userId: string; clientId: string } }, tool: string, args: unknown): ParkBinding {
  return { userId: scope.caller.userId, clientId: scope.caller.clientId, tool, argumentsDigest: createHash("sha256").update(JSON.stringify(args ?? {})).digest("base64url") };
}

interface Parked {
  call: UpstreamToolCall;
  binding: ParkBinding;
  requests: Map<string, RequestEvent>;
}

const parked = processState("gateway-parked-calls", () => new Map<string, Parked>());

/**
 * Keeps a call whose upstream asked something back until the caller's next round answers it (MCP 2026-07-28 multi
 * round-trip: the caller gets `input_required` and retries with `requestState`). The state is an unguessable handle
 * into this process's memory, bound to the caller; the call's own timeout bounds how long it waits (`onOutcome`).
 */
export function parkUpstreamCall(call: UpstreamToolCall, binding: ParkBinding, requests: Map<string, RequestEvent>): string {
  const state = `pcx_${randomBytes(24).toString("base64url")}`;
  parked.set(state, { call, binding, requests });
  return state;
}

/** The call parked under `state`, if there is one and it is bound to exactly this caller, tool and arguments. */
function parkedFor(state: unknown, binding: ParkBinding): Parked | null {
  if (typeof state !== "string") return null;
  const entry = parked.get(state);
  if (!entry) return null;
  const b = entry.binding;
  if (b.userId !== binding.userId || b.clientId !== binding.clientId || b.tool !== binding.tool || b.argumentsDigest !== binding.argumentsDigest) return null;
  return entry;
}

/** The parked call a retry names, if it exists and belongs to this caller and tool; it is no longer parked after. */
export function resumeUpstreamCall(state: unknown, binding: ParkBinding): Parked | null {
  const entry = parkedFor(state, binding);
  if (entry) parked.delete(state as string);
  return entry;
}

/**
 * The approval request a parked call runs under, if the state names a call parked here for exactly this caller, tool
 * and arguments (the retry has not resumed it yet): that round continues an approved call and is not held again.
 */
export function parkedApproval(state: unknown, binding: ParkBinding): string | undefined {
  return parkedFor(state, binding)?.call.approval;
}

/** Unparks a call nobody came back for (its outcome arrived first); true if it was still parked. */
export function dropParkedCall(state: string): Parked | null {
  const entry = parked.get(state);
  if (!entry) return null;
  parked.delete(state);
  return entry;
}
