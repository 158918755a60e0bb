import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/**
 * Starts the real servers the serving tests talk to (no mocks of what we can run): redis-server,
 * the Bigtable emulator and the Spanner emulator, each on a free loopback port, waits until it
 * accepts connections, and stops it after. `.ci/run` installs redis-server when missing; both
 * emulators ship with the Google Cloud CLI on every machine.
 */
export interface RealServer {
  /** host:port, as the *_EMULATOR_HOST variables and REDIS_URL want it. */
  readonly host: string;
  readonly port: number;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
}

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
export const BIGTABLE_EMULATOR = '/usr/lib/google-cloud-sdk/platform/bigtable-emulator/cbtemulator';
export const SPANNER_EMULATOR = '/usr/lib/google-cloud-sdk/bin/cloud_spanner_emulator/emulator_main';

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Redis on a free port, with persistence off (a test server keeps nothing). */
export async function startRedis(port?: number): Promise<RealServer> {
  const p = port ?? (await freePort());
  return startServer('redis-server', REDIS_SERVER, ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], p);
}

export async function startBigtableEmulator(): Promise<RealServer> {
  const port = await freePort();
  return startServer('Bigtable emulator', BIGTABLE_EMULATOR, ['-host', '127.0.0.1', '-port', String(port)], port);
}

export async function startSpannerEmulator(): Promise<RealServer> {
  const port = await freePort();
  return startServer('Spanner emulator', SPANNER_EMULATOR, ['--host_port', `127.0.0.1:${port}`], port);
}

/**
 * The settings Google's clients need against the emulators (../shared/EMULATORS.md): no metadata
 * server probe, and no multiplexed Spanner sessions (the emulator rejects their release).
 * Set once per test process, before any client exists.
 */
export function prepareEmulatorEnvironment(): void {
  process.env.METADATA_SERVER_DETECTION = 'none';
  process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS = 'false';
  process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW = 'false';
}

async function startServer(name: string, bin: string, args: string[], port: number, timeoutMs = 30_000): Promise<RealServer> {
  if (!existsSync(bin)) {
    throw new Error(`${name} is not installed at ${bin}. ${bin === REDIS_SERVER ? 'Install it with: apt-get install -y redis-server (.ci/run does this).' : 'It ships with the Google Cloud CLI.'}`);
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));

  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exitedEarly) throw new Error(`${name} exited before accepting connections on port ${port}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not accept connections on port ${port} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  // A test process that dies must not leave servers behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    host: `127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.off('exit', onExit);
      await stopWith('SIGTERM');
    },
    kill: async () => {
      process.off('exit', onExit);
      await stopWith('SIGKILL');
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
