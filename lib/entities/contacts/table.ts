import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { changeFeedIndex, mirrorColumns, tenantColumn } from "../columns";

export const contacts = pgTable(
  "contacts",
  {
    tenantId: tenantColumn(),
    contactId: uuid("contact_id").notNull(),
    name: text("name").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    emailAddress: text("email_address"),
    contactNumber: text("contact_number"),
    accountNumber: text("account_number"),
    /** ACTIVE, ARCHIVED or GDPRREQUEST. */
    contactStatus: text("contact_status").notNull(),
    isCustomer: boolean("is_customer").notNull().default(false),
    isSupplier: boolean("is_supplier").notNull().default(false),
    defaultCurrency: text("default_currency"),
    taxNumber: text("tax_number"),
    ...mirrorColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.contactId] }),
    changeFeedIndex("contacts", t),
    index("contacts_tenant_name_idx").on(t.tenantId, t.name),
    index("contacts_tenant_email_idx").on(t.tenantId, t.emailAddress, t.contactId),
    index("contacts_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("contacts_email_trgm_idx").using("gin", sql`${t.emailAddress} gin_trgm_ops`),
    index("contacts_tenant_status_idx").on(t.tenantId, t.contactStatus),
    index("contacts_tenant_updated_idx").on(t.tenantId, t.xeroUpdatedAt),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type NewContact = typeof contacts.$inferInsert;
