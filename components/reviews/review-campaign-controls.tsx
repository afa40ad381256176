"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { closeReviewAction } from "@/lib/actions/reviews/close-review";
import { decideReviewAction } from "@/lib/actions/reviews/decide-review";

/** Bulk decisions over items whose suggestion matches (each item recorded on its own), and closing the campaign. */
export function ReviewCampaignControls({ campaignId, suggested, undecided }: { campaignId: string; suggested: { keep: string[]; revoke: string[] }; undecided: string }) {
  return (
    <div className="flex flex-wrap items-start gap-3">
      {(["keep", "revoke"] as const).map((decision) =>
        suggested[decision].length ? (
          <ActionForm key={decision} action={decideReviewAction} aria-label={`Bulk ${decision}`} confirm={`${decision} ${suggested[decision].length} item(s) suggested for ${decision}?`}>
            {(pending) => (
              <>
                <input type="hidden" name="campaignId" value={campaignId} />
                <input type="hidden" name="decision" value={decision} />
                {suggested[decision].map((id) => <input key={id} type="hidden" name="itemId" value={id} />)}
                <Button type="submit" variant={decision === "revoke" ? "danger" : "secondary"} disabled={pending}>
                  {decision === "keep" ? "Keep" : "Revoke"} all {suggested[decision].length} suggested for {decision}
                </Button>
              </>
            )}
          </ActionForm>
        ) : null,
      )}
      <ActionForm action={closeReviewAction} aria-label="Close the review" confirm={`Close now? Undecided items will be ${undecided === "keep" ? "kept" : "revoked"}.`}>
        {(pending) => (
          <>
            <input type="hidden" name="campaignId" value={campaignId} />
            <Button type="submit" variant="secondary" disabled={pending}>Close now</Button>
          </>
        )}
      </ActionForm>
    </div>
  );
}
