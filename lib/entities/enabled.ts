/**
 * The entities this installation mirrors (XERO_SYNC_ENTITIES, validated in lib/env.ts): what a
 * sync walks by default (the schedule, Sync now, webhooks), what Connect Xero asks scopes for and
 * what the overview checks grants against. The registry lists every entity the code knows.
 */
import { getEnv } from "@/lib/env";
import type { EntityDefinition } from "./definition";
import { entity } from "./registry";

export function enabledEntities(): readonly EntityDefinition[] {
  return getEnv().syncEntities.map(entity);
}

export function enabledEntityNames(): readonly string[] {
  return getEnv().syncEntities;
}

export function isEnabledEntity(name: string): boolean {
  return getEnv().syncEntities.includes(name);
}
