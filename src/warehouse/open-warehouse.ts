import type { AppConfig } from '../config/app-config';
import { BigQueryWarehouse } from './bigquery/bigquery-warehouse';
import { ensureDemoWarehouse } from './demo';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse';
import type { Warehouse } from './warehouse';

export interface OpenWarehouseOptions {
  /** Told while the demo marts are generated (the first start only). */
  onDemoProgress?: (p: { step: string; done: number; total: number }) => void;
  /** Told once the demo marts are ready, with whether they were just generated. */
  onDemoReady?: (info: { path: string; created: boolean; seconds: number }) => void;
}

/** The configured warehouse: BigQuery, an existing DuckDB file, or the generated demo marts. */
export async function openWarehouse(config: AppConfig, options: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const w = config.warehouse;
  if (w.kind === 'bigquery') {
    return new BigQueryWarehouse({
      projectId: w.projectId,
      location: w.location,
      maximumBytesBilled: w.maximumBytesBilled,
      apiEndpoint: w.apiEndpoint,
      keyFilename: w.keyFilename,
      timeoutMs: config.queryTimeoutMs,
      labels: { app: 'stratum' },
    });
  }
  if (w.path) return DuckDbWarehouse.open(w.path, { readOnly: true });
  const demo = await ensureDemoWarehouse({ ...w.demo, onProgress: options.onDemoProgress });
  options.onDemoReady?.(demo);
  return DuckDbWarehouse.open(demo.path, { readOnly: true });
}
