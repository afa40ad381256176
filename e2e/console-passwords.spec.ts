import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { navigate, signIn } from "./support/console";
import { snap } from "./support/screenshot";

test("an admin finds a person on the Users page, resets their password, and they must choose their own at the next sign-in", async ({ page, browser }) => {
  const admin = createUser(["iam_admin"], "admin");
  const person = createUser(["reader"], "forgetful");
  await signIn(page, admin.email, admin.password);

  // Users: search, person/service filter, sortable columns and pages.
  await navigate(page, "Users");
  const filters = page.getByRole("search", { name: "Filter users" });
  await filters.getByLabel("Search").fill(person.email);
  await filters.getByLabel("Kind").selectOption("human");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=human/);
  await expect(page.getByTestId(`user-row-${person.email}`)).toBeVisible();
  await expect(page.getByTestId("users-table").locator("tbody tr")).toHaveCount(1);
  await filters.getByLabel("Kind").selectOption("service");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No user matches these filters.")).toBeVisible();
  await page.goto("/users?size=25");
  await page.getByRole("link", { name: "Created" }).click();
  await expect(page).toHaveURL(/sort=created/);
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");
  const created = await page.getByTestId("users-table").locator("tbody tr td:nth-child(6) time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
  expect(created).toEqual([...created].sort().reverse());
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("users");
  await snap(page, "users-sorted");

  // The reset: a reason (marked required), a confirmation, a temporary password shown once.
  await page.goto(`/users/${person.id}`);
  const reset = page.getByRole("form", { name: "Reset password" });
  await expect(reset.getByLabel(/Reason/)).toHaveAttribute("required", "");
  await reset.getByLabel(/Reason/).fill("e2e: forgot it, verified by phone");
  page.once("dialog", (dialog) => void dialog.accept());
  await reset.getByRole("button", { name: "Reset password" }).click();
  const notice = reset.getByText(/Temporary password \(shown once\): /);
  await expect(notice).toBeVisible();
  const temporary = (await notice.innerText()).match(/shown once\): (\S+) —/)![1];
  await snap(page, "password-reset");
  const events = JSON.parse(portcullis(["audit", "tail", "--kind", "user.password_reset", "--limit", "1", "--json"]).stdout) as Array<{ actor: string; subject: string; reason: string }>;
  expect(events[0]).toMatchObject({ actor: `user:${admin.id}`, subject: person.id });
  expect(events[0].reason).toContain("e2e: forgot it, verified by phone");

  // The old password is gone; the temporary one opens only the password change, whatever page is asked for.
  const context = await browser.newContext();
  const them = await context.newPage();
  await them.goto("/login");
  await them.getByLabel("Email").fill(person.email);
  await them.getByLabel("Password").fill(person.password);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them.getByText("Email or password is incorrect.")).toBeVisible();
  await signIn(them, person.email, temporary);
  await expect(them.getByRole("heading", { name: "Choose a new password", level: 1 })).toBeVisible();
  await them.goto("/clients");
  await expect(them.getByRole("heading", { name: "Choose a new password", level: 1 })).toBeVisible();
  await expect(them.getByRole("heading", { name: "Clients", level: 1 })).toHaveCount(0);
  await snap(them, "forced-password-change");
  const chosen = `${person.password}-mine`;
  await them.getByLabel("Current password").fill(temporary);
  await them.getByLabel("New password", { exact: true }).fill(chosen);
  await them.getByLabel("Confirm new password").fill(chosen);
  await them.getByRole("button", { name: /Change password/ }).click();
  await expect(them).toHaveURL(/\/account\?changed=1/);
  await expect(them.getByText("Your password is changed.")).toBeVisible();
  // Back to the whole console, with the account page in its navigation.
  await navigate(them, "Clients");
  await expect(them.getByRole("heading", { name: "Clients", level: 1 })).toBeVisible();
  await navigate(them, "Your account");
  await expect(them.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
  await context.close();
});
