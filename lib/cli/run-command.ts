import { closeDatabase } from "@/lib/db";

/**
 * Runs a command's main function and exits with its code, closing the database either way. A
 * failure is one line (`describe` turns an error into it; default: its message), never a stack.
 */
export function runCommand(main: () => Promise<number>, describe: (error: unknown) => string = (e) => (e instanceof Error ? e.message : String(e))): void {
  main()
    .then(async (code) => {
      await closeDatabase();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      await closeDatabase().catch(() => {});
      console.error(`✖ ${describe(error)}`);
      process.exit(1);
    });
}
