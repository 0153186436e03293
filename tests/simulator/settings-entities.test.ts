/**
 * Accounts, Items, TaxRates, TrackingCategories and Journals through the unmodified xero-node SDK:
 * deterministic seeding, Xero's paging quirks (unpaged lists ignore page; journals 100 per offset),
 * If-Modified-Since where Xero honours it, full answers where the record has no UpdatedDateUTC,
 * hard deletes, the journals scope, and a general ledger consistent with the invoices and payments.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "xero-node";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { createApiClient, type XeroClient } from "@/lib/xero/client";
import { toXeroApiError, type XeroApiError } from "@/lib/xero/errors";
import { startDemoSimulator } from "@/lib/xero-simulator/demo";
import type { TenantSpec } from "@/lib/xero-simulator/data";
import { generateTenant } from "@/lib/xero-simulator/data";
import { entityByName, seedEntities } from "@/lib/xero-simulator/entities/registry";
import { store } from "@/lib/xero-simulator/entities/store";
import { ALL_SCOPES, apiGet, configFor, connect, ctl, start } from "./helpers";

const JOURNAL_SCOPES = [...ALL_SCOPES, "accounting.journals.read"];
const SETTINGS = ["accounts", "items", "taxRates", "trackingCategories", "journals"];
const TENANTS: TenantSpec[] = [{ name: "Ledger Ltd (UK)", invoices: 1800, contacts: 200, counts: { manualJournals: 40 } }, { name: "Kiwi Ledger (NZ)", invoices: 150 }];

let sim: RunningSimulator;
let xero: XeroClient;
let token: string;
let tenantId: string;

type Json = Record<string, unknown>;
type Change = { entity: string; id: string; kind: string; status: string };

async function mutate(entity: string, kinds: string[], count = 1, tenant = tenantId): Promise<Change[]> {
  return (await ctl<{ changes: Change[] }>(sim, "POST", "/__sim/mutate", { tenantId: tenant, entity, count, kinds })).changes;
}

async function state<T = Json>(entity: string, extra = ""): Promise<T[]> {
  return ctl<T[]>(sim, "GET", `/__sim/state?tenantId=${tenantId}&entity=${entity}${extra}`);
}

async function raw(path: string, headers: Record<string, string> = {}, tok = token): Promise<Json> {
  const res = await apiGet(sim, path, tok, tenantId, headers);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Json;
}

async function rejection(p: Promise<unknown>): Promise<XeroApiError> {
  try {
    await p;
  } catch (e) {
    return toXeroApiError(e);
  }
  throw new Error("expected a rejection");
}

/** Every journal, walked by offset as a sync does; checks the walk's shape on the way. */
async function allJournals(tenant = tenantId): Promise<Journal[]> {
  const out: Journal[] = [];
  let offset = 0;
  for (;;) {
    const res = await xero.accountingApi.getJournals(tenant, undefined, offset);
    const batch = res.body.journals ?? [];
    expect(batch.length).toBeLessThanOrEqual(100);
    if (batch.length === 0) return out;
    out.push(...batch);
    offset = batch[batch.length - 1]!.journalNumber!;
    if (batch.length < 100) return out;
  }
}

/** A later second than every record so far, on the simulated clock. */
async function tick(): Promise<string> {
  await ctl(sim, "POST", "/__sim/clock", { advanceMs: 5000 });
  return (await ctl<{ iso: string }>(sim, "GET", "/__sim/clock")).iso;
}

beforeAll(async () => {
  sim = await start({ limits: false, tenants: TENANTS });
  token = (await connect(sim, configFor(sim, { scopes: JOURNAL_SCOPES }))).access_token!;
  xero = createApiClient(configFor(sim), token);
  tenantId = (await ctl<{ tenantId: string }[]>(sim, "GET", "/__sim/tenants"))[0]!.tenantId;
});
afterAll(() => sim.close());

describe("seeding", () => {
  it("is deterministic: the same seed gives the same records, in proportion to the invoices", async () => {
    const anchor = Date.UTC(2026, 5, 1);
    const json = (seed: number, spec: TenantSpec) => {
      const t = generateTenant(seed, spec, 0, anchor);
      seedEntities(t, spec, anchor);
      const out = Object.fromEntries(SETTINGS.map((name) => [name, store(t, name).list.map((r) => entityByName(name)!.json(t, r, { paged: false, summary: false }))]));
      return { text: JSON.stringify(out), counts: Object.fromEntries(SETTINGS.map((name) => [name, store(t, name).list.length])) };
    };
    const a = json(42, TENANTS[0]!);
    expect(json(42, TENANTS[0]!).text === a.text).toBe(true);
    expect(json(43, TENANTS[0]!).text === a.text).toBe(false);
    expect(a.counts).toMatchObject({ taxRates: 15, trackingCategories: 2 });
    const small = json(42, TENANTS[1]!).counts;
    expect(a.counts.items).toBeGreaterThan(small.items!);
    expect(a.counts.journals).toBeGreaterThan(2500);
    expect(a.counts.journals).toBeGreaterThan(10 * small.journals!);
    // Counts per fixture, as asked.
    const asked = { ...TENANTS[1]!, counts: { items: 40, accounts: 50, trackingCategories: 3 } };
    expect(json(42, asked).counts).toMatchObject({ items: 40, accounts: 50, trackingCategories: 3 });
    // What the served answers are made of.
    const served = (await ctl<{ counts: Record<string, number> }[]>(sim, "GET", "/__sim/tenants"))[0]!.counts;
    expect(served.journals).toBe(a.counts.journals);
  });
});

describe("Accounts", () => {
  it("codes and ids stay unique however many accounts an organisation has of its own", () => {
    const anchor = Date.UTC(2026, 5, 1);
    for (const country of ["GB", "NZ", "AU", "US"] as const) {
      const spec: TenantSpec = { name: `Many accounts (${country})`, invoices: 10, country, counts: { accounts: 120 } };
      const t = generateTenant(7, spec, 0, anchor);
      seedEntities(t, spec, anchor);
      const list = store<{ id: string; code: string; updatedMs: number }>(t, "accounts").list;
      expect(list).toHaveLength(120);
      expect(new Set(list.map((a) => a.code)).size, country).toBe(120);
      expect(new Set(list.map((a) => a.id)).size, country).toBe(120);
    }
  });

  it("serves the chart unpaged (page is ignored) with every code the documents use", async () => {
    const all = (await xero.accountingApi.getAccounts(tenantId)).body.accounts!;
    expect(all.length).toBe((await state("accounts")).length);
    const paged = (await raw("/api.xro/2.0/Accounts?page=2&pageSize=3")).Accounts as Json[];
    expect(paged.length).toBe(all.length);
    expect((await raw("/api.xro/2.0/Accounts?page=2")).pagination).toBeUndefined();
    const codes = new Set(all.map((a) => a.code));
    for (const code of ["090", "200", "310", "610", "800", "820"]) expect(codes.has(code), code).toBe(true);
    const bank = all.find((a) => a.code === "090")!;
    expect(String(bank.type)).toBe("BANK");
    expect(bank.bankAccountNumber).toBeTruthy();
    const invoices = (await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1)).body.invoices!;
    for (const line of invoices.flatMap((i) => i.lineItems ?? [])) expect(codes.has(line.accountCode), line.accountCode).toBe(true);
    const one = await xero.accountingApi.getAccount(tenantId, bank.accountID!);
    expect(one.body.accounts![0]!.code).toBe("090");
  });

  it("honours If-Modified-Since and where; unused accounts are hard-deleted (gone, kept in the state)", async () => {
    const since = await tick();
    const edited = await mutate("accounts", ["edit", "create"], 3);
    const changed = (await xero.accountingApi.getAccounts(tenantId, new Date(since))).body.accounts!;
    expect(new Set(changed.map((a) => a.accountID))).toEqual(new Set(edited.map((c) => c.id)));
    const banks = (await xero.accountingApi.getAccounts(tenantId, undefined, 'Type=="BANK"')).body.accounts!;
    expect(banks.map((a) => a.code)).toEqual(["090", "091"]);

    const [gone] = await mutate("accounts", ["delete"]);
    expect(gone).toMatchObject({ entity: "accounts", kind: "delete" });
    const after = (await xero.accountingApi.getAccounts(tenantId)).body.accounts!;
    expect(after.some((a) => a.accountID === gone!.id)).toBe(false);
    expect((await apiGet(sim, `/api.xro/2.0/Accounts/${gone!.id}`, token, tenantId)).status).toBe(404);
    expect((await state<{ id: string; custom: boolean }>("accounts", "&deleted=1")).find((a) => a.id === gone!.id)).toMatchObject({ custom: true });
    // Accounts the documents post to are never deleted.
    for (const c of await mutate("accounts", ["delete"], 50)) expect((await state<{ id: string; custom: boolean }>("accounts", "&deleted=1")).find((a) => a.id === c.id)?.custom).toBe(true);
    const left = new Set((await xero.accountingApi.getAccounts(tenantId)).body.accounts!.map((a) => a.code));
    for (const code of ["090", "200", "610", "800"]) expect(left.has(code)).toBe(true);
  });
});

describe("Items", () => {
  it("unpaged, every ItemCode the invoices use, If-Modified-Since, and hard deletes", async () => {
    const all = (await xero.accountingApi.getItems(tenantId)).body.items!;
    expect((await raw("/api.xro/2.0/Items?page=1&pageSize=2")).Items).toHaveLength(all.length);
    const codes = new Set(all.map((i) => i.code));
    const invoices = (await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1)).body.invoices!;
    for (const line of invoices.flatMap((i) => i.lineItems ?? [])) expect(codes.has(line.itemCode!), line.itemCode).toBe(true);

    const since = await tick();
    const edited = await mutate("items", ["edit"], 2);
    expect((await xero.accountingApi.getItems(tenantId, new Date(since))).body.items!.map((i) => i.itemID).sort()).toEqual(edited.map((c) => c.id).sort());

    const deleted = await mutate("items", ["delete"], 2);
    expect(deleted).toHaveLength(2);
    const after = (await xero.accountingApi.getItems(tenantId)).body.items!;
    expect(after.length).toBe(all.length - 2);
    for (const d of deleted) {
      expect(after.some((i) => i.itemID === d.id)).toBe(false);
      expect((await apiGet(sim, `/api.xro/2.0/Items/${d.id}`, token, tenantId)).status).toBe(404);
    }
    expect((await state<{ id: string }>("items", "&deleted=1")).map((i) => i.id).sort()).toEqual(deleted.map((d) => d.id).sort());
    // A deleted item is not "changed since": only a full walk notices it.
    expect((await xero.accountingApi.getItems(tenantId, new Date(await tick()))).body.items).toEqual([]);
  });
});

describe("TaxRates", () => {
  it("answers the whole list every time (no UpdatedDateUTC: If-Modified-Since and page are ignored), keyed by TaxType", async () => {
    const all = (await xero.accountingApi.getTaxRates(tenantId)).body.taxRates!;
    expect(all.length).toBe(15);
    const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const again = (await raw("/api.xro/2.0/TaxRates?page=3&pageSize=1", { "If-Modified-Since": future })).TaxRates as Json[];
    expect(again.length).toBe(all.length);
    expect(again.some((r) => "UpdatedDateUTC" in r)).toBe(false);
    const types = new Set(all.map((r) => r.taxType));
    expect(types.size).toBe(all.length);
    const invoices = (await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1)).body.invoices!;
    for (const line of invoices.flatMap((i) => i.lineItems ?? [])) expect(types.has(line.taxType!), line.taxType).toBe(true);
    const vat = (await xero.accountingApi.getTaxRateByTaxType(tenantId, "OUTPUT2")).body.taxRates![0]!;
    expect(vat).toMatchObject({ taxType: "OUTPUT2", effectiveRate: 20, displayTaxRate: 20 });
    expect(all.find((r) => r.taxType === "TAX001")?.status).toBe("DELETED");
  });

  it("a rate change or delete shows in the next full answer; the rates invoices use stay", async () => {
    const before = new Map((await xero.accountingApi.getTaxRates(tenantId)).body.taxRates!.map((r) => [r.taxType, r]));
    const [rated] = await mutate("taxRates", ["rate"]);
    const [deleted] = await mutate("taxRates", ["delete"]);
    const after = new Map((await xero.accountingApi.getTaxRates(tenantId)).body.taxRates!.map((r) => [r.taxType, r]));
    expect(after.size).toBe(before.size);
    expect(after.get(rated!.id)!.effectiveRate).not.toBe(before.get(rated!.id)!.effectiveRate);
    expect(String(after.get(deleted!.id)!.status)).toBe("DELETED");
    await mutate("taxRates", ["rate", "delete"], 40);
    const final = (await xero.accountingApi.getTaxRates(tenantId)).body.taxRates!;
    expect(final.find((r) => r.taxType === "OUTPUT2")).toMatchObject({ effectiveRate: 20, status: "ACTIVE" });
    expect(final.find((r) => r.taxType === "INPUT2")).toMatchObject({ effectiveRate: 20, status: "ACTIVE" });
  });
});

describe("TrackingCategories", () => {
  it("full answers; archived categories and options only with includeArchived; deleted options are gone", async () => {
    const active = (await xero.accountingApi.getTrackingCategories(tenantId)).body.trackingCategories!;
    expect(active.map((c) => c.name)).toEqual(["Region", "Department"]);
    for (const c of active) expect(c.options!.every((o) => String(o.status) === "ACTIVE")).toBe(true);
    const withArchived = (await xero.accountingApi.getTrackingCategories(tenantId, undefined, undefined, true)).body.trackingCategories!;
    expect(withArchived.flatMap((c) => c.options!).some((o) => String(o.status) === "ARCHIVED")).toBe(true);
    const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
    expect((await raw("/api.xro/2.0/TrackingCategories", { "If-Modified-Since": future })).TrackingCategories).toHaveLength(2);

    const region = active[0]!;
    const options = async (archived = false) => (await xero.accountingApi.getTrackingCategory(tenantId, region.trackingCategoryID!)).body.trackingCategories![0]!.options!.filter((o) => archived || String(o.status) === "ACTIVE");
    const count = (await options()).length;
    const ids = async () => new Set((await options(true)).map((o) => o.trackingOptionID));
    const names = new Map((await options(true)).map((o) => [o.trackingOptionID, o.name]));
    let changes: Change[] = [];
    for (let i = 0; i < 8 && !changes.some((c) => c.id === region.trackingCategoryID); i++) changes = await mutate("trackingCategories", ["addOption"]);
    expect((await options()).length).toBe(count + 1);
    const before = await ids();
    for (let i = 0; i < 8 && (await ids()).size === before.size; i++) await mutate("trackingCategories", ["deleteOption"]);
    const afterDelete = await ids();
    expect(afterDelete.size).toBe(before.size - 1);
    const deletedId = [...before].find((id) => !afterDelete.has(id))!;
    const truth = await state<{ id: string; deletedOptions: { id: string }[] }>("trackingCategories");
    expect(truth.find((c) => c.id === region.trackingCategoryID)!.deletedOptions.map((o) => o.id)).toContain(deletedId);
    await mutate("trackingCategories", ["renameOption"], 2);
    const renamed = (await options(true)).filter((o) => names.has(o.trackingOptionID) && names.get(o.trackingOptionID) !== o.name);
    expect(renamed.length).toBeGreaterThan(0);
  });
});

describe("Journals", () => {
  it("100 per offset, JournalNumber > offset ascending, over 2,500 reachable; CreatedDateUTC follows the number", async () => {
    const first = (await xero.accountingApi.getJournals(tenantId)).body.journals!;
    expect(first.map((j) => j.journalNumber)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const mid = (await xero.accountingApi.getJournals(tenantId, undefined, 2450)).body.journals!;
    expect(mid.map((j) => j.journalNumber)).toEqual(Array.from({ length: 100 }, (_, i) => 2451 + i));
    // Journals take neither page nor pageSize.
    expect(((await raw("/api.xro/2.0/Journals?offset=10&page=3&pageSize=5")).Journals as Json[]).map((j) => j.JournalNumber)).toEqual(Array.from({ length: 100 }, (_, i) => 11 + i));
    const all = await allJournals();
    expect(all.length).toBeGreaterThan(2500);
    expect(all.map((j) => j.journalNumber)).toEqual(all.map((_, i) => i + 1));
    for (let i = 1; i < all.length; i++) expect(all[i]!.createdDateUTC!.getTime()).toBeGreaterThanOrEqual(all[i - 1]!.createdDateUTC!.getTime());
    expect((await xero.accountingApi.getJournals(tenantId, undefined, all.length)).body.journals).toEqual([]);

    const byId = (await xero.accountingApi.getJournal(tenantId, all[41]!.journalID!)).body.journals![0]!;
    expect(byId.journalNumber).toBe(42);
    expect((await xero.accountingApi.getJournalByNumber(tenantId, 42)).body.journals![0]!.journalID).toBe(all[41]!.journalID);
  });

  it("balance to zero on real accounts and agree with the invoices and payments they come from", async () => {
    const all = await allJournals();
    const codes = new Set((await xero.accountingApi.getAccounts(tenantId)).body.accounts!.map((a) => a.code));
    const cents = (n: number | undefined) => Math.round((n ?? 0) * 100);
    for (const j of all) {
      let sum = 0;
      for (const l of j.journalLines!) {
        expect(codes.has(l.accountCode), l.accountCode).toBe(true);
        expect(cents(l.grossAmount)).toBe(cents(l.netAmount) + cents(l.taxAmount));
        sum += cents(l.netAmount);
      }
      expect(sum, `journal ${j.journalNumber}`).toBe(0);
    }
    const bySource = new Map<string, Journal[]>();
    for (const j of all) bySource.set(j.sourceID!, [...(bySource.get(j.sourceID!) ?? []), j]);
    const invoices = await state<{ id: string; type: string; status: string; total: string; currencyRate: number }>("invoices");
    for (const inv of invoices) {
      const js = bySource.get(inv.id) ?? [];
      if (inv.status === "AUTHORISED" || inv.status === "PAID") {
        expect(js.length, inv.id).toBe(1);
        expect(String(js[0]!.sourceType)).toBe(inv.type);
        const control = js[0]!.journalLines!.find((l) => l.accountCode === (inv.type === "ACCREC" ? "610" : "800"))!;
        if (inv.currencyRate === 1) expect(Math.abs(cents(control.netAmount))).toBe(Math.round(Number(inv.total) * 100));
      } else if (inv.status === "VOIDED") {
        // Posted, then reversed.
        expect(js.length, inv.id).toBe(2);
        expect(js[1]!.journalLines!.map((l) => -cents(l.netAmount))).toEqual(js[0]!.journalLines!.map((l) => cents(l.netAmount)));
      } else expect(js, inv.id).toEqual([]);
    }
    // Credit notes, spend / receive money (and those behind overpayments and prepayments), manual journals.
    const expected: Record<string, (status: string) => number> = {
      creditNotes: (st) => (st === "AUTHORISED" || st === "PAID" ? 1 : st === "VOIDED" ? 2 : 0),
      bankTransactions: (st) => (st === "AUTHORISED" ? 1 : 2),
      manualJournals: (st) => (st === "POSTED" ? 1 : st === "VOIDED" ? 2 : 0),
    };
    const types = new Set<string>();
    for (const [entity, count] of Object.entries(expected)) {
      const docs = await state<{ id: string; status: string }>(entity);
      expect(docs.length, entity).toBeGreaterThan(0);
      for (const d of docs) {
        const js = bySource.get(d.id) ?? [];
        expect(js.length, `${entity} ${d.id} ${d.status}`).toBe(count(d.status));
        for (const j of js) types.add(String(j.sourceType));
      }
    }
    for (const type of ["ACCRECCREDIT", "ACCPAYCREDIT", "CASHREC", "CASHPAID", "AROVERPAYMENT", "ARPREPAYMENT", "APPREPAYMENT", "MANJOURNAL"]) expect(types, type).toContain(type);
    const payments = await state<{ id: string; status: string; paymentType: string; accountCode: string }>("payments");
    expect(payments.length).toBeGreaterThan(500);
    for (const p of payments) {
      const js = bySource.get(p.id) ?? [];
      expect(js.length, p.id).toBe(p.status === "DELETED" ? 2 : 1);
      expect(String(js[0]!.sourceType)).toBe(p.paymentType);
      expect(js[0]!.journalLines!.map((l) => l.accountCode)).toContain(p.accountCode);
    }
  });

  it("new journals follow the documents (authorise, pay, void, edit, a deleted payment, manual journals, bank transactions, credit notes); If-Modified-Since on CreatedDateUTC", async () => {
    await mutate("manualJournals", ["create"], 8); // drafts to post
    const before = await allJournals();
    const since = await tick();
    const authorised = await mutate("invoices", ["authorise"], 2);
    const paid = await mutate("invoices", ["pay"], 2);
    const voided = await mutate("invoices", ["void"], 1);
    const removed = await mutate("payments", ["delete"], 1);
    const edited = await mutate("invoices", ["edit"], 12);
    const manual = [...(await mutate("manualJournals", ["post"], 2)), ...(await mutate("manualJournals", ["void"], 2))];
    const spent = [...(await mutate("bankTransactions", ["create"], 2)), ...(await mutate("bankTransactions", ["delete"], 2))];
    const credited = [...(await mutate("creditNotes", ["authorise"], 2)), ...(await mutate("creditNotes", ["void"], 2))];
    const fresh: Journal[] = [];
    for (let batch = (await xero.accountingApi.getJournals(tenantId, new Date(since))).body.journals!; batch.length; ) {
      fresh.push(...batch);
      batch = batch.length < 100 ? [] : (await xero.accountingApi.getJournals(tenantId, new Date(since), batch[batch.length - 1]!.journalNumber)).body.journals!;
    }
    expect(fresh.map((j) => j.journalNumber)).toEqual(fresh.map((_, i) => before.length + 1 + i));
    const sources = fresh.map((j) => j.sourceID);
    for (const c of [...authorised, ...voided]) expect(sources).toContain(c.id);
    const payState = await state<{ id: string; invoiceId: string; status: string }>("payments");
    for (const c of paid) expect(payState.some((p) => p.invoiceId === c.id && sources.includes(p.id))).toBe(true);
    const deletedPayment = removed.find((c) => c.entity === "payments")!;
    expect(fresh.filter((j) => j.sourceID === deletedPayment.id)).toHaveLength(1);
    // Editing an authorised invoice reverses its journal and posts the new lines; a draft posts nothing.
    const editedAuthorised = edited.filter((c) => c.status === "AUTHORISED");
    expect(editedAuthorised.length).toBeGreaterThan(0);
    for (const c of edited) {
      const posted = fresh.filter((j) => j.sourceID === c.id && !authorised.some((a) => a.id === c.id));
      if (c.status !== "AUTHORISED") {
        expect(posted, c.id).toEqual([]);
        continue;
      }
      expect(posted, c.id).toHaveLength(2);
      const previous = [...before].reverse().find((j) => j.sourceID === c.id)!;
      expect(posted[0]!.journalLines!.map((l) => -(l.netAmount ?? 0))).toEqual(previous.journalLines!.map((l) => l.netAmount ?? 0));
      expect(posted[1]!.journalLines!.map((l) => l.netAmount)).not.toEqual(previous.journalLines!.map((l) => l.netAmount));
    }
    // Posting or voiding a manual journal, entering or deleting spend / receive money, approving or voiding a credit note.
    const documents = [...manual, ...spent, ...credited].filter((x) => ["manualJournals", "bankTransactions", "creditNotes"].includes(x.entity));
    expect(new Set(documents.map((c) => `${c.entity} ${c.kind}`)).size).toBe(6);
    // Each of these changes posts exactly one journal; a void or delete reverses the one before it.
    for (const id of new Set(documents.map((c) => c.id))) {
      const mine = documents.filter((c) => c.id === id);
      const posted = fresh.filter((j) => j.sourceID === id);
      expect(posted.length, `${mine[0]!.entity} ${mine.map((c) => c.kind).join(",")}`).toBe(mine.length);
      const history = [...before, ...fresh].filter((j) => j.sourceID === id);
      if (["void", "delete"].includes(mine[mine.length - 1]!.kind)) {
        expect(history.at(-1)!.journalLines!.map((l) => -(l.netAmount ?? 0))).toEqual(history.at(-2)!.journalLines!.map((l) => l.netAmount ?? 0));
      }
    }
    // The journals before are untouched (journals are never edited), and cannot be changed directly.
    await expect(mutate("journals", [])).rejects.toThrow(/400 .*journals cannot be changed directly/);
    const again = await allJournals();
    expect(JSON.stringify(again.slice(0, before.length))).toBe(JSON.stringify(before));
    // paymentsOnly
    const pays = (await xero.accountingApi.getJournals(tenantId, undefined, before.length, true)).body.journals!;
    expect(pays.length).toBeGreaterThan(0);
    for (const j of pays) expect(["ACCRECPAYMENT", "ACCPAYPAYMENT"]).toContain(String(j.sourceType));
  });

  it("need accounting.journals.read: without it Xero answers 401 (other settings read fine)", async () => {
    // Users of their own: Xero adds a user's earlier scopes for the app to a new consent.
    const plain = (await connect(sim, configFor(sim), { user: "1" })).access_token!;
    const other = createApiClient(configFor(sim), plain);
    const err = await rejection(other.accountingApi.getJournals(tenantId));
    expect(err.status).toBe(401);
    expect(err.body).toMatchObject({ Detail: "AuthorizationUnsuccessful" });
    expect((await other.accountingApi.getAccounts(tenantId)).body.accounts!.length).toBeGreaterThan(0);
    expect((await other.accountingApi.getTaxRates(tenantId)).body.taxRates!.length).toBeGreaterThan(0);
    const onlyJournals = (await connect(sim, configFor(sim, { scopes: ["openid", "offline_access", "accounting.journals.read"] }), { user: "2" })).access_token!;
    expect((await createApiClient(configFor(sim), onlyJournals).accountingApi.getJournals(tenantId)).body.journals).toHaveLength(100);
    expect((await rejection(createApiClient(configFor(sim), onlyJournals).accountingApi.getItems(tenantId))).status).toBe(401);
  });
});

describe("the state file", () => {
  it("keeps hard deletes, tracking options and the journals with their numbering across a restart", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "xero-sim-ledger-"));
    try {
      const first = await startDemoSimulator({ port: 0, dataDir: dir, redirectUris: [] });
      const t = first.sim.tenantList()[0]!.id;
      const read = async (s: RunningSimulator, entity: string, extra = "") => ctl<Json[]>(s, "GET", `/__sim/state?tenantId=${t}&entity=${entity}${extra}`);
      await ctl(first, "POST", "/__sim/mutate", { tenantId: t, entity: "items", count: 1, kinds: ["delete"] });
      await ctl(first, "POST", "/__sim/mutate", { tenantId: t, entity: "trackingCategories", count: 1, kinds: ["deleteOption"] });
      await ctl(first, "POST", "/__sim/mutate", { tenantId: t, entity: "invoices", count: 2, kinds: ["authorise"] });
      const before = { items: await read(first, "items"), deleted: await read(first, "items", "&deleted=1"), tracking: await read(first, "trackingCategories"), journals: await read(first, "journals") };
      await first.close();

      const second = await startDemoSimulator({ port: 0, dataDir: dir, redirectUris: [] });
      try {
        expect(second.restored).toBe(true);
        expect(await read(second, "items")).toEqual(before.items);
        expect(await read(second, "items", "&deleted=1")).toEqual(before.deleted);
        expect(await read(second, "trackingCategories")).toEqual(before.tracking);
        expect(await read(second, "journals")).toEqual(before.journals);
        await ctl(second, "POST", "/__sim/mutate", { tenantId: t, entity: "invoices", count: 1, kinds: ["void"] });
        const after = (await read(second, "journals")) as { number: number; reversal: boolean }[];
        expect(after.length).toBe(before.journals.length + 1);
        expect(after[after.length - 1]).toMatchObject({ number: before.journals.length + 1, reversal: true });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
