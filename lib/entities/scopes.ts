/**
 * Which entities a grant may read, and what Connect Xero asks for. Xero's granular scopes (the only
 * ones apps created after March 2026 get) name one kind of data each; older apps hold broad ones
 * (accounting.transactions covers invoices, payments, bank transactions …). An entity is readable
 * with any of its scopes.
 */
import type { EntityDefinition } from "./definition";
import { ENTITIES } from "./registry";

/** OpenID Connect's scopes: who signed in, and a refresh token. Asked for with every consent. */
export const IDENTITY_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

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

/**
 * Xero grants the entity's scope only to some organisations (journals: the Advanced plan), so a
 * reconnect cannot be relied on to add it, and asking for it may fail the consent for the others.
 */
export function isPlanRestricted(def: EntityDefinition): boolean {
  return def.xero.scopeUnavailable !== undefined;
}

/**
 * The entities mirrored when XERO_SYNC_ENTITIES is unset: all but the plan-restricted ones, so a
 * default installation never asks for a scope that could make an organisation's consent fail.
 * Naming such an entity in XERO_SYNC_ENTITIES enables it and asks for its scope.
 */
export function defaultSyncEntities(all: readonly EntityDefinition[] = ENTITIES): readonly EntityDefinition[] {
  return all.filter((e) => !isPlanRestricted(e));
}

/** Connect Xero's scopes for these entities: the OpenID ones and each entity's granular scope. */
export function connectScopes(defs: readonly EntityDefinition[]): string[] {
  return [...new Set([...IDENTITY_SCOPES, ...defs.map((d) => d.xero.scopes[0])])];
}

export interface ScopeGaps {
  /** Entities a reconnect can add (the grant lacks every scope that reads them). */
  reconnect: EntityDefinition[];
  /** Entities whose scope Xero does not grant this organisation (not fixable by a reconnect). */
  unavailable: EntityDefinition[];
  /** The reconnect's scopes: the identity ones and one scope per entity in `reconnect`. */
  request: string[];
}

/**
 * What a grant lacks for `defs` (the enabled entities). The scope asked for an entity is the one
 * Connect Xero asks for (`configured`, e.g. a broad XERO_SCOPES), else its granular scope. A grant
 * without recorded scopes lacks nothing here (see hasEntityScope).
 */
export function scopeGaps(defs: readonly EntityDefinition[], granted: string, configured: readonly string[]): ScopeGaps {
  const reconnect: EntityDefinition[] = [];
  const unavailable: EntityDefinition[] = [];
  for (const def of defs) {
    if (hasEntityScope(def, granted)) continue;
    (isPlanRestricted(def) ? unavailable : reconnect).push(def);
  }
  const ask = reconnect.map((def) => def.xero.scopes.find((s) => configured.includes(s)) ?? def.xero.scopes[0]);
  return { reconnect, unavailable, request: reconnect.length ? [...new Set([...IDENTITY_SCOPES, ...ask])] : [] };
}
