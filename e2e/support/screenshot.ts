import { test, type Page } from "@playwright/test";

/** Saves a full-page screenshot of a step as a test artifact (besides the one Playwright takes at the end). */
export async function snap(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${String(test.info().attachments.length + 1).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: "image/png" });
}
