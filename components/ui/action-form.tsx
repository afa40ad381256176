"use client";

import { startTransition, useActionState } from "react";
import { Notice } from "@/components/ui/notice";
import type { ActionResult } from "@/lib/console/action-result";

type Action = (previous: ActionResult | null, form: FormData) => Promise<ActionResult>;

/**
 * A form bound to a server action that answers with an ActionResult; shows the outcome above the fields.
 * `confirm` asks before submitting (destructive actions); as a function it words the question from what is submitted.
 */
export function ActionForm({
  action,
  children,
  className,
  confirm,
  resetOnSuccess = false,
  id,
  "aria-label": ariaLabel,
}: {
  action: Action;
  children: React.ReactNode | ((pending: boolean) => React.ReactNode);
  className?: string;
  confirm?: string | ((form: FormData) => string | null);
  resetOnSuccess?: boolean;
  /** Lets controls elsewhere (e.g. in other table cells) join the form through their `form` attribute. */
  id?: string;
  "aria-label"?: string;
}) {
  // The server action itself (not a wrapper) so the form works before hydration too (progressive enhancement).
  const [state, dispatch, pending] = useActionState<ActionResult | null, FormData>(action, null);
  return (
    <form
      id={id}
      aria-label={ariaLabel}
      action={dispatch}
      className={className}
      onSubmit={(event) => {
        // Dispatched by hand rather than through `action`: React resets a form after an action it ran, which would
        // wipe what the user typed whenever the server answers with an error. On success, resetOnSuccess remounts.
        event.preventDefault();
        const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
        const question = typeof confirm === "function" ? confirm(data) : confirm;
        if (question && !window.confirm(question)) return;
        startTransition(() => dispatch(data));
      }}
      key={resetOnSuccess && state?.ok ? state.message : undefined}
    >
      {state && !state.ok ? (
        <div className="mb-3">
          <Notice tone="error">{state.error}</Notice>
        </div>
      ) : null}
      {state?.ok && state.message ? (
        <div className="mb-3">
          <Notice tone="success">{state.message}</Notice>
        </div>
      ) : null}
      {typeof children === "function" ? children(pending) : children}
    </form>
  );
}
