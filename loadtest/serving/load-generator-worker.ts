/**
 * The closed-loop HTTP/1.1 load generator, run in a worker thread (see load-generator.ts) so that
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
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** One keep-alive connection with one request in flight at a time. */
class Connection {
  private socket!: Socket;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private headerLength = -1;
  private status = 0;
  private contentLength = -1;
  private chunked = false;
  private startedAt = 0;

  constructor(
    private readonly port: number,
    private readonly next: () => Buffer | undefined,
    private readonly done: (status: number, startedAt: number, body: () => string) => void,
    private readonly failed: () => void,
  ) {}

  start(): void {
    this.socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    this.socket.on('connect', () => this.send());
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

  private send(): void {
    const request = this.next();
    if (request === undefined) return;
    this.startedAt = performance.now();
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
    this.done(status, this.startedAt, () => Buffer.concat(chunks).subarray(headerLength).toString('utf8'));
    this.send();
  }
}

let stopped = false;

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

  const next = (): Buffer | undefined => {
    if (stopped) return undefined;
    sent++;
    return requests[counter++ % requests.length];
  };
  const done = (status: number, sentAt: number, body: () => string) => {
    const now = performance.now();
    const ok = status >= 200 && status < 300;
    if (ok && firstOkBody === undefined) firstOkBody = body();
    if (!ok && firstErrorBody === undefined) firstErrorBody = `HTTP ${status}: ${body().slice(0, 2000)}`;
    if (sentAt < measureFrom || now > measureTo) return;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = now - sentAt;
  };
  const connections = Array.from({ length: input.connections }, () => new Connection(input.port, next, done, () => socketErrors++));
  for (const c of connections) c.start();
  return new Promise((resolve) => {
    setTimeout(() => {
      stopped = true;
      for (const c of connections) c.stop();
      resolve({ latencies: latencies.slice(0, count), seconds: input.durationMs / 1000, statuses, firstOkBody, firstErrorBody, socketErrors, sent });
    }, input.warmupMs + input.durationMs);
  });
}

if (parentPort) {
  void run(workerData as LoadWorkerInput).then((out) => parentPort!.postMessage(out, [out.latencies.buffer as ArrayBuffer]));
}
