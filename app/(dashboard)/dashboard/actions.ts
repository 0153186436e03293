"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { deleteDataField as deleteData } from "@/lib/overview/disconnect";
import { disconnectConnection, disconnectTenant } from "@/lib/xero/disconnect";

/**
 * Server actions of the overview page's organisation management. Each takes FormData (or an object)
 * and returns an ActionResult ({ ok: true, data } | { ok: false, error }); use with useActionState
 * or call directly.
 *
 * - disconnectTenantAction({ tenantId, deleteData? }): removes one organisation in Xero
 *   (DELETE /connections/{id}) and here; keeps its synced data unless deleteData.
 * - disconnectConnectionAction({ connectionId, deleteData? }): revokes the whole grant.
 */

export const disconnectTenantAction = validatedActionWithUser(
  z.object({ tenantId: z.uuid(), deleteData }),
  async (input, user) => {
    const result = await disconnectTenant(await getDb(), user.id, input.tenantId, { deleteData: input.deleteData });
    revalidatePath("/", "layout");
    return result;
  },
  { name: "disconnectTenantAction" },
);

export const disconnectConnectionAction = validatedActionWithUser(
  z.object({ connectionId: z.uuid(), deleteData }),
  async (input, user) => {
    const result = await disconnectConnection(await getDb(), user.id, input.connectionId, { deleteData: input.deleteData });
    revalidatePath("/", "layout");
    return result;
  },
  { name: "disconnectConnectionAction" },
);
