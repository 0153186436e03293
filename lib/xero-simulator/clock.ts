/**
 * The simulator's clock: real time plus an offset that tests move forward
 * (`POST /__sim/clock {advanceMs}`) to expire access tokens (30 min), refresh-token grace
 * (30 min) and unused refresh tokens (60 days) without waiting.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Jump to an absolute instant (ms since epoch). Going backwards is allowed but confuses tokens. */
  set(ms: number): void {
    this.offsetMs = ms - Date.now();
  }

  get offset(): number {
    return this.offsetMs;
  }
}
