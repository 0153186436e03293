import type { Db } from "../client";
import { contacts, type NewContact } from "../schema";
import { prepareMirrorRow, upsertPreparedBatch, type BatchResult, type MirrorRow, type MirrorSpec, type PreparedRow } from "./mirror-batch";

/** Write side of the contacts mirror (the sync engine's repository). Reads live in lib/contacts. */

const CONTACT_SPEC: MirrorSpec = {
  table: contacts,
  tableName: "contacts",
  idColumn: contacts.contactId,
  idName: "contact_id",
  idKey: "contactId",
  tenantColumn: contacts.tenantId,
  updatedColumn: contacts.xeroUpdatedAt,
  columns: [
    { name: "contact_id", type: "uuid", key: "contactId" },
    { name: "name", type: "text", key: "name" },
    { name: "first_name", type: "text", key: "firstName" },
    { name: "last_name", type: "text", key: "lastName" },
    { name: "email_address", type: "text", key: "emailAddress" },
    { name: "contact_number", type: "text", key: "contactNumber" },
    { name: "account_number", type: "text", key: "accountNumber" },
    { name: "contact_status", type: "text", key: "contactStatus" },
    { name: "is_customer", type: "boolean", key: "isCustomer" },
    { name: "is_supplier", type: "boolean", key: "isSupplier" },
    { name: "default_currency", type: "text", key: "defaultCurrency" },
    { name: "tax_number", type: "text", key: "taxNumber" },
    { name: "xero_updated_at", type: "timestamptz", key: "xeroUpdatedAt" },
    { name: "raw", type: "jsonb", key: "raw" },
  ],
};

/** Serialises one contact row for upsertPreparedContactBatch (see PreparedRow). */
export function prepareContactRow(row: NewContact): PreparedRow {
  return prepareMirrorRow(CONTACT_SPEC, row as unknown as MirrorRow);
}

/** Stores one page of a tenant's contacts, serialised with prepareContactRow (see upsertPreparedInvoiceBatch). */
export async function upsertPreparedContactBatch(db: Db, tenantId: string, rows: PreparedRow[], options: { full?: boolean } = {}): Promise<BatchResult> {
  return upsertPreparedBatch(db, CONTACT_SPEC, tenantId, rows, options);
}
