import { expect, test } from "@playwright/test";
import { connectXero, expectAccessible, screenshot, signIn } from "./fixtures";

test("sign in, connect two organisations, see both, disconnect one, sign out", async ({ page }, testInfo) => {
  await signIn(page, "sam");
  await expect(page.getByText(/connect xero to start|no organisations/i).first()).toBeVisible();
  await screenshot(page, testInfo, "overview-empty");
  await expectAccessible(page);

  await connectXero(page, "sam", ["Demo Company (UK)", "Northwind Trading (NZ)"]);
  const orgs = page.getByRole("heading", { level: 2 });
  await expect(page.getByRole("heading", { name: "Demo Company (UK)" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Northwind Trading (NZ)" })).toBeVisible();
  // Only what was granted in this consent is recorded.
  await expect(page.getByRole("heading", { name: "Acme Widgets (AU)" })).toHaveCount(0);
  await screenshot(page, testInfo, "overview-two-orgs");
  await expectAccessible(page);

  // Connecting again with the same organisation refreshes it instead of duplicating it.
  await connectXero(page, "sam", ["Demo Company (UK)"]);
  await expect(page.getByRole("heading", { name: "Demo Company (UK)" })).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Northwind Trading (NZ)" })).toHaveCount(1);
  expect(await orgs.count()).toBeGreaterThanOrEqual(2);

  // Disconnect Northwind (and delete its data); Demo Company stays.
  const northwind = page.locator("article").filter({ has: page.getByRole("heading", { name: "Northwind Trading (NZ)" }) });
  await northwind.getByText("Disconnect…").click();
  await northwind.getByLabel(/also delete its synced invoices and contacts/i).check();
  await screenshot(page, testInfo, "disconnect-dialog");
  await northwind.getByRole("button", { name: "Disconnect Northwind Trading (NZ)" }).click();
  // Gone from the list, or listed as disconnected: either way no longer active.
  await expect
    .poll(async () => (await northwind.count()) === 0 || (await northwind.getByText("Disconnected", { exact: true }).count()) > 0, { timeout: 15_000 })
    .toBe(true);
  await expect(page.getByRole("heading", { name: "Demo Company (UK)" })).toBeVisible();
  await screenshot(page, testInfo, "overview-after-disconnect");

  // The log shows the consent, the callback and the disconnect.
  await page.getByRole("link", { name: "Sync history" }).click();
  await expect(page.getByRole("main")).toContainText("Disconnect");
  // The organisation was deleted with its data, yet its log row still names it.
  await expect(page.getByRole("row").filter({ hasText: "Disconnect" }).first()).toContainText("Northwind Trading (NZ)");
  await expect(page.getByRole("main")).toContainText("Connected");
  await expect(page.getByRole("main")).toContainText("Connect started");
  await screenshot(page, testInfo, "history");

  // Sign out: the dashboard is closed again.
  await page.locator("summary").filter({ hasText: "Open account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("cancelling consent explains what happened and stores nothing", async ({ page }, testInfo) => {
  await signIn(page, "alex");
  await page.getByRole("link", { name: /connect xero/i }).first().click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/connect-error/);
  await expect(page.getByRole("main")).toContainText(/did not allow access|declined/i);
  await expect(page.getByRole("link", { name: /connect xero again/i })).toBeVisible();
  await screenshot(page, testInfo, "connect-cancelled");
  await expectAccessible(page);
  await page.goto("/dashboard");
  await expect(page.getByText(/connect xero to start|no organisations/i).first()).toBeVisible();
});
