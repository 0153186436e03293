/**
 * Contacts: the pure mapper from a xero-node `Contact` model (plus the JSON Xero sent for it) to
 * a `contacts` row. Archived contacts are states, not deletions (DESIGN.md point 5): the engine
 * asks with includeArchived=true and the row keeps contact_status ARCHIVED.
 */
import type { NewContact } from "@/lib/db/schema";
import { toInstant } from "./values";

/** The fields of xero-node's `Contact` model the mapper reads. */
export interface XeroContactLike {
  contactID?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  emailAddress?: string;
  contactNumber?: string;
  accountNumber?: string;
  contactStatus?: string | number;
  isCustomer?: boolean;
  isSupplier?: boolean;
  defaultCurrency?: string | number;
  taxNumber?: string;
  updatedDateUTC?: unknown;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/** One contact as a row; `raw` is the contact as Xero sent it (the model when absent). */
export function mapContact(tenantId: string, model: XeroContactLike, raw?: unknown): NewContact {
  const contactId = model.contactID;
  if (!contactId) throw new TypeError("contact without ContactID");
  const updated = toInstant(model.updatedDateUTC);
  if (!updated) throw new TypeError(`contact ${contactId} without UpdatedDateUTC`);
  return {
    tenantId,
    contactId,
    name: model.name ?? "",
    firstName: str(model.firstName),
    lastName: str(model.lastName),
    emailAddress: str(model.emailAddress),
    contactNumber: str(model.contactNumber),
    accountNumber: str(model.accountNumber),
    contactStatus: str(model.contactStatus) ?? "ACTIVE",
    isCustomer: model.isCustomer === true,
    isSupplier: model.isSupplier === true,
    defaultCurrency: str(model.defaultCurrency),
    taxNumber: str(model.taxNumber),
    xeroUpdatedAt: updated,
    raw: raw ?? model,
  };
}
