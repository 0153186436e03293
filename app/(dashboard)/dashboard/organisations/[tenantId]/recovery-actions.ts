"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { validatedActionWithUser } from "@/lib/http/handler";
import { recoveryFormSchema, requestRecovery } from "@/lib/sync/recovery";

/**
 * The organisation page's recovery of one entity (lib/sync/recovery.ts): re-sync from a date, full
 * refresh, or clear and re-sync (with the count the person confirmed). Another user's organisation
 * is "not found"; the sync starts at once (or is queued) and the page shows it.
 */
export const recoverEntityAction = validatedActionWithUser(
  recoveryFormSchema,
  async (input, user) => {
    const result = await requestRecovery(await getDb(), user, input);
    revalidatePath(`/dashboard/organisations/${input.tenantId}`);
    return { entity: input.entity, kind: input.kind, status: result.status, sessionId: result.sessionId };
  },
  { name: "recoverEntityAction" },
);
