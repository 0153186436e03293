"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { sendTestDelivery } from "@/lib/alerts/delivery";
import { deleteWebhook, rotateWebhookSecret, saveWebhook, webhookSettingsSchema } from "@/lib/alerts/webhook";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { validatedActionWithUser } from "@/lib/http/handler";

// Built per call: whether http to localhost is allowed depends on demo mode, read from the environment.
const settingsSchema = z.lazy(() => webhookSettingsSchema(getEnv().demo));

/** Saves the webhook's URL and kinds; the first save returns the signing secret, shown once. */
export const saveAlertWebhookAction = validatedActionWithUser(
  settingsSchema,
  async (input, user) => {
    const { secret } = await saveWebhook(await getDb(), user.id, input);
    revalidatePath("/settings/alerts");
    return { secret };
  },
  { name: "saveAlertWebhookAction" },
);

export const rotateAlertSecretAction = validatedActionWithUser(
  z.object({}),
  async (_input, user) => {
    const secret = await rotateWebhookSecret(await getDb(), user.id);
    revalidatePath("/settings/alerts");
    return { secret };
  },
  { name: "rotateAlertSecretAction" },
);

export const sendTestAlertAction = validatedActionWithUser(
  z.object({}),
  async (_input, user) => {
    const row = await sendTestDelivery(await getDb(), user.id);
    revalidatePath("/settings/alerts");
    return { status: row.status, responseStatus: row.responseStatus, error: row.lastError };
  },
  { name: "sendTestAlertAction" },
);

export const deleteAlertWebhookAction = validatedActionWithUser(
  z.object({}),
  async (_input, user) => {
    await deleteWebhook(await getDb(), user.id);
    revalidatePath("/settings/alerts");
    return { deleted: true };
  },
  { name: "deleteAlertWebhookAction" },
);
