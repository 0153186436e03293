import { expect, test, type Page } from "@playwright/test";
import { connectXero, expectAccessible, screenshot, signIn } from "./fixtures";

/**
 * The schedule's controls in a browser: the overview's health badges, sorted by attention, and each
 * organisation's name leading to its page; there, the interval, Pause / Resume and an entity turned
 * off and on again, each saved and shown after a reload. It connects organisations for "alex", so it
 * runs after connect.spec.ts and dashboard.spec.ts (files run in name order), whose tests need alex
 * without any.
 */

const PAUSED = "Northwind Trading (NZ)";
const OTHER = "Demo Company (UK)";

const orgHeadings = (page: Page) => page.getByRole("region", { name: "Organisations" }).getByRole("heading", { level: 2 });

test("schedule: interval, pause and resume, an entity off and on, health badges sorted on the overview", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, "alex");
  await connectXero(page, "alex", [OTHER, PAUSED]);
  await expect(orgHeadings(page)).toHaveCount(2);
  // Not paused: the organisations are in name order, each badged on time.
  await expect(orgHeadings(page)).toHaveText([OTHER, PAUSED]);
  await expect(page.getByTestId("health-badge")).toHaveCount(2);

  await page.getByRole("link", { name: PAUSED, exact: true }).click();
  await expect(page.getByRole("heading", { name: PAUSED, level: 1 })).toBeVisible();
  const panel = page.getByRole("region", { name: "Schedule" });

  // Interval: 4 hours, saved and shown after a reload, with its projected calls a day.
  await panel.getByLabel("Sync every").selectOption({ label: "4 hours" });
  await panel.getByRole("button", { name: "Save interval" }).click();
  await expect(panel.getByTestId("projected-calls")).toContainText("calls a day");
  await page.reload();
  await expect(panel.getByLabel("Sync every")).toHaveValue("240");
  await expect(panel.getByTestId("entity-row-payments")).toContainText("every 4 hours");

  // An entity off: its row says so; on again.
  const contacts = panel.getByRole("button", { name: "Sync Contacts" });
  await expect(contacts).toHaveAttribute("aria-pressed", "true");
  await contacts.click();
  await expect(contacts).toHaveAttribute("aria-pressed", "false");
  await expect(panel.getByTestId("entity-row-contacts")).toContainText("off");

  // Pause: the badge says paused.
  await panel.getByRole("button", { name: "Pause schedule" }).click();
  await expect(panel.getByRole("button", { name: "Resume schedule" })).toBeVisible();
  await expect(panel.getByTestId("health-badge")).toHaveAttribute("data-health", "paused");
  await expect(panel.getByTestId("schedule-summary")).toContainText(/paused/i);
  await screenshot(page, testInfo, "organisation-schedule-paused");
  await expectAccessible(page);

  // The overview puts the paused organisation before the one on time.
  await page.getByRole("link", { name: "← Overview" }).click();
  await expect(orgHeadings(page)).toHaveText([PAUSED, OTHER]);
  const pausedCard = page.locator("article").filter({ has: page.getByRole("heading", { name: PAUSED }) });
  await expect(pausedCard.getByTestId("health-badge")).toHaveAttribute("data-health", "paused");
  await screenshot(page, testInfo, "overview-health");
  await expectAccessible(page);

  // Resume, contacts on, the server's default interval again.
  await page.getByRole("link", { name: PAUSED, exact: true }).click();
  await panel.getByRole("button", { name: "Resume schedule" }).click();
  await expect(panel.getByRole("button", { name: "Pause schedule" })).toBeVisible();
  await contacts.click();
  await expect(contacts).toHaveAttribute("aria-pressed", "true");
  await panel.getByLabel("Sync every").selectOption("default");
  await panel.getByRole("button", { name: "Save interval" }).click();
  await page.reload();
  await expect(panel.getByLabel("Sync every")).toHaveValue("default");
  await expect(panel.getByTestId("health-badge")).not.toHaveAttribute("data-health", "paused");
  await screenshot(page, testInfo, "organisation-schedule");
  await page.goto("/dashboard");
  await expect(orgHeadings(page)).toHaveText([OTHER, PAUSED]);
});
