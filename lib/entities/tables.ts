/** Every mirrored entity's table (lib/db/schema.ts re-exports them for drizzle and its migrations). */
export * from "./invoices/table";
export * from "./contacts/table";
export * from "./payments/table";
export * from "./creditNotes/table";
export * from "./overpayments/table";
export * from "./prepayments/table";
export * from "./allocations/table";
export * from "./accounts/table";
export * from "./items/table";
export * from "./taxRates/table";
export * from "./trackingCategories/table";
export * from "./journals/table";
export * from "./bankTransactions/table";
export * from "./manualJournals/table";
export * from "./purchaseOrders/table";
/** The change feed's sequence, shared by every mirror table (drizzle-kit creates it with them). */
export { mirrorChangeSeq } from "./columns";
export * from "./summaries-table";
