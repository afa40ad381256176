import { expect, type Locator, type Page } from "@playwright/test";

/**
 * Policy forms show the change's impact before saving: waits for the preview that the form's submit opened and saves
 * the change from it.
 */
export async function saveAfterPreview(scope: Page | Locator): Promise<void> {
  const preview = scope.getByRole("region", { name: "Impact preview" });
  await expect(preview.getByTestId("impact-summary")).toBeVisible({ timeout: 30_000 });
  await preview.getByRole("button", { name: "Save", exact: true }).click();
}
