import { expect, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/**
 * Page objects for the flows every e2e spec needs. The app runs in demo mode against its own
 * simulator (tests/e2e/server.ts), so signing in and connecting go through the simulator's real
 * consent page, as a person would.
 */

export const SIM_URL = `http://127.0.0.1:${process.env.E2E_SIM_PORT ?? 4110}`;

/** The simulator's demo users (lib/xero-simulator): each spec signs in as its own user. */
export const DEMO_USERS = {
  dana: "Dana Demo",
  sam: "Sam Bookkeeper",
  alex: "Alex Adviser",
} as const;
export type DemoUser = keyof typeof DEMO_USERS;

/** Signs in through "Sign in with Xero" and the simulator's consent page; lands on the dashboard. */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByRole("button", { name: /sign in with xero/i }).click();
  await expect(page.getByRole("heading", { name: /wants to connect/ })).toBeVisible();
  // Signing in asks for identity only: Xero shows no organisation picker.
  await expect(page.getByRole("group", { name: "Organisations to connect" })).toHaveCount(0);
  await page.getByRole("radio", { name: new RegExp(DEMO_USERS[user]) }).check();
  await page.getByRole("button", { name: "Allow access" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Presses Connect Xero and grants exactly the named organisations on the consent page. */
export async function connectXero(page: Page, user: DemoUser, organisations: string[]): Promise<void> {
  await page.getByRole("link", { name: /connect xero/i }).first().click();
  await expect(page.getByRole("group", { name: "Organisations to connect" })).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(DEMO_USERS[user]) }).check();
  const boxes = page.getByRole("group", { name: "Organisations to connect" }).getByRole("checkbox");
  for (const box of await boxes.all()) {
    const label = (await box.locator("xpath=..").innerText()).split("\n")[0]!.trim();
    await box.setChecked(organisations.includes(label));
  }
  await page.getByRole("button", { name: "Allow access" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Full-page screenshot kept with the test's artifacts (look at them). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/**
 * axe: no serious or critical accessibility violations on the current page. It waits for the
 * page's title first: Next streams a dynamic page's metadata, and after a server action re-renders
 * the page the <title> comes a moment after the content (axe would report "document-title"); a
 * page that never gets one still fails here.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/**
 * Opens a list from the main menu by its label: a group of one entity is a plain link, a larger
 * group a menu to open first.
 */
export async function navTo(page: Page, label: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  const link = nav.getByRole("link", { name: label, exact: true });
  if (!(await link.isVisible())) {
    // A closed menu's links are hidden from the accessibility tree: find its group among hidden ones too.
    const hidden = page.getByRole("link", { name: label, exact: true, includeHidden: true });
    await nav.locator("details").filter({ has: hidden }).locator("summary").click();
  }
  await link.click();
}
