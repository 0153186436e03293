/**
 * Contacts: the pure mapper from one contact as Xero sent it on the wire (see invoices.ts) to a
 * `contacts` row, which keeps that JSON in `raw`. Archived contacts are states, not deletions: the engine
 * asks with includeArchived=true and the row keeps contact_status ARCHIVED.
 */
import type { NewContact } from "./table";
import { XeroRecordError } from "@/lib/sync/errors";
import { fieldsOf, toInstant } from "../values";

/** The fields of Xero's `Contact` the mapper reads. */
export interface XeroContactWire {
  ContactID?: string;
  Name?: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  ContactNumber?: string;
  AccountNumber?: string;
  ContactStatus?: string;
  IsCustomer?: boolean;
  IsSupplier?: boolean;
  DefaultCurrency?: string;
  TaxNumber?: string;
  UpdatedDateUTC?: unknown;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/** One contact as a row; `raw` is the contact as Xero sent it (see mapInvoice). */
export function mapContact(tenantId: string, wire: XeroContactWire, raw: unknown = wire): NewContact {
  const contactId = wire.ContactID;
  if (typeof contactId !== "string" || !contactId) throw new XeroRecordError("contact", undefined, "ContactID", "is missing or not a string");
  const updated = fieldsOf("contact", contactId)("UpdatedDateUTC", toInstant, wire.UpdatedDateUTC);
  if (!updated) throw new XeroRecordError("contact", contactId, "UpdatedDateUTC", "is missing");
  return {
    tenantId,
    contactId,
    name: wire.Name ?? "",
    firstName: str(wire.FirstName),
    lastName: str(wire.LastName),
    emailAddress: str(wire.EmailAddress),
    contactNumber: str(wire.ContactNumber),
    accountNumber: str(wire.AccountNumber),
    contactStatus: str(wire.ContactStatus) ?? "ACTIVE",
    isCustomer: wire.IsCustomer === true,
    isSupplier: wire.IsSupplier === true,
    defaultCurrency: str(wire.DefaultCurrency),
    taxNumber: str(wire.TaxNumber),
    xeroUpdatedAt: updated,
    raw,
  };
}
