import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

interface Waiter {
  resolve: (connection: DuckDBConnection) => void;
  reject: (error: Error) => void;
}

/**
 * A few long-lived connections to one DuckDB instance. One statement runs per connection at a time,
 * so concurrent callers never share a connection's state, and interrupting one query (a timeout)
 * cannot hit another caller's query.
 */
export class DuckDbConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly busy = new Set<DuckDBConnection>();
  private readonly waiters: Waiter[] = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly maxSize: number,
  ) {}

  get size(): number {
    return this.idle.length + this.busy.size + this.opening;
  }

  async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the DuckDB warehouse is closed');
    const ready = this.idle.pop();
    if (ready) {
      this.busy.add(ready);
      return ready;
    }
    if (this.size < this.maxSize) {
      this.opening++;
      try {
        const connection = await this.instance.connect();
        this.busy.add(connection);
        return connection;
      } finally {
        this.opening--;
      }
    }
    return new Promise<DuckDBConnection>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Acquire that can be abandoned: returns the promise and a function that withdraws from the queue. */
  acquireCancellable(): { promise: Promise<DuckDBConnection>; cancel: () => void } {
    let withdrawn = false;
    const promise = this.acquire().then((connection) => {
      // A withdrawn caller never sees the connection, so hand it straight back.
      if (withdrawn) {
        this.release(connection);
        throw new Error('withdrawn');
      }
      return connection;
    });
    // The caller handles rejection of `promise` itself; this only prevents an unhandled rejection after withdrawal.
    promise.catch(() => undefined);
    return { promise, cancel: () => (withdrawn = true) };
  }

  release(connection: DuckDBConnection): void {
    this.busy.delete(connection);
    if (this.closed) {
      connection.closeSync();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy.add(connection);
      waiter.resolve(connection);
    } else {
      this.idle.push(connection);
    }
  }

  /** Drops a connection whose state is suspect (it was interrupted) instead of reusing it. */
  discard(connection: DuckDBConnection): void {
    this.busy.delete(connection);
    connection.closeSync();
    // A waiter may now be able to open a fresh connection in its place.
    const waiter = this.waiters.shift();
    if (waiter && !this.closed) {
      this.acquire().then(waiter.resolve, waiter.reject);
    }
  }

  /** Interrupts running statements, rejects waiters and closes every connection. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the DuckDB warehouse is closed'));
    for (const connection of this.busy) connection.interrupt();
    for (const connection of this.idle.splice(0)) connection.closeSync();
  }
}
