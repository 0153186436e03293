import { describe, expect, it } from "vitest";
import { accountsEntity } from "@/lib/entities/accounts";
import { toInstant } from "@/lib/entities/values";
import { XeroRecordError } from "@/lib/sync/errors";
import { bool, expectLossless, specExamples, text, type FieldMap } from "./spec-examples";

const FIELDS: FieldMap = [
  ["accountId", "AccountID"],
  ["code", "Code", text],
  ["name", "Name", (v) => v ?? ""],
  ["type", "Type", text],
  ["class", "Class", text],
  ["status", "Status", (v) => text(v) ?? "ACTIVE"],
  ["description", "Description", text],
  ["taxType", "TaxType", text],
  ["systemAccount", "SystemAccount", text],
  ["bankAccountNumber", "BankAccountNumber", text],
  ["bankAccountType", "BankAccountType", text],
  ["currencyCode", "CurrencyCode", text],
  ["enablePaymentsToAccount", "EnablePaymentsToAccount", bool],
  ["showInExpenseClaims", "ShowInExpenseClaims", bool],
  ["reportingCode", "ReportingCode", text],
  ["reportingCodeName", "ReportingCodeName", text],
  ["addToWatchlist", "AddToWatchlist", bool],
  ["hasAttachments", "HasAttachments", bool],
  ["xeroUpdatedAt", "UpdatedDateUTC", toInstant],
];

describe("accounts: the mapper against Xero's spec", () => {
  const examples = specExamples("Accounts");

  it("finds the spec's account examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it("maps every example that carries UpdatedDateUTC without loss", () => {
    const dated = examples.filter((e) => e.record.UpdatedDateUTC !== undefined);
    expect(dated.length).toBeGreaterThanOrEqual(4);
    for (const { record } of dated) expectLossless(accountsEntity, record, FIELDS, ["ValidationErrors"]);
  });

  it("refuses the abridged list example (no UpdatedDateUTC: the incremental walk could not order it), naming the field", () => {
    const undated = examples.filter((e) => e.record.UpdatedDateUTC === undefined);
    expect(undated.length).toBeGreaterThan(0);
    for (const { record } of undated) {
      const error = (() => {
        try {
          accountsEntity.map("00000000-0000-4000-8000-000000000001", record, record);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(XeroRecordError);
      expect(String((error as Error).message)).toContain("UpdatedDateUTC");
    }
    // With its timestamp, the same record maps without loss.
    for (const { record } of undated) expectLossless(accountsEntity, { ...record, UpdatedDateUTC: "/Date(1550793549320+0000)/" }, FIELDS, []);
  });

  it("keeps a code with leading zeros as text", () => {
    const row = expectLossless(accountsEntity, { AccountID: "ebd06280-af70-4bed-97c6-7451a454ad85", Code: "091", Name: "Savings", UpdatedDateUTC: "/Date(1550793549320+0000)/" }, FIELDS, []);
    expect(row.code).toBe("091");
  });
});
