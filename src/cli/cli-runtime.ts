import { describeError, formatError } from './cli-error';

/**
 * Runs a command's action: any failure is printed as `error [CODE]: message` on stderr and the exit
 * code set to 1. The process is left to end by itself so that buffered stdout is never cut off.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      process.stderr.write(`${formatError(error)}\n`);
      if (process.env.STRATUM_DEBUG && describeError(error).code === 'INTERNAL' && error instanceof Error) {
        process.stderr.write(`${error.stack ?? ''}\n`);
      }
      process.exitCode = 1;
    }
  };
}

/** Writes to stdout, waiting while the pipe is full so large results and long batches keep memory flat. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = process.stdout.write(text, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else process.stdout.once('drain', resolve);
  });
}
