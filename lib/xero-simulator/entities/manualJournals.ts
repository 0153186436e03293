/**
 * Manual journals (GET /ManualJournals): an accountant's adjustments, lines that balance to zero
 * (debits positive, credits negative) on the chart's accounts. DRAFT → POSTED, VOIDED (posted) or
 * DELETED (draft). Lines derive from (seed, rev) and come with every answer.
 */
import type { Tenant } from "../data";
import { DAY_MS, dayOf, money, moneyString, msDate, msDay } from "../format";
import { type Rng, int, mix, pick, rng, uuid } from "../prng";
import { NO_TAX, accountId, chartFor } from "./chart";
import { dayFor, isoDay, pickEligible, updatedAfter } from "./common";
import { defineEntity } from "./define";
import { addRecord, change, store } from "./store";

export interface ManualJournalRec {
  id: string;
  seed: number;
  rev: number;
  status: "DRAFT" | "POSTED" | "DELETED" | "VOIDED";
  narration: string;
  dateDay: number;
  cashBasis: boolean;
  updatedMs: number;
}

const NARRATIONS = ["Depreciation for the month", "Accrued expenses", "Prepaid insurance released", "Payroll accrual", "Year-end adjustment", "Reclassify office costs", "Owner drawings", "Correct miscoded expense", "Bad debt provision", "Opening balances"];

export interface JournalLine {
  code: string;
  cents: number;
  description: string;
}

/** The lines of a journal: a pure function of (seed, rev); they sum to zero. */
export function journalLines(t: Tenant, j: Pick<ManualJournalRec, "seed" | "rev">): JournalLine[] {
  const r = rng(mix(j.seed, j.rev, 0x3a1));
  const accounts = chartFor(t.profile);
  const debits = int(r, 1, 3);
  const lines: JournalLine[] = [];
  let sum = 0;
  for (let i = 0; i < debits; i++) {
    const cents = int(r, 5_000, 500_000);
    sum += cents;
    lines.push({ code: pick(r, accounts).code, cents, description: pick(r, NARRATIONS) });
  }
  lines.push({ code: pick(r, accounts).code, cents: -sum, description: "Balancing entry" });
  return lines;
}

function newJournal(r: Rng, status: ManualJournalRec["status"], dateDay: number, updatedMs: number): ManualJournalRec {
  return { id: uuid(r), seed: Math.floor(r() * 2 ** 32), rev: 0, status, narration: pick(r, NARRATIONS), dateDay, cashBasis: r() < 0.9, updatedMs };
}

export const manualJournals = defineEntity<ManualJournalRec>({
  name: "manualJournals",
  endpoint: "ManualJournals",
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.manualjournals", "accounting.manualjournals.read"],
  paging: "paged",

  defaultCount: (t) => (t.invoices.length ? Math.max(3, Math.round(t.invoices.length * 0.003)) : 0),

  generate(_t, r, count, anchorMs) {
    const list: ManualJournalRec[] = [];
    const today = dayOf(anchorMs);
    for (let i = 0; i < count; i++) {
      const day = dayFor(anchorMs, i, count, r);
      const roll = r();
      const status = today - day < 30 && roll < 0.2 ? "DRAFT" : roll < 0.9 ? "POSTED" : roll < 0.95 ? "VOIDED" : "DELETED";
      list.push(newJournal(r, status, day, updatedAfter(day, anchorMs, r)));
    }
    return list;
  },

  json(t, j) {
    const noTax = NO_TAX[t.profile.countryCode];
    return {
      Date: msDay(j.dateDay),
      Status: j.status,
      LineAmountTypes: "NoTax",
      UpdatedDateUTC: msDate(j.updatedMs),
      ManualJournalID: j.id,
      Narration: j.narration,
      JournalLines: journalLines(t, j).map((l) => ({
        Description: l.description,
        TaxType: noTax,
        LineAmount: money(l.cents),
        AccountCode: l.code,
        AccountID: accountId(t, l.code),
        Tracking: [],
        IsBlank: false,
        TaxAmount: 0,
      })),
      ShowOnCashBasisReports: j.cashBasis,
      HasAttachments: false,
    };
  },

  fields: {
    manualjournalid: (_t, j) => j.id,
    narration: (_t, j) => j.narration,
    status: (_t, j) => j.status,
    date: (_t, j) => j.dateDay * DAY_MS,
    updateddateutc: (_t, j) => j.updatedMs,
    showoncashbasisreports: (_t, j) => j.cashBasis,
  },

  mutations: ["create", "edit", "post", "void", "delete"],

  mutate(t, r, kind, nowMs, touched) {
    if (kind === "create") {
      const j = addRecord(t, "manualJournals", newJournal(r, r() < 0.5 ? "DRAFT" : "POSTED", dayOf(nowMs), nowMs));
      touched.add(j.id);
      return [change("manualJournals", j, kind, j.status, true)];
    }
    const from: Record<string, ManualJournalRec["status"]> = { edit: "DRAFT", post: "DRAFT", delete: "DRAFT", void: "POSTED" };
    const j = pickEligible(r, store<ManualJournalRec>(t, "manualJournals").list, (x) => x.status === from[kind], touched);
    if (!j) return [];
    touched.add(j.id);
    if (kind === "edit") {
      j.rev++;
      j.narration = pick(r, NARRATIONS);
    } else j.status = kind === "post" ? "POSTED" : kind === "void" ? "VOIDED" : "DELETED";
    j.updatedMs = nowMs;
    return [change("manualJournals", j, kind, j.status)];
  },

  state(t, j) {
    return {
      id: j.id,
      status: j.status,
      narration: j.narration,
      date: isoDay(j.dateDay),
      showOnCashBasisReports: j.cashBasis,
      lines: journalLines(t, j).map((l) => ({ accountCode: l.code, accountId: accountId(t, l.code), lineAmount: moneyString(l.cents) })),
      updatedDateUtc: new Date(j.updatedMs).toISOString(),
    };
  },
});
