/**
 * Every fixture the simulator serves beyond invoices, contacts and the organisation (those keep
 * their own code paths in accounting.ts). Seeding runs in this order: a fixture may rely on the
 * records of those listed before it.
 */
import type { Tenant, TenantSpec } from "../data";
import { hashString, mix, rng } from "../prng";
import { accounts } from "./accounts";
import { bankTransactions } from "./bankTransactions";
import { creditNotes } from "./creditNotes";
import { items } from "./items";
import { journals } from "./journals";
import { manualJournals } from "./manualJournals";
import { overpayments } from "./overpayments";
import { payments } from "./payments";
import { prepayments } from "./prepayments";
import { purchaseOrders } from "./purchaseOrders";
import { emptyStore } from "./store";
import { taxRates } from "./tax-rates";
import { trackingCategories } from "./tracking-categories";
import type { SimEntity } from "./types";

// bankTransactions after overpayments and prepayments: it adds the transaction behind each.
// Journals last: they are what the documents before them posted.
export const ENTITIES: readonly SimEntity[] = [
  payments, creditNotes, overpayments, prepayments, bankTransactions, manualJournals, purchaseOrders,
  accounts, items, taxRates, trackingCategories, journals,
];

/** The built-in entities with their own code paths (control API names). */
export const CORE_ENTITIES = ["invoices", "contacts"] as const;

export function entityByName(name: string): SimEntity | undefined {
  return ENTITIES.find((e) => e.name === name);
}

/** By URL segment, case-insensitively (Xero's routes are). */
export function entityByEndpoint(segment: string): SimEntity | undefined {
  const s = segment.toLowerCase();
  return ENTITIES.find((e) => e.endpoint.toLowerCase() === s);
}

/** Every control API entity name: invoices, contacts, then the fixtures. */
export function entityNames(): string[] {
  return [...CORE_ENTITIES, ...ENTITIES.map((e) => e.name)];
}

/** Seeds every fixture for a freshly generated tenant (counts from the spec, else in proportion). */
/** Why a spec's counts cannot be seeded, or null. */
export function countsProblem(spec: Pick<TenantSpec, "counts">): string | null {
  if (spec.counts === undefined) return null;
  if (!spec.counts || typeof spec.counts !== "object") return "counts must be an object {entity: number}";
  for (const [name, n] of Object.entries(spec.counts)) {
    if (!entityByName(name)) return `counts: unknown entity ${name} (one of ${ENTITIES.map((e) => e.name).join(", ")})`;
    if (n !== undefined && (typeof n !== "number" || !Number.isFinite(n) || n < 0)) return `counts.${name} must be a number ≥ 0`;
  }
  return null;
}

export function seedEntities(t: Tenant, spec: Pick<TenantSpec, "counts">, anchorMs: number, only: readonly SimEntity[] = ENTITIES): void {
  const problem = countsProblem(spec);
  if (problem) throw new Error(problem);
  for (const e of only) {
    const r = rng(mix(t.seed, hashString(e.name), 0x5eed));
    const asked = spec.counts?.[e.name];
    const count = Math.max(0, Math.floor(asked ?? e.defaultCount(t)));
    t.records[e.name] = emptyStore(e.generate(t, r, count, anchorMs));
  }
}
