import type { SimEntity, SimRecord } from "./types";

/**
 * Types a fixture against its own record and files it in the registry's plain list. The machinery
 * only ever hands a fixture its own records, so widening the record type here is safe.
 */
export function defineEntity<R extends SimRecord>(fixture: SimEntity<R>): SimEntity {
  return fixture as unknown as SimEntity;
}
