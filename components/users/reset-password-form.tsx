"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input, RequiredMark } from "@/components/ui/field";
import { resetUserPasswordAction } from "@/lib/actions/users/reset-user-password";

/** An administrator's password reset: a temporary password, shown once, and a forced change at the next sign-in. */
export function ResetPasswordForm({ userId, email }: { userId: string; email: string }) {
  return (
    <ActionForm
      action={resetUserPasswordAction}
      aria-label="Reset password"
      confirm={`Reset the password of ${email}? Their current password stops working and every console session of theirs ends.`}
      resetOnSuccess
      className="space-y-3"
    >
      {(pending) => (
        <>
          <input type="hidden" name="userId" value={userId} />
          <div className="text-sm">
            <label htmlFor="reset-reason" className="mb-1 block font-medium text-slate-700">
              Reason<RequiredMark />
            </label>
            <Input id="reset-reason" name="reason" required maxLength={500} placeholder="e.g. forgot it, verified by phone" />
          </div>
          <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Resetting…" : "Reset password"}</Button>
        </>
      )}
    </ActionForm>
  );
}
