import { z } from "zod";
import type { Db } from "@/lib/db";
import { disconnectConnection, disconnectTenant, type DisconnectResult } from "@/lib/xero/disconnect";

/** Whether to delete the synced data too: a checkbox ("on"), "true"/"false" or a boolean. */
export const deleteDataField = z
  .union([z.boolean(), z.enum(["true", "false", "on", "1", "0"])])
  .optional()
  .transform((v) => v === true || v === "true" || v === "on" || v === "1");

/** Input of the disconnect API: exactly one of tenantId / connectionId. */
export const disconnectInputSchema = z
  .object({
    tenantId: z.uuid().optional(),
    connectionId: z.uuid().optional(),
    deleteData: deleteDataField,
  })
  .refine((v) => Boolean(v.tenantId) !== Boolean(v.connectionId), { message: "Give either tenantId or connectionId." });

export type DisconnectInput = z.output<typeof disconnectInputSchema>;

export function runDisconnect(db: Db, userId: string, input: DisconnectInput): Promise<DisconnectResult> {
  return input.tenantId
    ? disconnectTenant(db, userId, input.tenantId, { deleteData: input.deleteData })
    : disconnectConnection(db, userId, input.connectionId!, { deleteData: input.deleteData });
}
