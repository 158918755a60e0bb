/**
 * The HTTP/1.1 load generator, closed or open loop, run in a worker thread (see load-generator.ts) so that
 * it never blocks the event loop of the server under test, which lives on the main thread.
 *
 * Why raw sockets rather than fetch or http.request: on these 2-core machines a bare Fastify
 * server answers ~60 k req/s, and Node's own HTTP clients cost more CPU per request than the
 * server does, so the floor would measure the client. Like autocannon (not installed here), this
 * writes pre-serialized requests on keep-alive sockets and parses only what it needs of the
 * response: the status line, Content-Length or chunked framing.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadWorkerInput {
  port: number;
  /** Pre-serialized requests, sent in turn (a global counter, so concurrent requests differ). */
  requests: string[];
  connections: number;
  warmupMs: number;
  durationMs: number;
  /**
   * Open loop: requests arrive at this total rate whatever the server does (wrk2's -R, k6's
   * constant-arrival-rate) and wait for a free connection; unset: closed loop.
   */
  ratePerSec?: number;
}

export interface LoadWorkerOutput {
  /** Latency of every request that completed inside the measured window, in ms. */
  latencies: Float64Array;
  /** Seconds of the measured window. */
  seconds: number;
  /** Responses by status code, measured window only. */
  statuses: Record<string, number>;
  /** The first 2xx body and the first non-2xx body seen (warm-up included), to check the run served what it should. */
  firstOkBody?: string;
  firstErrorBody?: string;
  socketErrors: number;
  /** Every request sent, warm-up and those still in flight at the end included (the server handles them all: divide its counters by this). */
  sent: number;
  /** Open loop: the most arrivals ever waiting for a free connection (a growing backlog means the rate is past what the server sustains). */
  maxBacklog: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** One keep-alive connection with one request in flight at a time; latency counts from the request's arrival. */
class Connection {
  private socket!: Socket;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private headerLength = -1;
  private status = 0;
  private contentLength = -1;
  private chunked = false;
  private arrivedAt = 0;
  /** The request in flight (resent on a new socket if the server closes this one). */
  private request: Buffer | undefined;

  constructor(
    private readonly port: number,
    private readonly ready: (connection: Connection) => void,
    private readonly done: (status: number, arrivedAt: number, body: () => string) => void,
    private readonly failed: () => void,
  ) {}

  start(): void {
    this.socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    this.socket.on('connect', () => (this.request === undefined ? this.ready(this) : this.socket.write(this.request)));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      // The server closed a keep-alive socket mid-run (or refused): count it and reconnect.
      if (!stopped) {
        this.failed();
        this.reset();
        this.start();
      }
    });
  }

  stop(): void {
    this.socket.destroy();
  }

  /** Sends a request that arrived at `arrivedAt` (performance.now() time). */
  send(request: Buffer, arrivedAt: number): void {
    this.request = request;
    this.arrivedAt = arrivedAt;
    this.socket.write(request);
  }

  private reset(): void {
    this.chunks = [];
    this.bytes = 0;
    this.headerLength = -1;
    this.contentLength = -1;
    this.chunked = false;
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.headerLength < 0) {
      const all = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
      const end = all.indexOf(HEADER_END);
      if (end < 0) return;
      this.headerLength = end + HEADER_END.length;
      const head = all.subarray(0, end).toString('latin1');
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      this.contentLength = length ? Number(length[1]) : -1;
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      this.chunks = [all];
    }
    let complete: boolean;
    if (this.contentLength >= 0) {
      complete = this.bytes >= this.headerLength + this.contentLength;
    } else if (this.chunked) {
      const last = this.chunks[this.chunks.length - 1]!;
      complete = last.length >= CHUNKED_END.length ? last.subarray(last.length - CHUNKED_END.length).equals(CHUNKED_END) : Buffer.concat(this.chunks).subarray(-CHUNKED_END.length).equals(CHUNKED_END);
    } else {
      complete = false; // a body delimited by close: not produced by Fastify; the socket's close counts it as failed
    }
    if (!complete) return;
    const chunks = this.chunks;
    const headerLength = this.headerLength;
    const status = this.status;
    this.reset();
    this.request = undefined;
    this.done(status, this.arrivedAt, () => Buffer.concat(chunks).subarray(headerLength).toString('utf8'));
    this.ready(this);
  }
}

let stopped = false;

/** Timer period of the open loop (Node's timer resolution). */
const TICK_MS = 1;

function run(input: LoadWorkerInput): Promise<LoadWorkerOutput> {
  const requests = input.requests.map((r) => Buffer.from(r, 'utf8'));
  let counter = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + input.warmupMs;
  const measureTo = measureFrom + input.durationMs;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statuses: Record<string, number> = {};
  let firstOkBody: string | undefined;
  let firstErrorBody: string | undefined;
  let socketErrors = 0;
  let sent = 0;
  let maxBacklog = 0;

  const nextRequest = (): Buffer => {
    sent++;
    return requests[counter++ % requests.length]!;
  };
  const done = (status: number, arrivedAt: number, body: () => string) => {
    const now = performance.now();
    const ok = status >= 200 && status < 300;
    if (ok && firstOkBody === undefined) firstOkBody = body();
    if (!ok && firstErrorBody === undefined) firstErrorBody = `HTTP ${status}: ${body().slice(0, 2000)}`;
    if (arrivedAt < measureFrom || now > measureTo) return;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = now - arrivedAt;
  };

  const rate = input.ratePerSec;
  /** Open loop: arrival times waiting for a free connection, and the connections waiting for an arrival. */
  const backlog: number[] = [];
  let backlogHead = 0;
  const idle: Connection[] = [];
  let release = () => {};
  const ready =
    rate === undefined
      ? (c: Connection) => {
          // Closed loop: the next request leaves as soon as the answer to the last one arrived.
          if (!stopped) c.send(nextRequest(), performance.now());
        }
      : (c: Connection) => {
          if (stopped) return;
          idle.push(c);
          release();
        };

  const connections = Array.from({ length: input.connections }, () => new Connection(input.port, ready, done, () => socketErrors++));
  for (const c of connections) c.start();

  let ticker: NodeJS.Timeout | undefined;
  if (rate !== undefined) {
    let released = 0;
    /*
     * Releases the arrivals due by now: on a timer tick, and after every answer (under load the
     * loop wakes far more often than the 1 ms timer, so arrivals go out in small groups rather
     * than a millisecond's worth at once). An arrival is stamped with the time it is released, or,
     * when this thread came to it more than a tick late (descheduled, busy), with its due time
     * plus one tick: lateness beyond the timer's resolution counts against the server rather than
     * disappearing (coordinated omission), as does any wait for a free connection.
     *
     * (Tried: sleeping to the next due time with Atomics.wait, for sub-millisecond pacing. The
     * busier generator thread then took CPU from the server on these 2 cores: the floor's p99 at
     * 40% load rose from 1-3 ms to 2-6 ms.)
     */
    release = () => {
      const now = performance.now();
      const due = Math.floor(((now - startedAt) * rate) / 1000);
      for (; released < due; released++) backlog.push(Math.min(now, startedAt + (released * 1000) / rate + TICK_MS));
      while (idle.length > 0 && backlogHead < backlog.length) idle.pop()!.send(nextRequest(), backlog[backlogHead++]!);
      maxBacklog = Math.max(maxBacklog, backlog.length - backlogHead);
      if (backlogHead > 4096) {
        backlog.splice(0, backlogHead);
        backlogHead = 0;
      }
    };
    ticker = setInterval(release, TICK_MS);
  }

  return new Promise((resolve) => {
    setTimeout(() => {
      stopped = true;
      if (ticker !== undefined) clearInterval(ticker);
      for (const c of connections) c.stop();
      resolve({ latencies: latencies.slice(0, count), seconds: input.durationMs / 1000, statuses, firstOkBody, firstErrorBody, socketErrors, sent, maxBacklog });
    }, input.warmupMs + input.durationMs);
  });
}

if (parentPort) {
  void run(workerData as LoadWorkerInput).then((out) => parentPort!.postMessage(out, [out.latencies.buffer as ArrayBuffer]));
}
