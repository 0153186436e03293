/**
 * Which entities a grant may read. Xero's granular scopes (the only ones apps created after
 * March 2026 get) name one kind of data each; older apps hold broad ones (accounting.transactions
 * covers invoices, payments, bank transactions …). An entity is readable with any of its scopes.
 */
import type { EntityDefinition } from "./definition";

export function grantedScopeSet(granted: string): Set<string> {
  return new Set(granted.split(/\s+/).filter(Boolean));
}

/**
 * Whether the grant holds one of the entity's scopes. A grant whose scopes were not recorded
 * (empty) is not judged here: Xero's answer decides.
 */
export function hasEntityScope(def: EntityDefinition, granted: string): boolean {
  const set = grantedScopeSet(granted);
  return set.size === 0 || def.xero.scopes.some((s) => set.has(s));
}

/** What the organisation's page says about an entity the grant cannot read. */
export function missingScopeMessage(def: EntityDefinition): string {
  return def.xero.scopeUnavailable ?? `Reconnect to sync ${def.label.toLowerCase()}: this connection was granted without ${def.xero.scopes[0]}.`;
}
