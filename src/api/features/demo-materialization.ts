import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { Materializer } from '../../features/materialize';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import type { SemanticEngine } from '../../semantic';
import type { Warehouse } from '../../warehouse/warehouse';

/**
 * `npm start` on the embedded defaults: the generated demo marts and an empty embedded online
 * store. So that features answer without a separate step, views never materialized are copied
 * online in the background at start (what `stratum materialize-incremental now` does). Only then:
 * a real warehouse or store is materialized by its own schedule, never by the serving process.
 */
export function shouldMaterializeDemo(config: AppConfig): boolean {
  return config.serving.onlineStore.kind === 'embedded' && config.warehouse.kind === 'duckdb' && config.warehouse.path === undefined;
}

export async function materializeDemo(serving: FeatureServing, warehouse: Warehouse, engine: SemanticEngine): Promise<void> {
  const logger = new Logger('DemoMaterialization');
  const pending = [];
  for (const view of serving.registry.views) {
    if (view.onlineStore === 'embedded' && (await serving.store.readWatermark(view)) === undefined) pending.push(view);
  }
  if (pending.length === 0) return;
  const started = Date.now();
  try {
    const results = await new Materializer({ warehouse, store: serving.store, engine }).materializeIncremental(pending, { end: new Date() });
    logger.log(
      `Materialized the demo features in ${((Date.now() - started) / 1000).toFixed(1)} s: ${results.map((r) => `${r.view} ${r.rows} rows`).join(', ')}. ` +
        'The demo marts end in 2024, so views with a TTL report OUTSIDE_MAX_AGE; POST /push writes fresh values.',
    );
  } catch (e) {
    logger.warn(`Could not materialize the demo features (serving continues; run \`stratum materialize-incremental now\`): ${e instanceof Error ? e.message : String(e)}`);
  }
}
