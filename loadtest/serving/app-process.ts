import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CachedReaderStats } from '../../src/features/cache/cached-feature-reader';

/** What the parent asks an app process (app-process-child.ts). */
export interface AppRequest {
  id: number;
  op: 'stats' | 'whenIdle' | 'profileStart' | 'profileStop' | 'close';
  /** profileStop: where to write the .cpuprofile. */
  file?: string;
}

export type AppReply =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string };

/** The read path's counters, as the bench reads them before and after a scenario. */
export interface AppStats {
  cached: CachedReaderStats;
  nearHits: number;
}

/**
 * An app of bench:serving in its own process: the real app (`createApp(loadConfig(env))`),
 * listening on 127.0.0.1. A process each, so one app's garbage collections never land on another
 * app's measurement, or on the floor's (one process holding them all had mark-compacts of 100–450
 * MB heaps that spiked whichever server was measured).
 */
export class AppProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (reply: AppReply) => {
      if (reply.type !== 'reply' && reply.type !== 'error') return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'reply') waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`app process: ${reply.message}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the app process exited (code ${code}) before answering`));
      this.pending.clear();
    });
  }

  /** Starts the app with `env` (the app's whole configuration, as loadConfig reads it) and waits until it listens. */
  static start(env: Record<string, string>): Promise<AppProcess> {
    const child = fork(join(__dirname, 'app-process-child.js'), [], {
      // The emulator hosts and the like reach the Google clients through the process environment too.
      env: { ...process.env, ...env, STRATUM_BENCH_APP_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the app process exited (code ${code}) before it listened`));
      child.once('exit', onExit);
      child.on('message', (reply: AppReply) => {
        if (reply.type === 'ready') {
          child.off('exit', onExit);
          resolve(new AppProcess(child, reply.port));
        } else if (reply.type === 'failed') {
          child.off('exit', onExit);
          reject(new Error(`the app process failed to start: ${reply.message}`));
        }
      });
    });
  }

  stats(): Promise<AppStats> {
    return this.ask('stats') as Promise<AppStats>;
  }

  /** Resolves when the app's loads and write-backs in flight have settled. */
  async whenIdle(): Promise<void> {
    await this.ask('whenIdle');
  }

  async profileStart(): Promise<void> {
    await this.ask('profileStart');
  }

  /** Stops the profile, writes it to `file`, and returns the top functions. */
  profileStop(file: string): Promise<string[]> {
    return this.ask('profileStop', file) as Promise<string[]>;
  }

  /** Closes the app and waits for its process to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.ask('close').catch(() => this.child.kill());
    await exited;
  }

  private ask(op: AppRequest['op'], file?: string): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, op, file } satisfies AppRequest);
    });
  }
}
