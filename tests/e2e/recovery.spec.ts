import { expect, test, type Locator, type Page } from "@playwright/test";
import { connectXero, expectAccessible, screenshot, signIn } from "./fixtures";

/**
 * Recovering one entity from the organisation page, in a real browser against the simulator:
 * re-sync from a date, full refresh, clear and re-sync after its confirmation, each starting a
 * sync that the page then reports; and every control disabled, with the reason, once the
 * organisation can no longer sync. Alex's own organisation, so no other spec's state is touched.
 */

const ORG = "Northwind Trading (NZ)";

/** Reloads until the entity's row reports its last recovery done (the sync runs in the background). */
/**
 * Reloads until the row reports the recovery done (and holds `held`, where given: a page read
 * while the sync commits its last page may show the finished run beside counts read just before).
 */
async function expectDone(page: Page, row: () => Locator, text: RegExp, held?: string) {
  await expect(async () => {
    await page.reload();
    await expect(row().getByText(text)).toBeVisible({ timeout: 1_000 });
    if (held) await expect(row()).toContainText(held, { timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
}

test("re-sync from a date, full refresh, clear and re-sync: each runs and reports, and all wait for a reconnect", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await signIn(page, "alex");
  await connectXero(page, "alex", [ORG]);
  const card = page.locator("article").filter({ has: page.getByRole("heading", { name: ORG }) });
  // Connecting may already have started the first sync: then follow it instead.
  const syncButton = card.getByRole("button", { name: /sync now|syncing/i });
  if (await syncButton.isEnabled()) await syncButton.click();
  await expect(card.getByText(/last run succeeded/i)).toBeVisible({ timeout: 90_000 });
  const tenantId = await card.locator('input[name="tenantId"]').first().inputValue();

  await page.goto(`/dashboard/organisations/${tenantId}`);
  const panel = page.getByRole("region", { name: "Recovery" });
  await expect(panel).toBeVisible();
  const row = (entity: string) => () => panel.getByTestId(`recovery-${entity}`);
  await expect(row("invoices")()).toContainText("300 held");
  await screenshot(page, testInfo, "recovery-panel");
  await expectAccessible(page);

  // Re-sync invoices from a date.
  await row("invoices")().getByLabel("From (UTC)").fill("2020-01-01");
  await row("invoices")().getByRole("button", { name: "Re-sync from date" }).click();
  await expect(row("invoices")().getByRole("status").first()).toContainText(/started|queued|running|follows/i);
  await expectDone(page, row("invoices"), /Last: Re-sync from a date from 2020-01-01, done/);
  await expect(row("invoices")().getByRole("link", { name: "Sync history" })).toHaveAttribute("href", `/history?org=${tenantId}&kind=sync`);
  await screenshot(page, testInfo, "recovery-resync-done");

  // Tax rates have no cursor: full refresh only (and clear).
  await expect(row("taxRates")().getByRole("button", { name: "Re-sync from date" })).toHaveCount(0);
  await expect(row("taxRates")()).toContainText("no cursor to rewind");
  await row("taxRates")().getByRole("button", { name: "Full refresh" }).click();
  await expectDone(page, row("taxRates"), /Last: Full refresh, done/);

  // Clear and re-sync contacts: the confirmation names the count, then they are fetched again.
  await row("contacts")().getByText("Clear and re-sync…").click();
  await expect(row("contacts")().getByText(`Delete 60 contacts of ${ORG} and fetch them again?`)).toBeVisible();
  await screenshot(page, testInfo, "recovery-clear-confirm");
  await row("contacts")().getByRole("button", { name: "Delete and re-sync contacts" }).click();
  await expectDone(page, row("contacts"), /Last: Clear and re-sync, done.*60 deleted, 60 fetched, 60 new/, "60 held");
  await screenshot(page, testInfo, "recovery-clear-done");
  await expectAccessible(page);

  // The history lists the recovery syncs.
  await page.goto(`/history?org=${tenantId}&kind=sync`);
  await expect(page.locator("tbody tr")).not.toHaveCount(0);

  // Once the organisation cannot sync, every control is disabled and says why (its data is kept, so its page stays).
  await page.goto("/dashboard");
  await card.getByText("Disconnect…").click();
  await card.getByRole("button", { name: `Disconnect ${ORG}` }).click();
  await expect.poll(async () => (await card.count()) === 0 || (await card.getByText("Disconnected", { exact: true }).count()) > 0, { timeout: 15_000 }).toBe(true);
  await page.goto(`/dashboard/organisations/${tenantId}`);
  await expect(panel.getByText("This organisation is disconnected.")).toBeVisible();
  const controls = panel.getByRole("button", { name: /Re-sync from date|Full refresh/ });
  expect(await controls.count()).toBeGreaterThan(10);
  for (const b of await controls.all()) await expect(b).toBeDisabled();
  await screenshot(page, testInfo, "recovery-disabled");
});
