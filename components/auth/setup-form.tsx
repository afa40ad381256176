"use client";

import { startTransition, useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { setupAction } from "@/lib/actions/auth/setup";
import type { ActionResult } from "@/lib/console/action-result";

export function SetupForm({ needsToken }: { needsToken: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(setupAction, null);
  return (
    <form
      action={action}
      className="space-y-4"
      onSubmit={(event) => {
        // Dispatched by hand: React resets a form after an action it ran, which would wipe what was typed whenever the
        // server refuses it (passwords that do not match). Without JavaScript, `action` still posts the form.
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
    >
      {state && !state.ok ? <Notice tone="error">{state.error}</Notice> : null}
      {needsToken ? (
        <Field label="Setup token" hint="Printed on the Portcullis server's console when it started.">
          <Input name="setupToken" required autoComplete="off" spellCheck={false} autoFocus />
        </Field>
      ) : null}
      <Field label="Your name">
        <Input name="name" required maxLength={120} autoComplete="name" autoFocus={!needsToken} />
      </Field>
      <Field label="Email">
        <Input name="email" type="email" required autoComplete="username" />
      </Field>
      <Field label="Password" hint="At least 12 characters.">
        <Input name="password" type="password" required minLength={12} autoComplete="new-password" />
      </Field>
      <Field label="Confirm password">
        <Input name="confirm" type="password" required minLength={12} autoComplete="new-password" />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create admin account"}
      </Button>
    </form>
  );
}
