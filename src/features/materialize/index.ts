/** Materialization (offline → online): the public surface used by the CLI and, later, a scheduler. */
export {
  Materializer,
  type MaterializerDeps,
  type MaterializeOptions,
  type MaterializeIncrementalOptions,
  type MaterializeProgress,
  type MaterializeRunOptions,
  type ViewMaterialization,
} from './materializer';
export { MaterializationError } from './materialization-error';
export { buildLatestRowsSql, type LatestRowsSql, type LatestRowsWindow, type WarehouseFeatureView } from './latest-rows-sql';
export { buildMetricViewQuery, type MetricViewQuery, type MetricFeatureView } from './metric-view-query';
export { toOnlineRows, toFeatureValue, type RowMapping } from './warehouse-row-converter';
export { writeInBatches, type BatchWriteOptions } from './batch-writer';
