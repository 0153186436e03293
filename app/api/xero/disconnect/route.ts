/**
 * POST /api/xero/disconnect: disconnect one organisation ({ tenantId }) or a whole Xero connection
 * ({ connectionId }, revoking its grant), keeping its synced data unless { deleteData: true }.
 * JSON or form body. Answers { removedInXero, dataDeleted }; someone else's id is 404.
 */
import { getDb } from "@/lib/db";
import { withUser } from "@/lib/http/handler";
import { disconnectInputSchema, runDisconnect } from "@/lib/overview/disconnect";

export const dynamic = "force-dynamic";

export const POST = withUser(disconnectInputSchema, async ({ user, input }) => runDisconnect(await getDb(), user.id, input), {
  name: "POST /api/xero/disconnect",
});
