import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadWorkerInput, LoadWorkerOutput } from './load-generator-worker';

/** One HTTP request, as the generator writes it. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** JSON body (POST/PUT). */
  body?: unknown;
}

export interface LoadOptions {
  port: number;
  requests: readonly BenchRequest[];
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Open loop at this total rate (see LoadWorkerInput.ratePerSec); unset: closed loop. */
  ratePerSec?: number;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  /** Non-2xx responses and dropped sockets in the measured window. */
  errors: number;
  /** The first 2xx body (checked by the caller: the run must have served what it meant to). */
  firstOkBody?: string;
  firstErrorBody?: string;
  /** Every request sent, warm-up and the last ones in flight included (server-side counters cover those too). */
  sent: number;
  /** Open loop: the rate asked for, and the most arrivals that ever waited for a free connection. */
  ratePerSec?: number;
  maxBacklog: number;
}

export function serializeRequest(port: number, r: BenchRequest): string {
  const head = `${r.method} ${r.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n`;
  if (r.body === undefined) return `${head}\r\n`;
  const body = JSON.stringify(r.body);
  return `${head}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * `connections` keep-alive connections for warm-up + duration; only requests that arrived and were
 * answered inside the measured window count. Closed loop (no rate): each connection sends its next
 * request as soon as the previous answer has arrived — this measures throughput, and its latency is
 * mostly queueing (Little's law: p50 ≈ connections ÷ req/s). Open loop (`ratePerSec`): requests
 * arrive at that rate and wait for a free connection, latency counted from arrival — this measures
 * latency at a given load, as wrk2 and k6's constant-arrival-rate do. The generator runs in a
 * worker thread: it shares the machine's 2 cores with the server (and the emulators), but never
 * its event loop.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const input: LoadWorkerInput = {
    port: options.port,
    requests: options.requests.map((r) => serializeRequest(options.port, r)),
    connections: options.connections,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    ratePerSec: options.ratePerSec,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load-generator-worker.js'), { workerData: input });
    worker.once('error', reject);
    worker.once('message', (out: LoadWorkerOutput) => {
      void worker.terminate();
      const sorted = out.latencies.sort();
      const total = sorted.length;
      const ok = Object.entries(out.statuses).reduce((n, [status, c]) => n + (status.startsWith('2') ? c : 0), 0);
      resolve({
        requests: total,
        reqPerSec: total / out.seconds,
        p50: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        errors: total - ok + out.socketErrors,
        firstOkBody: out.firstOkBody,
        firstErrorBody: out.firstErrorBody,
        sent: out.sent,
        ratePerSec: options.ratePerSec,
        maxBacklog: out.maxBacklog,
      });
    });
  });
}
