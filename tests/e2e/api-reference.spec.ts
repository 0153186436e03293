import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { screenshot, signIn } from "./fixtures";

/**
 * The API reference page: reached from API tokens, Swagger UI (bundled by this app) renders every
 * route of the OpenAPI document, under the nonce CSP without a violation and without a request to
 * any other host.
 */

function watch(page: Page): { violations: string[]; foreign: string[] } {
  const out = { violations: [] as string[], foreign: [] as string[] };
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame|connect)/i.test(m.text())) out.violations.push(m.text());
  });
  page.on("request", (r) => {
    const host = new URL(r.url()).hostname;
    if (!["localhost", "127.0.0.1"].includes(host) && !r.url().startsWith("data:")) out.foreign.push(r.url());
  });
  return out;
}

test("the API reference renders every route of the document, under the CSP, from this host only", async ({ page }, testInfo) => {
  const seen = watch(page);
  await signIn(page, "dana");
  await page.goto("/settings/api");
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/settings\/api\/reference$/);
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();

  const doc = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  const reference = page.getByTestId("api-reference");
  await expect(reference.getByText("Xero Sync read API")).toBeVisible();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const block = reference.locator(`.opblock-${method}`).filter({ has: page.locator(`[data-path="${path}"]`) });
      await expect(block, `${method} ${path}`).toHaveCount(1);
    }
  }
  await screenshot(page, testInfo, "api-reference");

  // One operation opened: its parameters and answers are there.
  const list = reference.locator(".opblock-get").filter({ has: page.locator('[data-path="/api/v1/invoices"]') });
  await list.locator(".opblock-summary").first().click();
  await expect(list.locator(".parameter__name", { hasText: "changed_since" })).toBeVisible();
  await expect(list.locator(".response[data-code='400']")).toBeVisible();
  await screenshot(page, testInfo, "api-reference-invoices");
  // axe on the page around it: Swagger UI's own markup (method badges' contrast, its nested
  // summary buttons, unlabelled enum selects) is the library's, reported and left to it.
  const axe = await new AxeBuilder({ page }).exclude('[data-testid="api-reference"]').analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  expect(seen.violations).toEqual([]);
  expect(seen.foreign).toEqual([]);
});
