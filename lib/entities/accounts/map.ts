/**
 * Accounts: the pure mapper from one account of the chart as Xero sent it on the wire to an
 * `accounts` row, which keeps that JSON in `raw` (see invoices/map.ts for the conventions).
 */
import type { NewLedgerAccount } from "./table";
import { recordId, recordUpdated, str } from "../values";

/** The fields of Xero's `Account` the mapper reads. */
export interface XeroAccountWire {
  AccountID?: string;
  Code?: string | number;
  Name?: string;
  Type?: string;
  Class?: string;
  Status?: string;
  Description?: string;
  TaxType?: string;
  SystemAccount?: string;
  BankAccountNumber?: string;
  BankAccountType?: string;
  CurrencyCode?: string;
  EnablePaymentsToAccount?: boolean;
  ShowInExpenseClaims?: boolean;
  ReportingCode?: string;
  ReportingCodeName?: string;
  AddToWatchlist?: boolean;
  HasAttachments?: boolean | string;
  UpdatedDateUTC?: unknown;
}

/** One account as a row; `raw` is the account as Xero sent it. */
export function mapAccount(tenantId: string, wire: XeroAccountWire, raw: unknown = wire): NewLedgerAccount {
  const w = wire as Record<string, unknown>;
  const accountId = recordId("account", w, "AccountID");
  return {
    tenantId,
    accountId,
    code: str(wire.Code),
    name: wire.Name ?? "",
    type: str(wire.Type),
    class: str(wire.Class),
    status: str(wire.Status) ?? "ACTIVE",
    description: str(wire.Description),
    taxType: str(wire.TaxType),
    systemAccount: str(wire.SystemAccount),
    bankAccountNumber: str(wire.BankAccountNumber),
    bankAccountType: str(wire.BankAccountType),
    currencyCode: str(wire.CurrencyCode),
    enablePaymentsToAccount: wire.EnablePaymentsToAccount === true,
    showInExpenseClaims: wire.ShowInExpenseClaims === true,
    reportingCode: str(wire.ReportingCode),
    reportingCodeName: str(wire.ReportingCodeName),
    addToWatchlist: wire.AddToWatchlist === true,
    // The spec's own example sends it as the string "false".
    hasAttachments: wire.HasAttachments === true || wire.HasAttachments === "true",
    xeroUpdatedAt: recordUpdated("account", accountId, w),
    raw,
  };
}
