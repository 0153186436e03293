/** The in-process scheduler's public state (kept apart so status reads need not import timers). */
const g = globalThis as unknown as { __xeroSyncScheduler?: { nextRunAt: Date | null; running: boolean } };
export const schedulerState = (g.__xeroSyncScheduler ??= { nextRunAt: null, running: false });
