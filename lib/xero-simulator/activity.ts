/** Background changes for the demo: records edited "by people in Xero" every few seconds. */
import { applyMutation } from "./control";
import { ENTITIES } from "./entities/registry";
import { rng } from "./prng";
import type { Sim } from "./state";

export class Activity {
  private timer: NodeJS.Timeout | null = null;
  private readonly r = rng(0xac7);
  everyMs = 0;
  maxCount = 3;

  constructor(private readonly sim: Sim) {}

  start(everyMs: number, maxCount = 3): void {
    this.stop();
    this.everyMs = everyMs;
    this.maxCount = Math.max(1, maxCount);
    if (everyMs <= 0) return;
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.everyMs = 0;
  }

  tick(): void {
    const tenants = this.sim.tenantList();
    const t = tenants[Math.floor(this.r() * tenants.length)];
    if (!t) return;
    // Mostly invoices, as in a real organisation; now and then a contact or any other entity.
    const roll = this.r();
    // Journals are never edited (they follow the documents): only fixtures with mutations.
    const editable = ENTITIES.filter((e) => e.mutations.length > 0);
    const entity = roll < 0.6 ? "invoices" : roll < 0.8 ? "contacts" : (editable[Math.floor(this.r() * editable.length)]?.name ?? "invoices");
    const count = 1 + Math.floor(this.r() * this.maxCount);
    try {
      applyMutation(this.sim, t.id, entity, count);
    } catch (e) {
      console.error("[xero-sim] activity", e);
    }
  }
}
