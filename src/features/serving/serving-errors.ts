/** One thing wrong with a caller's request: where (a JSON path), what, and how to fix it. */
export interface RequestProblem {
  path: string;
  message: string;
  fix?: string;
}

/**
 * A malformed serving request (HTTP 400 / GraphQL BAD_USER_INPUT), listing every problem found,
 * not just the first, so a caller fixes them in one round.
 */
export class ServingRequestError extends Error {
  constructor(readonly problems: RequestProblem[]) {
    super(
      problems.length === 1
        ? describeProblem(problems[0]!)
        : `${problems.length} problems in the request:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`,
    );
    this.name = 'ServingRequestError';
  }
}

function describeProblem(p: RequestProblem): string {
  return `${p.path ? `${p.path}: ` : ''}${p.message}${p.fix ? ` Fix: ${p.fix}` : ''}`;
}

/**
 * The online store did not answer (down, or slower than the request deadline) and no cached
 * value could stand in (HTTP 503). Says which store and why, never hangs the caller.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly store: string,
    readonly reason: string,
  ) {
    super(`The ${store} online store is unavailable: ${reason}. Retry shortly; cached values are served while it recovers.`);
    this.name = 'StoreUnavailableError';
  }
}

/** The cache could not be reached where it must be (dropping copies after a write): a 503 as well, with its own message. */
export class CacheUnavailableError extends StoreUnavailableError {
  constructor(reason: string) {
    super('cache', reason);
    this.message = `The cache is unavailable: ${reason}.`;
    this.name = 'CacheUnavailableError';
  }
}

/** A key a DataLoader batch did not find: per-key errors let `loadMany` say which key is missing. */
export class EntityNotFoundError extends Error {
  constructor(
    readonly view: string,
    readonly entityKey: string,
  ) {
    super(`No row for entity '${entityKey}' in '${view}'.`);
    this.name = 'EntityNotFoundError';
  }
}

/** Runs `work` with a deadline; on expiry rejects with StoreUnavailableError (the work is abandoned, not awaited). */
export function withDeadline<T>(work: Promise<T>, ms: number, store: string): Promise<T> {
  // One promise and one timer per call, no race: this wraps every store read, so its cost is per miss.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(store, `no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof StoreUnavailableError ? e : new StoreUnavailableError(store, e instanceof Error ? e.message : String(e)));
      },
    );
  });
}
