import { expect, test, type Page } from "@playwright/test";
import { ENTITIES, entitySlug } from "../../lib/entities/registry";
import { connectXero, expectAccessible, navTo, screenshot, signIn } from "./fixtures";

/**
 * The dashboard a person works with every day, end to end against the simulator:
 * Sync now with live progress, the invoice and contact tables (sort, filter, search, paging,
 * detail), every other entity of the registry (list, detail, CSV, API: the same generic pages),
 * sync history, CSV export, the read API, hostile URLs, axe and a 390 px phone.
 */

const ORG = "Acme Widgets (AU)";

async function syncNow(page: Page, org: string) {
  const card = page.locator("article").filter({ has: page.getByRole("heading", { name: org }) });
  const button = card.getByRole("button", { name: /sync now|syncing/i });
  // Connecting may already have started the first sync: then follow it instead.
  if (await button.isEnabled()) await button.click();
  // Progress is shown while it runs; at the end the card reports the finished run.
  await expect(card.getByText(/last run succeeded/i)).toBeVisible({ timeout: 90_000 });
  return card;
}

async function noHorizontalScroll(page: Page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
}

test("overview → sync now → invoices, contacts, history, export and API", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await signIn(page, "dana");
  await connectXero(page, "dana", [ORG]);
  const card = await syncNow(page, ORG);
  await page.reload();
  // Records held and the last successful sync are shown per entity; exact UTC time on hover.
  const invoicesRow = card.getByRole("row").filter({ hasText: "invoices" });
  await expect(invoicesRow).toContainText("250");
  await expect(invoicesRow.locator("time").first()).toHaveAttribute("title", /UTC$/);
  await expect(page.getByRole("heading", { name: "Receivables by age" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Invoiced vs paid" })).toBeVisible();
  // Your data: every entity of the registry in its group, with the records held.
  const yourData = page.getByRole("region", { name: "Your data" });
  for (const def of ENTITIES) await expect(yourData.getByRole("link", { name: def.label, exact: true })).toHaveAttribute("href", `/${entitySlug(def)}`);
  await expect(yourData.getByRole("listitem").filter({ hasText: "Invoices" })).toContainText("250");
  await screenshot(page, testInfo, "overview-synced");
  await expectAccessible(page);

  // Invoices: first page, sort, filter, search, next page.
  await navTo(page, "Invoices");
  await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
  const rows = page.getByRole("region", { name: "Invoices" }).locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(page.getByText(/of 250 invoices/)).toBeVisible();
  await screenshot(page, testInfo, "invoices");
  await expectAccessible(page);
  await page.getByRole("link", { name: /^Total/ }).click();
  await expect(page).toHaveURL(/sort=total&dir=desc/);
  await page.getByRole("link", { name: "Next ›" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByText(/^Page 2 of 5/)).toBeVisible();
  await page.getByRole("link", { name: "‹ Previous" }).click();
  await expect(page.getByText(/^Page 1 of 5/)).toBeVisible();
  await page.getByLabel("Status").selectOption("PAID");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=PAID/);
  for (const badge of await page.getByRole("region", { name: "Invoices" }).locator("tbody tr td:nth-child(7)").allInnerTexts()) expect(badge).toContain("Paid");
  const paidTotal = Number((await page.getByText(/of [\d,]+ invoices/).innerText()).match(/of ([\d,]+) invoices/)![1]!.replace(/,/g, ""));

  // CSV export of the filtered view: every PAID invoice, header first, streamed as text/csv.
  const csv = await page.request.get("/invoices/export?status=PAID");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).split("\r\n").filter(Boolean);
  expect(lines[0]).toContain("Number");
  expect(lines.length - 1).toBe(paidTotal);

  // Search by number, then open the invoice.
  const firstNumber = (await rows.first().locator("td").first().locator("a").innerText()).trim();
  await page.getByLabel("Search").fill(firstNumber);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(rows.first()).toContainText(firstNumber);
  await rows.first().locator("a").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(firstNumber);
  await expect(page.getByRole("heading", { name: "Line items" })).toBeVisible();
  await expect(page.getByRole("link", { name: /open in xero/i })).toHaveAttribute("href", /^https:\/\/go\.xero\.com\//);
  await screenshot(page, testInfo, "invoice-detail");
  await expectAccessible(page);

  // Contacts and a contact's invoices.
  await navTo(page, "Contacts");
  const contactRows = page.getByRole("region", { name: "Contacts" }).locator("tbody tr");
  await expect(contactRows).toHaveCount(50);
  await expectAccessible(page);
  await page.getByLabel("Status").selectOption("ARCHIVED");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=ARCHIVED/);
  await page.goto("/contacts");
  await contactRows.first().locator("a").first().click();
  await expect(page.getByRole("heading", { name: /^Invoices/ })).toBeVisible();
  await screenshot(page, testInfo, "contact-detail");
  await expectAccessible(page);

  // Sync history: the run with its counts, filterable by outcome.
  await page.getByRole("link", { name: "Sync history" }).click();
  await page.getByLabel("Outcome").selectOption("success");
  await page.getByLabel("Kind").selectOption("sync");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("region", { name: "Sync history" }).locator("tbody tr").first()).toContainText("Succeeded");
  await expectAccessible(page);

  // The read API: JSON, paginated, strict about bad parameters.
  const api = await page.request.get("/api/v1/invoices?limit=5&sort=total&dir=desc");
  expect(api.status()).toBe(200);
  const body = (await api.json()) as { data: { total: string }[]; page: { next: string; total: number } };
  expect(body.data).toHaveLength(5);
  expect(body.page.total).toBe(250);
  const next = await page.request.get(`/api/v1/invoices?limit=5&sort=total&dir=desc&after=${body.page.next}`);
  expect(((await next.json()) as { data: unknown[] }).data).toHaveLength(5);
  expect((await page.request.get("/api/v1/invoices?sort=bogus")).status()).toBe(400);
  expect((await page.request.get("/api/v1/tenants")).status()).toBe(200);

  // Every entity in the registry through the same generic pages: list, a record, its CSV and API.
  for (const def of ENTITIES) {
    const slug = entitySlug(def);
    const api = (await (await page.request.get(`/api/v1/${slug}?limit=1`)).json()) as { page: { total: number } };
    const total = api.page.total;
    await page.goto(`/${slug}`);
    await expect(page.getByRole("heading", { name: def.label, level: 1 })).toBeVisible();
    await screenshot(page, testInfo, `entity-${slug}-list`);
    await expectAccessible(page);
    const csv = await page.request.get(`/${slug}/export`);
    expect(csv.status(), slug).toBe(200);
    const csvLines = (await csv.text()).split("\r\n").filter(Boolean);
    expect(csvLines[0], slug).toMatch(/^\uFEFFOrganisation,/);
    expect(csvLines.length - 1, slug).toBe(total);
    if (total === 0) {
      // Empty because nothing came yet, or because this installation does not mirror it (journals by default).
      const empty = def.xero.scopeUnavailable ? `${def.label} are not synced here` : `No ${def.label.toLowerCase()} synced yet`;
      await expect(page.getByRole("main")).toContainText(empty);
      continue;
    }
    const listRows = page.getByRole("region", { name: def.label, exact: true }).locator("tbody tr");
    await expect(listRows).toHaveCount(Math.min(50, total));
    const first = listRows.first().locator("a").first();
    const href = (await first.getAttribute("href"))!;
    expect(href).toMatch(new RegExp(`^/${slug}/[0-9a-f-]{36}/.+`));
    await first.click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: def.label })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Sync history" })).toBeVisible();
    await page.getByText("Show the record as Xero sent it").click();
    await expect(page.locator("pre")).toContainText(def.xero.idField);
    await screenshot(page, testInfo, `entity-${slug}-detail`);
    await expectAccessible(page);
    const one = await page.request.get(`/api/v1${href}`);
    expect(one.status(), href).toBe(200);
    expect(((await one.json()) as { data: { raw: unknown } }).data.raw).toBeTruthy();
  }
  expect((await page.request.get("/not-an-entity")).status()).toBe(404);

  // A personal token for programs: created once, then used without the browser session.
  await page.goto("/settings/api");
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").innerText()).trim();
  expect(token).toMatch(/^xs_/);
  await expectAccessible(page);
  const bearer = await page.request.get("/api/v1/invoices?limit=2", { headers: { authorization: `Bearer ${token}` } });
  expect(bearer.status()).toBe(200);
  // The server gzips the read API's JSON for clients that take it (next.config.js), and an
  // unchanged answer revalidates by its ETag to a 304.
  const bearerGet = (headers: Record<string, string>) => page.request.get("/api/v1/invoices?limit=200", { headers: { authorization: `Bearer ${token}`, ...headers } });
  const gzipped = await bearerGet({ "accept-encoding": "gzip" });
  expect(gzipped.status()).toBe(200);
  expect(gzipped.headers()["content-encoding"]).toBe("gzip");
  expect(gzipped.headers()["content-type"]).toBe("application/json");
  expect(((await gzipped.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  expect((await bearerGet({ "accept-encoding": "identity" })).headers()["content-encoding"]).toBeUndefined();
  expect((await bearerGet({ "if-none-match": gzipped.headers()["etag"]! })).status()).toBe(304);
  expect((await page.request.get("/api/v1/invoices", { headers: { authorization: "Bearer xs_wrong" } })).status()).toBe(401);
  await page.reload();
  await page.getByRole("button", { name: "Revoke e2e script" }).click();
  await expect(page.getByText("Revoked", { exact: true })).toBeVisible();
  expect((await page.request.get("/api/v1/invoices", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  // Hostile or stale URLs: a clean page, never a 500 or a stack trace.
  for (const url of [
    "/invoices?sort=%27;drop%20table%20invoices&dir=x&size=-5&after=zzz&from=2026-99-99&q=%25%25%5C&status=PAID&status=DRAFT",
    "/invoices?after=eyJzIjoiZGF0ZS5kZXNjIiwiayI6IjIwMjYtMDItMzAiLCJpZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSJ9",
    "/contacts?sort[]=1&org=%00&role=admin",
    "/history?outcome=%3Cscript%3E&p=99999999999",
  ]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(200);
    await expect(page.getByRole("main")).not.toContainText(/\.js:\d+:\d+|digest|Internal Server Error/);
  }
  const missing = await page.goto("/invoices/not-a-uuid/also-not");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();

  // A 390 px phone: the page never scrolls sideways (tables scroll inside their frame).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of ["/dashboard", ...ENTITIES.map((e) => `/${entitySlug(e)}`), "/history"]) {
    await page.goto(url);
    await noHorizontalScroll(page);
  }
  await page.goto("/invoices");
  await screenshot(page, testInfo, "invoices-phone");
});

test("a new user sees empty states that lead to Connect Xero", async ({ page }, testInfo) => {
  await signIn(page, "alex");
  await expect(page.getByRole("heading", { name: "Connect Xero to start" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect Xero" })).toHaveAttribute("href", "/api/xero/connect");
  for (const [url, text] of [
    ["/invoices", "No invoices yet"],
    ["/contacts", "No contacts yet"],
    ["/history", /nothing has happened yet|connect started/i],
  ] as const) {
    await page.goto(url);
    await expect(page.getByRole("main")).toContainText(text);
    await expectAccessible(page);
  }
  await screenshot(page, testInfo, "invoices-empty");
});
