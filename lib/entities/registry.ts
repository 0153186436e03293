/**
 * Every mirrored entity, in the order a sync walks them (and the dashboard lists them within a
 * group). Adding an entity: its folder (table.ts, map.ts, index.ts), one line here and in
 * tables.ts, `npm run db:generate`, and the simulator's fixture.
 */
import type { EntityDefinition } from "./definition";
import { bankTransactionsEntity } from "./bankTransactions";
import { contactsEntity } from "./contacts";
import { creditNotesEntity } from "./creditNotes";
import { invoicesEntity } from "./invoices";
import { manualJournalsEntity } from "./manualJournals";
import { overpaymentsEntity } from "./overpayments";
import { paymentsEntity } from "./payments";
import { prepaymentsEntity } from "./prepayments";
import { purchaseOrdersEntity } from "./purchaseOrders";
import { accountsEntity } from "./accounts";
import { itemsEntity } from "./items";
import { journalsEntity } from "./journals";
import { taxRatesEntity } from "./taxRates";
import { trackingCategoriesEntity } from "./trackingCategories";

export const ENTITIES: readonly EntityDefinition[] = [
  invoicesEntity,
  contactsEntity,
  paymentsEntity,
  creditNotesEntity,
  overpaymentsEntity,
  prepaymentsEntity,
  bankTransactionsEntity,
  manualJournalsEntity,
  purchaseOrdersEntity,
  accountsEntity,
  taxRatesEntity,
  trackingCategoriesEntity,
  itemsEntity,
  // Last: a first walk of the general ledger is the longest (100 a page).
  journalsEntity,
] as unknown as readonly EntityDefinition[];

export const SYNC_ENTITIES: readonly string[] = ENTITIES.map((e) => e.name);
export type SyncEntity = string;

const BY_NAME = new Map(ENTITIES.map((e) => [e.name, e]));

export function entityByName(name: string): EntityDefinition | undefined {
  return BY_NAME.get(name);
}

/** The definition of a known entity name (a programming error otherwise). */
export function entity(name: string): EntityDefinition {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`unknown entity ${name}`);
  return def;
}

export function isSyncEntity(name: string): boolean {
  return BY_NAME.has(name);
}

/** The entity's URL segment: /credit-notes, /api/v1/credit-notes. */
export function entitySlug(def: Pick<EntityDefinition, "name">): string {
  return def.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const BY_SLUG = new Map(ENTITIES.map((e) => [entitySlug(e), e]));

export function entityBySlug(slug: string): EntityDefinition | undefined {
  return BY_SLUG.get(slug);
}
