import { eq } from "drizzle-orm";
import { defineEntity } from "../definition";
import { mapContact } from "./map";
import { contacts } from "./table";

export const CONTACT_STATUSES = ["ACTIVE", "ARCHIVED", "GDPRREQUEST"] as const;

/** Customers and suppliers: Xero's /Contacts, archived ones included (a state, not a deletion). */
export const contactsEntity = defineEntity({
  name: "contacts",
  label: "Contacts",
  singular: "Contact",
  group: "lists",
  xero: {
    endpoint: "Contacts",
    idField: "ContactID",
    scopes: ["accounting.contacts.read", "accounting.contacts"],
    webhookCategory: "CONTACT",
    request: (api, xeroTenantId, q) =>
      api.getContacts(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        "UpdatedDateUTC ASC",
        undefined, // iDs
        q.page,
        true, // includeArchived: archived contacts are states to mirror
        false, // summaryOnly
        undefined, // searchTerm
        q.pageSize,
      ),
  },
  walk: { kind: "keyset" },
  table: contacts,
  idColumn: contacts.contactId,
  map: (tenantId, wire, raw) => mapContact(tenantId, wire, raw),
  deletes: { statusKey: "contactStatus", statuses: [], hardDeletes: false },
  view: {
    fields: [
      { key: "name", label: "Name", kind: "text" },
      { key: "contactStatus", label: "Status", kind: "status" },
      { key: "firstName", label: "First name", kind: "text" },
      { key: "lastName", label: "Last name", kind: "text" },
      { key: "emailAddress", label: "Email", kind: "text" },
      { key: "contactNumber", label: "Contact number", kind: "code" },
      { key: "accountNumber", label: "Account number", kind: "code" },
      { key: "isCustomer", label: "Customer", kind: "boolean" },
      { key: "isSupplier", label: "Supplier", kind: "boolean" },
      { key: "defaultCurrency", label: "Currency", kind: "code" },
      { key: "taxNumber", label: "Tax number", kind: "code" },
      { key: "xeroUpdatedAt", label: "Updated in Xero", kind: "instant" },
    ],
    columns: ["name", "emailAddress", "isCustomer", "isSupplier", "contactStatus", "xeroUpdatedAt"],
    titleKey: "name",
    sorts: [
      { key: "name", label: "Name", column: "name", defaultDir: "asc" },
      { key: "email", label: "Email", column: "emailAddress", defaultDir: "asc" },
      { key: "updated", label: "Updated", column: "xeroUpdatedAt", defaultDir: "desc" },
    ],
    defaultSort: "name",
    filters: [
      { kind: "enum", key: "status", label: "Status", column: "contactStatus", values: CONTACT_STATUSES, labels: { ACTIVE: "Active", ARCHIVED: "Archived", GDPRREQUEST: "GDPR request" } },
      {
        kind: "choice",
        key: "role",
        label: "Role",
        options: [
          { value: "customer", label: "Customers", where: () => eq(contacts.isCustomer, true) },
          { value: "supplier", label: "Suppliers", where: () => eq(contacts.isSupplier, true) },
        ],
      },
    ],
    search: ["name", "emailAddress"],
    relations: [
      { entity: "invoices", label: "Invoices and bills", column: "contactId" },
      { entity: "creditNotes", label: "Credit notes", column: "contactId" },
      { entity: "payments", label: "Payments", column: "contactId" },
      { entity: "overpayments", label: "Overpayments", column: "contactId" },
      { entity: "prepayments", label: "Prepayments", column: "contactId" },
      { entity: "bankTransactions", label: "Bank transactions", column: "contactId" },
      { entity: "purchaseOrders", label: "Purchase orders", column: "contactId" },
    ],
    csv: ["name", "emailAddress", "isCustomer", "isSupplier", "contactStatus", "defaultCurrency", "xeroUpdatedAt"],
  },
});
