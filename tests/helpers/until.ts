/**
 * Waits until `done` holds, reading state (the database, a queue) every `everyMs`; fails naming
 * `what` after `ms`. For state another process changes: what is awaited is the state itself, never
 * a guess of how long it takes.
 */
export async function until(done: () => Promise<boolean>, ms: number, what: string, everyMs = 200): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
