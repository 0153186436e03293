import type { SyncHealth, TenantSyncStatus } from "@/lib/overview/sync-status";
import { Badge, type Tone } from "../_components/badges";

const HEALTH: Record<SyncHealth, { label: string; tone: Tone }> = {
  action_required: { label: "Action required", tone: "red" },
  failing: { label: "Failing", tone: "red" },
  late: { label: "Late", tone: "amber" },
  paused: { label: "Paused", tone: "slate" },
  on_time: { label: "On time", tone: "green" },
};

/** The organisation against its schedule (lib/overview/sync-status.ts), with the reason as its title. */
export function HealthBadge({ org }: { org: Pick<TenantSyncStatus, "health" | "healthReason"> }) {
  const h = HEALTH[org.health];
  return (
    <span data-testid="health-badge" data-health={org.health}>
      <Badge color={h.tone} title={org.healthReason}>
        {h.label}
      </Badge>
    </span>
  );
}
