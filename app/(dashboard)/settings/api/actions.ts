"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser } from "@/lib/http/handler";
import { apiTokenOptionsSchema, createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** Creates an API token with its options (organisation, access, expiry); its plaintext is in the result, shown once. */
export const createApiTokenAction = validatedActionWithUser(
  apiTokenOptionsSchema,
  async (input, user) => {
    const { token, row } = await createApiToken(await getDb(), user.id, input);
    revalidatePath("/settings/api");
    return { token, name: row.name };
  },
  { name: "createApiTokenAction" },
);

export const revokeApiTokenAction = validatedActionWithUser(
  z.object({ id: z.uuid() }),
  async (input, user) => {
    if (!(await revokeApiToken(await getDb(), user.id, input.id))) throw new AppError("not_found", "No such token.");
    revalidatePath("/settings/api");
    return { revoked: true };
  },
  { name: "revokeApiTokenAction" },
);
