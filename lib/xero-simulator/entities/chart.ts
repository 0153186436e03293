/**
 * The chart of accounts per country profile: the one list every fixture takes account codes from
 * (invoice and credit-note line items, bank transactions' BankAccount, manual journal lines,
 * payments' Account) and the accounts fixture serves. AccountIDs derive from the tenant's seed and
 * the code, so every fixture names the same account by the same id without a lookup.
 */
import type { OrgProfile, Tenant } from "../data";
import { hashString, mix, rng, uuid } from "../prng";

export type AccountClass = "ASSET" | "EQUITY" | "EXPENSE" | "LIABILITY" | "REVENUE";

export interface ChartAccount {
  code: string;
  name: string;
  /** Xero's AccountType: BANK, CURRENT, CURRLIAB, DIRECTCOSTS, EQUITY, EXPENSE, FIXED, REVENUE, … */
  type: string;
  class: AccountClass;
  taxType: string;
  /** BANK accounts only. */
  bankAccountNumber?: string;
  /** Xero's SystemAccount (DEBTORS, CREDITORS, GST, RETAINEDEARNINGS, …) where the account is one. */
  systemAccount?: string;
  description?: string;
}

type Row = [code: string, name: string, type: string, cls: AccountClass, tax: "sales" | "purchases" | "none", system?: string];

// Xero's standard chart (as a new organisation gets it), trimmed to the accounts the data uses.
const BASE: Row[] = [
  ["200", "Sales", "REVENUE", "REVENUE", "sales"],
  ["260", "Other Revenue", "REVENUE", "REVENUE", "sales"],
  ["270", "Interest Income", "REVENUE", "REVENUE", "none"],
  ["310", "Cost of Goods Sold", "DIRECTCOSTS", "EXPENSE", "purchases"],
  ["400", "Advertising", "EXPENSE", "EXPENSE", "purchases"],
  ["404", "Bank Fees", "EXPENSE", "EXPENSE", "none"],
  ["408", "Cleaning", "EXPENSE", "EXPENSE", "purchases"],
  ["412", "Consulting & Accounting", "EXPENSE", "EXPENSE", "purchases"],
  ["420", "Entertainment", "EXPENSE", "EXPENSE", "none"],
  ["425", "Freight & Courier", "EXPENSE", "EXPENSE", "purchases"],
  ["429", "General Expenses", "EXPENSE", "EXPENSE", "purchases"],
  ["433", "Insurance", "EXPENSE", "EXPENSE", "purchases"],
  ["445", "Light, Power, Heating", "EXPENSE", "EXPENSE", "purchases"],
  ["449", "Motor Vehicle Expenses", "EXPENSE", "EXPENSE", "purchases"],
  ["453", "Office Expenses", "EXPENSE", "EXPENSE", "purchases"],
  ["461", "Printing & Stationery", "EXPENSE", "EXPENSE", "purchases"],
  ["469", "Rent", "EXPENSE", "EXPENSE", "purchases"],
  ["473", "Repairs and Maintenance", "EXPENSE", "EXPENSE", "purchases"],
  ["477", "Wages and Salaries", "EXPENSE", "EXPENSE", "none"],
  ["485", "Subscriptions", "EXPENSE", "EXPENSE", "purchases"],
  ["489", "Telephone & Internet", "EXPENSE", "EXPENSE", "purchases"],
  ["493", "Travel - National", "EXPENSE", "EXPENSE", "purchases"],
  ["610", "Accounts Receivable", "CURRENT", "ASSET", "none", "DEBTORS"],
  ["620", "Prepayments", "CURRENT", "ASSET", "none"],
  ["630", "Inventory", "INVENTORY", "ASSET", "none"],
  ["710", "Office Equipment", "FIXED", "ASSET", "purchases"],
  ["720", "Computer Equipment", "FIXED", "ASSET", "purchases"],
  ["800", "Accounts Payable", "CURRLIAB", "LIABILITY", "none", "CREDITORS"],
  ["820", "%TAX%", "CURRLIAB", "LIABILITY", "none", "GST"],
  ["825", "Employee Tax Payable", "CURRLIAB", "LIABILITY", "none"],
  ["877", "Tracking Transfers", "CURRLIAB", "LIABILITY", "none"],
  ["880", "Owner A Drawings", "EQUITY", "EQUITY", "none"],
  ["960", "Retained Earnings", "EQUITY", "EQUITY", "none", "RETAINEDEARNINGS"],
  ["970", "Owner A Funds Introduced", "EQUITY", "EQUITY", "none"],
];

const TAX_ACCOUNT: Record<OrgProfile["countryCode"], string> = { GB: "VAT", NZ: "GST", AU: "GST", US: "Sales Tax" };
/** The "no tax" tax type of each country (AU calls it BAS Excluded). */
export const NO_TAX: Record<OrgProfile["countryCode"], string> = { GB: "NONE", NZ: "NONE", AU: "BASEXCLUDED", US: "NONE" };
const BANK_NUMBERS: Record<OrgProfile["countryCode"], [string, string]> = {
  GB: ["20-32-06 40801929", "20-32-06 53947112"],
  NZ: ["12-3456-0123456-00", "12-3456-0123456-01"],
  AU: ["062-000 12345678", "062-000 87654321"],
  US: ["021000021 4012888888", "021000021 4012888899"],
};

const charts = new Map<OrgProfile["countryCode"], ChartAccount[]>();

/** The organisation's chart, BANK accounts first (two: the business account and a savings account). */
export function chartFor(profile: OrgProfile): ChartAccount[] {
  let chart = charts.get(profile.countryCode);
  if (chart) return chart;
  const c = profile.countryCode;
  const bank = BANK_NUMBERS[c];
  chart = [
    { code: "090", name: "Business Bank Account", type: "BANK", class: "ASSET", taxType: NO_TAX[c], bankAccountNumber: bank[0] },
    { code: "091", name: "Business Savings Account", type: "BANK", class: "ASSET", taxType: NO_TAX[c], bankAccountNumber: bank[1] },
    ...BASE.map(([code, name, type, cls, tax, system]): ChartAccount => ({
      code,
      name: name === "%TAX%" ? TAX_ACCOUNT[c] : name,
      type,
      class: cls,
      taxType: tax === "sales" ? profile.salesTax.type : tax === "purchases" ? profile.purchasesTax.type : NO_TAX[c],
      ...(system ? { systemAccount: system } : {}),
    })),
  ];
  charts.set(c, chart);
  return chart;
}

export function bankAccounts(t: Tenant): ChartAccount[] {
  return chartFor(t.profile).filter((a) => a.type === "BANK");
}

export function chartAccount(t: Tenant, code: string): ChartAccount | undefined {
  return chartFor(t.profile).find((a) => a.code === code);
}

/** Codes of accounts a line of this kind may post to. */
export function accountCodes(t: Tenant, cls: "REVENUE" | "EXPENSE"): string[] {
  return chartFor(t.profile).filter((a) => a.class === cls && a.type !== "BANK").map((a) => a.code);
}

const ids = new Map<string, string>();

/** The AccountID of `code` in this organisation (stable: derived from the tenant's seed and the code). */
export function accountId(t: Tenant, code: string): string {
  const key = `${t.seed}:${code}`;
  let id = ids.get(key);
  if (!id) {
    id = uuid(rng(mix(t.seed, hashString(code), 0xacc)));
    ids.set(key, id);
  }
  return id;
}
