"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/lib/actions/account/change-password";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { ActionResult } from "@/lib/console/action-result";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(changePasswordAction, null);
  return (
    <form action={action} className="max-w-md space-y-4" data-testid="change-password">
      {state && !state.ok ? <Notice tone="error">{state.error}</Notice> : null}
      <Field label="Current password">
        <Input name="current" type="password" required autoComplete="current-password" />
      </Field>
      <Field label="New password" hint="At least 12 characters.">
        <Input name="password" type="password" required minLength={12} maxLength={256} autoComplete="new-password" />
      </Field>
      <Field label="Confirm new password">
        <Input name="confirm" type="password" required minLength={12} maxLength={256} autoComplete="new-password" />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
