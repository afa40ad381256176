"use client";

import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { ImpactSummaryView } from "@/components/impact/impact-summary-view";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { cancelImpactPreviewAction } from "@/lib/actions/impact/cancel-impact-preview";
import type { ActionResult } from "@/lib/console/action-result";
import type { PolicyChange } from "@/lib/impact/policy-change";
import type { ImpactSummary } from "@/lib/impact/preview-policy-change";

type Action = (previous: ActionResult | null, form: FormData) => Promise<ActionResult>;
type Phase =
  | { kind: "edit" }
  | { kind: "running"; fraction: number; replayed: number }
  | { kind: "preview"; summary: ImpactSummary }
  | { kind: "error"; message: string };

const WINDOWS = [1, 7, 14, 30, 90];

/**
 * A policy form whose submit first shows the change's impact (DESIGN §12): the fields are sent to /impact/preview, the
 * replay's progress streams in, and the admin then saves (the server action runs, with the preview's id so the save
 * is recorded as "saw N flips and saved") or cancels (recorded too). `impact` turns the form's fields into the change.
 */
export function PreviewedActionForm({
  action,
  impact,
  children,
  className,
  "aria-label": ariaLabel,
  onResult,
  notices = true,
}: {
  action: Action;
  impact: (form: FormData) => PolicyChange;
  children: React.ReactNode | ((pending: boolean) => React.ReactNode);
  className?: string;
  "aria-label"?: string;
  /** Told the save's outcome, for a page that shows it elsewhere (then `notices` is false). */
  onResult?: (result: ActionResult) => void;
  notices?: boolean;
}) {
  const [state, dispatch, pending] = useActionState<ActionResult | null, FormData>(action, null);
  const [cancelled, cancelDispatch] = useActionState<ActionResult | null, FormData>(cancelImpactPreviewAction, null);
  const [phase, setPhase] = useState<Phase>({ kind: "edit" });
  const [windowDays, setWindowDays] = useState(14);
  const submitted = useRef<FormData | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run(data: FormData, days: number) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: "running", fraction: 0, replayed: 0 });
    try {
      const response = await fetch("/impact/preview", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ change: impact(data), windowDays: days }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { message?: string } | null;
        setPhase({ kind: "error", message: body?.message ?? `The preview failed (HTTP ${response.status}).` });
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let newline;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = JSON.parse(buffer.slice(0, newline)) as { type: string; fraction?: number; replayed?: number; summary?: ImpactSummary; message?: string };
          buffer = buffer.slice(newline + 1);
          if (line.type === "progress") setPhase({ kind: "running", fraction: line.fraction ?? 0, replayed: line.replayed ?? 0 });
          else if (line.type === "result" && line.summary) setPhase({ kind: "preview", summary: line.summary });
          else if (line.type === "error") setPhase({ kind: "error", message: line.message ?? "The preview failed." });
        }
      }
    } catch (error) {
      if ((error as Error).name !== "AbortError") setPhase({ kind: "error", message: "The preview could not be completed. Try again." });
    }
  }

  function finish(decision: "save" | "cancel") {
    const data = submitted.current;
    if (!data || phase.kind !== "preview") return;
    const preview = new FormData();
    preview.set("impactPreview", phase.summary.previewSeq);
    if (decision === "save") {
      data.set("impactPreview", phase.summary.previewSeq);
      startTransition(() => dispatch(data));
    } else {
      startTransition(() => cancelDispatch(preview));
    }
    setPhase({ kind: "edit" });
  }

  useEffect(() => {
    if (state) onResult?.(state);
  }, [state, onResult]);

  const locked = phase.kind === "running" || phase.kind === "preview" || pending;
  return (
    <form
      // The server action stays the form's action: without JavaScript the form still saves (the action checks the
      // actor's scope as always, with no preview recorded); with it, the submit is taken over for the preview first,
      // and React runs no action for a submit whose default was prevented.
      action={dispatch}
      aria-label={ariaLabel}
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
        submitted.current = data;
        void run(data, windowDays);
      }}
    >
      {notices && state && !state.ok ? <div className="mb-3"><Notice tone="error">{state.error}</Notice></div> : null}
      {notices && state?.ok && state.message && phase.kind === "edit" ? <div className="mb-3"><Notice tone="success">{state.message}</Notice></div> : null}
      {cancelled?.ok && cancelled.message && phase.kind === "edit" && !state ? <div className="mb-3"><Notice tone="info">{cancelled.message}</Notice></div> : null}
      <fieldset disabled={locked} className="contents">
        {typeof children === "function" ? children(pending) : children}
      </fieldset>
      {phase.kind === "running" ? (
        <div className="mt-3 space-y-1" role="status" data-testid="impact-progress">
          <progress className="w-full" max={1} value={phase.fraction} aria-label="Replay progress" />
          <p className="text-xs text-slate-600">Replaying recorded calls… {phase.replayed.toLocaleString("en")} so far ({Math.round(phase.fraction * 100)}%).</p>
          <Button type="button" variant="secondary" onClick={() => { abort.current?.abort(); setPhase({ kind: "edit" }); }}>Stop</Button>
        </div>
      ) : null}
      {phase.kind === "error" ? (
        <div className="mt-3 space-y-2" data-testid="impact-error">
          <Notice tone="error">{phase.message}</Notice>
          <Button type="button" variant="secondary" onClick={() => setPhase({ kind: "edit" })}>Back</Button>
        </div>
      ) : null}
      {phase.kind === "preview" ? (
        <div className="mt-3 min-w-96 space-y-3 rounded-md border border-amber-200 bg-amber-50/40 p-3 text-left" role="region" aria-label="Impact preview">
          <label className="flex items-center gap-1 text-xs text-slate-600">
            Replay the last
            <select
              aria-label="Preview window"
              className="rounded border border-slate-300 px-1 py-0.5"
              value={windowDays}
              onChange={(event) => {
                const days = Number(event.target.value);
                setWindowDays(days);
                if (submitted.current) void run(submitted.current, days);
              }}
            >
              {WINDOWS.map((d) => (
                <option key={d} value={d}>{d}</option>
              ))}
            </select>
            days of recorded calls
          </label>
          <ImpactSummaryView summary={phase.summary} />
          <div className="flex gap-2">
            <Button type="button" onClick={() => finish("save")} disabled={!phase.summary.changed}>Save</Button>
            <Button type="button" variant="secondary" onClick={() => finish("cancel")}>Cancel</Button>
          </div>
        </div>
      ) : null}
    </form>
  );
}
