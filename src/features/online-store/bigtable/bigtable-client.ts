import { Bigtable } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../../config/app-config';

/**
 * The one Bigtable client a process needs (it pools its own gRPC channels), shared by the
 * feature store and the recommendation store.
 *
 * - `metricsEnabled: false`: otherwise the 6.x client installs a Cloud Monitoring exporter, which
 *   needs credentials and a network the emulator setups do not have.
 * - With an emulator host, it goes in as `apiEndpoint` ("host:port"): for any custom endpoint the
 *   client then uses that port and insecure gRPC credentials and never asks for a token. Passing it
 *   explicitly means the configured host wins even when BIGTABLE_EMULATOR_HOST is unset or differs.
 */
export function createBigtableClient(settings: BigtableStoreSettings): Bigtable {
  return new Bigtable({
    projectId: settings.projectId,
    metricsEnabled: false,
    ...(settings.emulatorHost ? { apiEndpoint: settings.emulatorHost } : {}),
  });
}

/** gRPC status codes the adapters branch on. */
export const GRPC_NOT_FOUND = 5;
export const GRPC_ALREADY_EXISTS = 6;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A row's key as text: with `decode: false` the client hands keys back as Buffers. */
export function rowKeyText(id: unknown): string {
  return Buffer.isBuffer(id) ? id.toString('utf8') : String(id);
}

/**
 * The row shape `getRows({ decode: false })` yields: family → qualifier → cells, newest first.
 * A cell value is a Buffer — except that the 6.x client hands back any 8-byte value that reads as
 * a safe big-endian int64 as a JS number (its `isPossibleNumber`), whatever `decode` says; use
 * cellBytes to get the bytes back.
 */
export interface RawBigtableRow {
  id: Buffer | string;
  data: Record<string, Record<string, RawCell[]>>;
}

export interface RawCell {
  value: Buffer | number;
  timestamp: string;
}

/** A cell's bytes; numbers are re-encoded exactly (they were read as a safe signed 64-bit integer). */
export function cellBytes(value: Buffer | number): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigInt64BE(BigInt(value));
  return buffer;
}

/** An RE2 pattern matching exactly `text` (family filters are regular expressions). */
export function exactPattern(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&')}$`;
}
