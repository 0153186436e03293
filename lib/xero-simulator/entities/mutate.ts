import type { Tenant } from "../data";
import { hashString, mix, pick, rng } from "../prng";
import { invalidate } from "./store";
import type { Change, SimEntity } from "./types";

/**
 * Applies `count` changes of a fixture "now" (UpdatedDateUTC = nowMs), deterministic per tenant and
 * call, each to a different record. Unknown kinds are an error; kinds no record is eligible for
 * change nothing.
 */
export function mutateEntity(t: Tenant, fx: SimEntity, count: number, kinds: string[] | undefined, nowMs: number): Change[] {
  if (!fx.mutations.length) throw new Error(`${fx.name} cannot be changed directly: they follow the changes of the other entities`);
  const allowed = (kinds?.length ? kinds : fx.mutations).filter((k) => fx.mutations.includes(k));
  if (!allowed.length) throw new Error(`unknown ${fx.name} mutation kinds: ${kinds?.join(",")} (one of ${fx.mutations.join(", ")})`);
  const r = rng(mix(t.seed, ++t.mutationCounter, hashString(fx.name)));
  const touched = new Set<string>();
  const changes: Change[] = [];
  for (let n = 0; n < count; n++) changes.push(...fx.mutate(t, r, pick(r, allowed), nowMs, touched));
  invalidate(t, changes);
  return changes;
}
