/**
 * Runs a script's `main` (resolving to its exit code) and exits with that code, or with 1
 * after printing the error it threw. Shared by the training and evaluation scripts, which
 * must exit explicitly: TF.js and worker threads would keep the process alive.
 */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
