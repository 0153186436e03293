/**
 * Manual journals: the pure mapper from one manual journal as Xero sent it on the wire (see
 * invoices/map.ts) to a `manual_journals` row, and its journal lines to `manual_journal_lines`
 * rows (account, amount and tax as typed columns, so a ledger account's journals are a query).
 */
import type { NewManualJournal, NewManualJournalLine } from "./table";
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";

/** The fields of Xero's `ManualJournalLine` the mapper reads. */
export interface XeroManualJournalLineWire {
  LineAmount?: number;
  AccountCode?: string;
  AccountID?: string;
  Description?: string;
  TaxType?: string;
  TaxAmount?: number;
  IsBlank?: boolean;
  Tracking?: unknown[];
}

/** The fields of Xero's `ManualJournal` the mapper reads. */
export interface XeroManualJournalWire {
  ManualJournalID?: string;
  Narration?: string;
  Status?: string;
  Date?: unknown;
  LineAmountTypes?: string;
  ShowOnCashBasisReports?: boolean;
  HasAttachments?: boolean;
  JournalLines?: XeroManualJournalLineWire[];
  UpdatedDateUTC?: unknown;
}

/**
 * The exact sum of decimal strings ("12.5" + "0.25" = "12.75"), by integer arithmetic at their
 * largest scale: money is never added as floats.
 */
export function addDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((v) => v.split(".")[1]?.length ?? 0));
  let sum = 0n;
  for (const v of values) {
    const negative = v.startsWith("-");
    const [whole = "0", fraction = ""] = (negative ? v.slice(1) : v).split(".");
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    sum += negative ? -units : units;
  }
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

const lines = (wire: XeroManualJournalWire): XeroManualJournalLineWire[] => (Array.isArray(wire.JournalLines) ? wire.JournalLines : []);

/** One manual journal as a row; `raw` is the record as Xero sent it (see mapInvoice). */
export function mapManualJournal(tenantId: string, wire: XeroManualJournalWire, raw: unknown = wire): NewManualJournal {
  const record = wire as Record<string, unknown>;
  const manualJournalId = recordId("manual journal", record, "ManualJournalID");
  const field = fieldsOf("manual journal", manualJournalId);
  const amounts = lines(wire).map((line, i) => field(`JournalLines[${i}].LineAmount`, toDecimalString, line?.LineAmount));
  const debits = amounts.filter((a): a is string => a !== null && !a.startsWith("-") && !/^0(\.0+)?$/.test(a));
  return {
    tenantId,
    manualJournalId,
    narration: str(wire.Narration) ?? "",
    status: str(wire.Status) ?? "DRAFT",
    date: field("Date", toDateOnly, wire.Date),
    lineAmountTypes: str(wire.LineAmountTypes),
    // Xero's default when the field is left out.
    showOnCashBasisReports: wire.ShowOnCashBasisReports !== false,
    totalDebit: addDecimals(debits),
    hasAttachments: wire.HasAttachments === true,
    xeroUpdatedAt: recordUpdated("manual journal", manualJournalId, record),
    raw,
  };
}

/** The journal's lines as `manual_journal_lines` rows (tenantId is added by the write). */
export function mapManualJournalLines(manualJournalId: string, wire: XeroManualJournalWire): Omit<NewManualJournalLine, "tenantId">[] {
  const field = fieldsOf("manual journal", manualJournalId);
  return lines(wire).map((line, i) => ({
    manualJournalId,
    lineNumber: i + 1,
    accountId: str(line?.AccountID),
    accountCode: str(line?.AccountCode),
    description: str(line?.Description),
    lineAmount: field(`JournalLines[${i}].LineAmount`, toDecimalString, line?.LineAmount),
    taxType: str(line?.TaxType),
    taxAmount: field(`JournalLines[${i}].TaxAmount`, toDecimalString, line?.TaxAmount),
    isBlank: line?.IsBlank === true,
    tracking: Array.isArray(line?.Tracking) && line.Tracking.length ? line.Tracking : null,
  }));
}
