"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { startReviewAction } from "@/lib/actions/reviews/start-review";

/** Start a campaign: what it covers (empty = every active grant), when it is due, who reviews, and the default. */
export function StartReviewForm() {
  return (
    <ActionForm action={startReviewAction} aria-label="Start an access review" className="grid gap-4 md:grid-cols-2">
      {(pending) => (
        <>
          <Field label="Name"><Input name="name" required maxLength={200} placeholder="Q1 2027 editors" /></Field>
          <Field label="Due (UTC)" hint="Must be in the future."><Input name="dueAt" type="datetime-local" required /></Field>
          <Field label="Undecided at the due date">
            <Select name="undecided" defaultValue="keep">
              <option value="keep">keep</option>
              <option value="revoke">revoke</option>
            </Select>
          </Field>
          <Field label="Reviewer roles" hint="Comma-separated; each must grant reviews:write."><Input name="reviewerRoles" placeholder="access_reviewer" /></Field>
          <Field label="Reviewers (people)" hint="Emails, comma-separated. Nobody reviews their own access."><Input name="reviewerUsers" /></Field>
          <Field label="Only these clients" hint="Ids or names; empty = all."><Input name="clients" /></Field>
          <Field label="Only these users" hint="Emails; empty = all."><Input name="users" /></Field>
          <Field label="Only users with these roles"><Input name="roles" /></Field>
          <Field label="Only grants holding these scopes"><Input name="scopes" /></Field>
          <div className="md:col-span-2"><Button type="submit" disabled={pending}>{pending ? "Starting…" : "Start the review"}</Button></div>
        </>
      )}
    </ActionForm>
  );
}
