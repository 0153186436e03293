/**
 * Accounts: the chart of accounts (chart.ts) as Xero serves it, unpaged (every account in one
 * answer, page ignored) with If-Modified-Since. Besides the standard chart an organisation has a
 * few accounts of its own, which no document uses: only those can be archived or deleted (Xero
 * deletes an unused account outright, so it is gone from the answers; /__sim/state keeps it).
 */
import type { Tenant } from "../data";
import { msDate } from "../format";
import { int, pick } from "../prng";
import { type ChartAccount, accountId, chartFor } from "./chart";
import { addRecord, change, hardDelete, store } from "./store";
import { defineEntity } from "./define";
import type { SimRecord } from "./types";

export interface AccountRec extends SimRecord, ChartAccount {
  status: "ACTIVE" | "ARCHIVED";
  /** One of the organisation's own accounts (no document posts to it): it may be archived or deleted. */
  custom: boolean;
}

const NAME = "accounts";
const OWN: readonly (readonly [name: string, type: string, cls: ChartAccount["class"]])[] = [
  ["Charitable Donations", "EXPENSE", "EXPENSE"],
  ["Legal Expenses", "EXPENSE", "EXPENSE"],
  ["Staff Training", "EXPENSE", "EXPENSE"],
  ["Website Hosting", "OVERHEADS", "EXPENSE"],
  ["Commission Income", "OTHERINCOME", "REVENUE"],
  ["Grants Received", "OTHERINCOME", "REVENUE"],
  ["Conference Costs", "EXPENSE", "EXPENSE"],
  ["Recruitment", "OVERHEADS", "EXPENSE"],
];

function own(t: Tenant, code: string, i: number, updatedMs: number): AccountRec {
  const [base, type, cls] = OWN[i % OWN.length]!;
  const name = i < OWN.length ? base : `${base} ${Math.floor(i / OWN.length) + 1}`;
  const tax = cls === "REVENUE" ? t.profile.salesTax.type : t.profile.purchasesTax.type;
  return { id: accountId(t, code), code, name, type, class: cls, taxType: tax, status: "ACTIVE", custom: true, updatedMs };
}

/** The next free code in the 5xx range (the standard chart leaves it empty). */
function freeCode(t: Tenant): string {
  const s = store<AccountRec>(t, NAME);
  const taken = new Set([...s.list, ...s.deleted].map((a) => a.code).concat(chartFor(t.profile).map((a) => a.code)));
  let n = 500;
  while (taken.has(String(n))) n++;
  return String(n);
}

function bankType(a: ChartAccount) {
  return a.type === "BANK" ? "BANK" : "";
}

export const accounts = defineEntity<AccountRec>({
  name: NAME,
  endpoint: "Accounts",
  scopes: ["accounting.settings", "accounting.settings.read"],
  paging: "unpaged",
  // The standard chart plus a few of the organisation's own (more in larger organisations).
  defaultCount: (t) => chartFor(t.profile).length + Math.min(24, 2 + Math.floor(t.invoices.length / 4000)),
  generate(t, r, count, anchorMs) {
    const chart = chartFor(t.profile);
    const out: AccountRec[] = [];
    // The chart comes with the organisation: every document refers to it, so it is always there.
    for (const a of chart) out.push({ ...a, id: accountId(t, a.code), status: "ACTIVE", custom: false, updatedMs: t.createdMs });
    // Codes 500, 505, … skipping any the chart already has (codes are unique in an organisation,
    // and an account's id derives from its code).
    const inChart = new Set(chart.map((a) => a.code));
    for (let i = 0, n = 500; out.length < count; i++, n += 5) {
      while (inChart.has(String(n))) n += 5;
      const code = String(n);
      const rec = own(t, code, i, t.createdMs + int(r, 0, Math.max(0, anchorMs - t.createdMs - 60_000)));
      if (r() < 0.25) rec.status = "ARCHIVED";
      out.push(rec);
    }
    return out;
  },
  json(t, a) {
    return {
      AccountID: a.id,
      Code: a.code,
      Name: a.name,
      Status: a.status,
      Type: a.type,
      TaxType: a.taxType,
      ...(a.description ? { Description: a.description } : {}),
      Class: a.class,
      ...(a.systemAccount ? { SystemAccount: a.systemAccount } : {}),
      EnablePaymentsToAccount: false,
      ShowInExpenseClaims: a.class === "EXPENSE",
      ...(a.type === "BANK" ? { BankAccountNumber: a.bankAccountNumber ?? "", BankAccountType: bankType(a), CurrencyCode: t.profile.baseCurrency } : {}),
      ReportingCode: a.class.slice(0, 3),
      ReportingCodeName: a.class.charAt(0) + a.class.slice(1).toLowerCase(),
      HasAttachments: false,
      UpdatedDateUTC: msDate(a.updatedMs),
      AddToWatchlist: false,
    };
  },
  fields: {
    accountid: (_t, a) => a.id,
    code: (_t, a) => a.code,
    name: (_t, a) => a.name,
    status: (_t, a) => a.status,
    type: (_t, a) => a.type,
    class: (_t, a) => a.class,
    taxtype: (_t, a) => a.taxType,
    systemaccount: (_t, a) => a.systemAccount ?? null,
    bankaccountnumber: (_t, a) => a.bankAccountNumber ?? null,
    updateddateutc: (_t, a) => a.updatedMs,
  },
  mutations: ["create", "edit", "archive", "unarchive", "delete"],
  mutate(t, r, kind, nowMs, touched) {
    const s = store<AccountRec>(t, NAME);
    if (kind === "create") {
      const code = freeCode(t);
      const rec = addRecord(t, NAME, own(t, code, int(r, 0, OWN.length * 3 - 1), nowMs));
      touched.add(rec.id);
      return [change(NAME, rec, kind, rec.status, true)];
    }
    const ok = (a: AccountRec): boolean => {
      if (touched.has(a.id)) return false;
      if (kind === "edit") return !a.systemAccount;
      if (!a.custom) return false;
      if (kind === "archive") return a.status === "ACTIVE";
      if (kind === "unarchive") return a.status === "ARCHIVED";
      return true;
    };
    const candidates = s.list.filter(ok);
    if (!candidates.length) return [];
    const a = pick(r, candidates);
    touched.add(a.id);
    a.updatedMs = nowMs;
    switch (kind) {
      case "edit":
        a.description = `${a.name}: updated ${new Date(nowMs).toISOString().slice(0, 10)} (${int(r, 1, 999)})`;
        break;
      case "archive":
        a.status = "ARCHIVED";
        break;
      case "unarchive":
        a.status = "ACTIVE";
        break;
      case "delete":
        hardDelete(t, NAME, a);
        return [change(NAME, a, kind, "DELETED")];
    }
    return [change(NAME, a, kind, a.status)];
  },
  state: (_t, a) => ({
    id: a.id,
    code: a.code,
    name: a.name,
    type: a.type,
    class: a.class,
    status: a.status,
    taxType: a.taxType,
    systemAccount: a.systemAccount ?? null,
    custom: a.custom,
    updatedDateUtc: new Date(a.updatedMs).toISOString(),
  }),
});
