"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { SCHEDULE_INTERVALS } from "@/lib/sync/cadence";
import { pauseSchedule, resumeSchedule, setEntityEnabled, setSyncInterval, type ScheduleInterval } from "@/lib/sync/settings";

/**
 * Server actions of the organisation page's schedule panel, each scoped to the user's own
 * organisations (another user's id is not_found):
 * - setSyncIntervalAction({ tenantId, minutes }): one of SCHEDULE_INTERVALS, or "default" (SYNC_INTERVAL_MINUTES);
 * - pauseScheduleAction / resumeScheduleAction({ tenantId });
 * - setEntityEnabledAction({ tenantId, entity, enabled: "1" | "0" }): refused for an entity the grant cannot read.
 */

const tenantId = z.uuid();
const revalidate = (id: string) => {
  revalidatePath(`/dashboard/organisations/${id}`);
  revalidatePath("/dashboard");
};

export const setSyncIntervalAction = validatedActionWithUser(
  z.object({
    tenantId,
    minutes: z.union([z.literal("default"), z.coerce.number().refine((n): n is ScheduleInterval => (SCHEDULE_INTERVALS as readonly number[]).includes(n), "Choose one of the offered intervals")]),
  }),
  async (input, user) => {
    await setSyncInterval(await getDb(), user.id, input.tenantId, input.minutes === "default" ? null : (input.minutes as ScheduleInterval));
    revalidate(input.tenantId);
  },
  { name: "setSyncIntervalAction" },
);

export const pauseScheduleAction = validatedActionWithUser(
  z.object({ tenantId }),
  async (input, user) => {
    await pauseSchedule(await getDb(), user.id, input.tenantId);
    revalidate(input.tenantId);
  },
  { name: "pauseScheduleAction" },
);

export const resumeScheduleAction = validatedActionWithUser(
  z.object({ tenantId }),
  async (input, user) => {
    await resumeSchedule(await getDb(), user.id, input.tenantId);
    revalidate(input.tenantId);
  },
  { name: "resumeScheduleAction" },
);

export const setEntityEnabledAction = validatedActionWithUser(
  z.object({ tenantId, entity: z.string().min(1).max(64), enabled: z.enum(["1", "0"]) }),
  async (input, user) => {
    await setEntityEnabled(await getDb(), user.id, input.tenantId, input.entity, input.enabled === "1");
    revalidate(input.tenantId);
  },
  { name: "setEntityEnabledAction" },
);
