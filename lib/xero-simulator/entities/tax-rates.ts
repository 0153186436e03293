/**
 * TaxRates: keyed by TaxType (text, not a GUID), no UpdatedDateUTC on the record, so Xero ignores
 * If-Modified-Since and every answer is the whole list (a mirror diffs it). Each country has its
 * own set; the rates invoices use (the profile's sales and purchases tax, and no tax) are never
 * changed or deleted, so documents and their journals stay consistent with the rates they name.
 * Xero keeps a deleted rate in the answers with Status DELETED.
 */
import type { Tenant } from "../data";
import { int, pick } from "../prng";
import { chartFor } from "./chart";
import { addRecord, change, store } from "./store";
import { defineEntity } from "./define";
import type { SimRecord } from "./types";


export interface TaxComponentRec {
  name: string;
  /** Percent, e.g. 20 or 4.875. */
  rate: number;
  compound?: boolean;
}

export interface TaxRateRec extends SimRecord {
  /** The TaxType (Xero's key for a tax rate). */
  id: string;
  name: string;
  status: "ACTIVE" | "DELETED" | "ARCHIVED";
  report: string;
  /** What it applies to: A(ssets), E(quity), (e)X(penses), L(iabilities), R(evenue). */
  applies: string;
  components: TaxComponentRec[];
}

type Seed = [taxType: string, name: string, report: string, applies: string, components: TaxComponentRec[] | number, status?: TaxRateRec["status"]];

const INCOME = "AELR";
const EXPENSE = "AELX";

/** Per country: what a new Xero organisation of that country starts with (plus one retired custom rate). */
function seeds(t: Tenant): Seed[] {
  const sales = t.profile.salesTax;
  const purchases = t.profile.purchasesTax;
  const pct = (bp: number) => bp / 100;
  switch (t.profile.countryCode) {
    case "GB":
      return [
        [sales.type, `${pct(sales.bp)}% (VAT on Income)`, "OUTPUT", INCOME, [{ name: "VAT", rate: pct(sales.bp) }]],
        [purchases.type, `${pct(purchases.bp)}% (VAT on Expenses)`, "INPUT", EXPENSE, [{ name: "VAT", rate: pct(purchases.bp) }]],
        ["RROUTPUT", "5% (VAT on Income)", "OUTPUT", INCOME, 5],
        ["RRINPUT", "5% (VAT on Expenses)", "INPUT", EXPENSE, 5],
        ["ZERORATEDOUTPUT", "Zero Rated Income", "OUTPUT", INCOME, 0],
        ["ZERORATEDINPUT", "Zero Rated Expenses", "INPUT", EXPENSE, 0],
        ["EXEMPTOUTPUT", "Exempt Income", "EXEMPTOUTPUT", INCOME, 0],
        ["EXEMPTINPUT", "Exempt Expenses", "EXEMPTINPUT", EXPENSE, 0],
        ["ECZROUTPUT", "Zero Rated EC Goods Income", "ECOUTPUT", INCOME, 0],
        ["ECZROUTPUTSERVICES", "Zero Rated EC Services", "ECOUTPUTSERVICES", INCOME, 0],
        ["ECACQUISITIONS", "20% (VAT on EC Acquisitions)", "ECACQUISITIONS", EXPENSE, 20],
        ["REVERSECHARGES", "Reverse Charge Expenses (20%)", "REVERSECHARGES", EXPENSE, 20],
        ["GSTONIMPORTS", "Postponed import VAT (20%)", "GSTONIMPORTS", EXPENSE, 20],
        ["NONE", "No VAT", "NONE", "AELRX", 0],
        ["TAX001", "17.5% (VAT on Income, before 2011)", "OUTPUT", INCOME, 17.5, "DELETED"],
      ];
    case "NZ":
      return [
        [sales.type, `${pct(sales.bp)}% GST on Income`, "OUTPUT", INCOME, [{ name: "GST", rate: pct(sales.bp) }]],
        [purchases.type, `${pct(purchases.bp)}% GST on Expenses`, "INPUT", EXPENSE, [{ name: "GST", rate: pct(purchases.bp) }]],
        ["ZERORATED", "Zero Rated", "ZERORATEDOUTPUT", INCOME, 0],
        ["EXEMPTOUTPUT", "Exempt Income", "EXEMPTOUTPUT", INCOME, 0],
        ["EXEMPTINPUT", "Exempt Expenses", "EXEMPTINPUT", EXPENSE, 0],
        ["GSTONIMPORTS", "GST on Imports", "GSTONIMPORTS", EXPENSE, 0],
        ["NONE", "No GST", "NONE", "AELRX", 0],
        ["TAX001", "12.5% GST on Income (before 2010)", "OUTPUT", INCOME, 12.5, "DELETED"],
      ];
    case "AU":
      return [
        [sales.type, "GST on Income", "OUTPUT", INCOME, [{ name: "GST", rate: pct(sales.bp) }]],
        [purchases.type, "GST on Expenses", "INPUT", EXPENSE, [{ name: "GST", rate: pct(purchases.bp) }]],
        ["CAPEXINPUT", "GST on Capital", "CAPEXINPUT", "A", 10],
        ["EXEMPTOUTPUT", "GST Free Income", "EXEMPTOUTPUT", INCOME, 0],
        ["EXEMPTEXPENSES", "GST Free Expenses", "EXEMPTEXPENSES", EXPENSE, 0],
        ["EXEMPTCAPITAL", "GST Free Capital", "EXEMPTCAPITAL", "A", 0],
        ["EXEMPTEXPORT", "GST Free Exports", "EXEMPTEXPORT", INCOME, 0],
        ["INPUTTAXED", "Input Taxed", "INPUTTAXED", "AELRX", 0],
        ["BASEXCLUDED", "BAS Excluded", "BASEXCLUDED", "AELRX", 0],
        ["GSTONIMPORTS", "GST on Imports", "GSTONIMPORTS", EXPENSE, 0],
        ["GSTONCAPIMPORTS", "GST on Capital Imports", "GSTONCAPIMPORTS", "A", 0],
        // The tax type the simulated invoices' NoTax lines carry in every country.
        ["NONE", "No GST", "NONE", "AELRX", 0],
        ["TAX001", "Wine Equalisation Tax", "OUTPUT", INCOME, 29, "ARCHIVED"],
      ];
    case "US":
      return [
        [sales.type, "Tax on Sales", "USSALESTAX", INCOME, [{ name: "State Tax", rate: pct(sales.bp) }]],
        [purchases.type, "Tax on Purchases", "INPUT", EXPENSE, [{ name: "State Tax", rate: pct(purchases.bp) }]],
        ["NONE", "Tax Exempt", "NONE", "AELRX", 0],
        ["TAX001", "New York City Sales Tax", "USSALESTAX", INCOME, [{ name: "State Tax", rate: 4 }, { name: "City Tax", rate: 4.875 }]],
        ["TAX002", "Out-of-state Sales", "USSALESTAX", INCOME, 0, "DELETED"],
      ];
  }
}

function rateOf(r: TaxRateRec): number {
  let sum = 0;
  for (const c of r.components) sum += c.rate;
  return Math.round(sum * 10000) / 10000;
}

/** The tax types invoice lines and accounts use: never changed (journal lines carry their names), never deleted. */
function inUse(t: Tenant, id: string): boolean {
  return id === t.profile.salesTax.type || id === t.profile.purchasesTax.type || id === "NONE" || chartFor(t.profile).some((a) => a.taxType === id);
}

function next(t: Tenant): string {
  const ids = new Set(store<TaxRateRec>(t, "taxRates").list.map((r) => r.id));
  let n = 1;
  while (ids.has(`TAX${String(n).padStart(3, "0")}`)) n++;
  return `TAX${String(n).padStart(3, "0")}`;
}

export const taxRates = defineEntity<TaxRateRec>({
  name: "taxRates",
  endpoint: "TaxRates",
  scopes: ["accounting.settings", "accounting.settings.read"],
  paging: "unpaged",
  modifiedSince: false,
  defaultCount: (t) => seeds(t).length,
  generate(t, r, count, anchorMs) {
    const list = seeds(t);
    const out: TaxRateRec[] = [];
    for (let i = 0; i < count; i++) {
      const s = list[i];
      const updatedMs = t.createdMs + int(r, 0, Math.max(0, anchorMs - t.createdMs - 60_000));
      if (s) {
        const [id, name, report, applies, c, status] = s;
        out.push({ id, name, status: status ?? "ACTIVE", report, applies, components: typeof c === "number" ? [{ name: t.profile.countryCode === "GB" ? "VAT" : t.profile.countryCode === "US" ? "State Tax" : "GST", rate: c }] : c, updatedMs: t.createdMs });
      } else {
        // More than the country's set was asked for: custom rates.
        const id = `TAX${String(i + 1).padStart(3, "0")}`;
        out.push({ id: out.some((x) => x.id === id) ? `TAX${String(i + 101).padStart(3, "0")}` : id, name: `Custom rate ${i + 1}`, status: "ACTIVE", report: "OUTPUT", applies: INCOME, components: [{ name: "Tax", rate: int(r, 1, 25) }], updatedMs });
      }
    }
    return out;
  },
  json(_t, rec) {
    const rate = rateOf(rec);
    return {
      Name: rec.name,
      TaxType: rec.id,
      ReportTaxType: rec.report,
      CanApplyToAssets: rec.applies.includes("A"),
      CanApplyToEquity: rec.applies.includes("E"),
      CanApplyToExpenses: rec.applies.includes("X"),
      CanApplyToLiabilities: rec.applies.includes("L"),
      CanApplyToRevenue: rec.applies.includes("R"),
      DisplayTaxRate: rate,
      EffectiveRate: rate,
      Status: rec.status,
      TaxComponents: rec.components.map((c) => ({ Name: c.name, Rate: c.rate, IsCompound: c.compound === true, IsNonRecoverable: false })),
    };
  },
  fields: {
    taxtype: (_t, r) => r.id,
    name: (_t, r) => r.name,
    status: (_t, r) => r.status,
    reporttaxtype: (_t, r) => r.report,
    effectiverate: (_t, r) => rateOf(r),
    displaytaxrate: (_t, r) => rateOf(r),
  },
  mutations: ["create", "rename", "rate", "delete"],
  mutate(t, r, kind, nowMs, touched) {
    const s = store<TaxRateRec>(t, "taxRates");
    if (kind === "create") {
      const rec = addRecord(t, "taxRates", { id: next(t), name: `Custom rate ${int(r, 100, 999)}`, status: "ACTIVE", report: "OUTPUT", applies: INCOME, components: [{ name: "Tax", rate: int(r, 1, 25) }], updatedMs: nowMs } as TaxRateRec);
      touched.add(rec.id);
      return [change("taxRates", rec, kind, rec.status, true)];
    }
    const ok = (x: TaxRateRec) => !touched.has(x.id) && x.status === "ACTIVE" && !inUse(t, x.id);
    const candidates = s.list.filter(ok);
    if (!candidates.length) return [];
    const rec = pick(r, candidates);
    touched.add(rec.id);
    if (kind === "rename") rec.name = `${rec.name.replace(/ \(renamed \d+\)$/, "")} (renamed ${int(r, 2, 99)})`;
    else if (kind === "rate") {
      const first = rec.components[0];
      const rate = first && first.rate > 0 ? Math.max(0.5, first.rate + pick(r, [-2.5, -1, 1, 2.5])) : int(r, 1, 20);
      rec.components = [{ name: first?.name ?? "Tax", rate }, ...rec.components.slice(1)];
    } else rec.status = "DELETED";
    rec.updatedMs = nowMs;
    return [change("taxRates", rec, kind, rec.status)];
  },
  state: (_t, rec) => ({ taxType: rec.id, name: rec.name, status: rec.status, reportTaxType: rec.report, effectiveRate: String(rateOf(rec)), components: rec.components.map((c) => ({ name: c.name, rate: String(c.rate) })), changedUtc: new Date(rec.updatedMs).toISOString() }),
});

/** The tax rate's display name for a TaxType (journal lines carry it), or the type itself. */
export function taxName(t: Tenant, taxType: string): string {
  return store<TaxRateRec>(t, "taxRates").byId.get(taxType.toLowerCase())?.name ?? taxType;
}
