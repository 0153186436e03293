/**
 * Journals: the pure mappers from one journal as Xero sent it on the wire to a `journals` row
 * (which keeps that JSON in `raw`, lines included) and to its `journal_lines` rows.
 */
import type { NewJournal, NewJournalLine } from "./table";
import { XeroRecordError } from "@/lib/sync/errors";
import { fieldsOf, recordId, recordUpdated, str, toDateOnly, toDecimalString } from "../values";

/** Xero's `JournalLine`. */
export interface XeroJournalLineWire {
  JournalLineID?: string;
  AccountID?: string;
  AccountCode?: string;
  AccountName?: string;
  AccountType?: string;
  Description?: string;
  NetAmount?: number;
  GrossAmount?: number;
  TaxAmount?: number;
  TaxType?: string;
  TaxName?: string;
}

/** The fields of Xero's `Journal` the mappers read. */
export interface XeroJournalWire {
  JournalID?: string;
  JournalNumber?: number;
  JournalDate?: unknown;
  CreatedDateUTC?: unknown;
  Reference?: string;
  SourceID?: string;
  SourceType?: string;
  JournalLines?: XeroJournalLineWire[];
}

/** One journal as a row; `raw` is the journal as Xero sent it. */
export function mapJournal(tenantId: string, wire: XeroJournalWire, raw: unknown = wire): NewJournal {
  const w = wire as Record<string, unknown>;
  const journalId = recordId("journal", w, "JournalID");
  const number = wire.JournalNumber;
  // The walk's position: without it the next request could not ask past this journal.
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 1) throw new XeroRecordError("journal", journalId, "JournalNumber", "is missing or not a positive integer");
  return {
    tenantId,
    journalId,
    journalNumber: number,
    journalDate: fieldsOf("journal", journalId)("JournalDate", toDateOnly, wire.JournalDate),
    reference: str(wire.Reference),
    sourceId: str(wire.SourceID),
    sourceType: str(wire.SourceType),
    // Never edited: the creation is its only version.
    xeroUpdatedAt: recordUpdated("journal", journalId, w, "CreatedDateUTC"),
    raw,
  };
}

/** The journal's lines as journal_lines rows (without tenantId, which the write adds). */
export function mapJournalLines(journalId: string, wire: XeroJournalWire): Omit<NewJournalLine, "tenantId">[] {
  const field = fieldsOf("journal", journalId);
  return (wire.JournalLines ?? []).map((l, i) => ({
    journalId,
    journalLineId: recordId("journal line", l as Record<string, unknown>, "JournalLineID"),
    position: i + 1,
    accountId: str(l.AccountID),
    accountCode: str(l.AccountCode),
    accountName: str(l.AccountName),
    accountType: str(l.AccountType),
    description: str(l.Description),
    netAmount: field(`JournalLines[${i}].NetAmount`, toDecimalString, l.NetAmount),
    grossAmount: field(`JournalLines[${i}].GrossAmount`, toDecimalString, l.GrossAmount),
    taxAmount: field(`JournalLines[${i}].TaxAmount`, toDecimalString, l.TaxAmount),
    taxType: str(l.TaxType),
    taxName: str(l.TaxName),
  }));
}
