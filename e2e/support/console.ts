import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1/);
}

/** The page's error notice (Next.js also renders an empty role="alert" route announcer, which this skips). */
export function errorNotice(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/** Follows a link in the console's navigation. */
export async function navigate(page: Page, label: string): Promise<void> {
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: label, exact: true }).click();
}

/** Plants a form taken from an admin's page into the reviewer's page and submits it natively (a forged replay). */
export async function replay(page: Page, html: string, fill: Record<string, string>) {
  await page.evaluate(
    ({ html, fill }) => {
      const holder = document.createElement("div");
      holder.innerHTML = html;
      document.body.append(holder);
      const form = holder.querySelector("form")!;
      for (const [name, value] of Object.entries(fill)) {
        let input = form.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null;
        if (!input || (input instanceof HTMLInputElement && (input.type === "checkbox" || input.type === "radio"))) {
          const hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = name;
          form.append(hidden);
          input = hidden;
        }
        if (input instanceof HTMLSelectElement) input.innerHTML = `<option value="${value}" selected>${value}</option>`;
        input.value = value;
      }
      form.submit();
    },
    { html, fill },
  );
}

/** The HTML of a form on the page, found by its accessible name (to replay it elsewhere). */
export const formHtml = (page: Page, name: string) => page.getByRole("form", { name }).evaluate((form) => form.outerHTML);
