/**
 * The semantic layer's public API. Framework-free: no Nest, no database SDK. The service
 * (src/api) and the CLI (src/cli) import only from here.
 */
export { SemanticEngine, type CompiledQuery, type CompiledColumn, type EngineOptions } from './semantic-engine';
export type { ColumnTypeLookup } from './model/semantic-graph';
export {
  SemanticError,
  DefinitionError,
  formatProblem,
  didYouMean,
  type SemanticErrorCode,
  type DefinitionProblem,
} from './errors';
export { loadSemanticLayer, parseSemanticLayerFiles, type LoadOptions } from './spec/semantic-layer-loader';
export type * from './spec/manifest';
export { TIME_GRANULARITIES, DATE_PARTS } from './spec/manifest';
export type { MetricQueryInput, OrderByInput } from './plan/metric-query';
export { MAX_LIMIT, parseSavedQueryGroupBy } from './plan/metric-query';
export type { GroupByInput } from './model/linkable-name';
export type {
  CatalogDimension,
  CatalogEntity,
  CatalogMeasure,
  CatalogMetric,
} from './model/semantic-catalog';
export type {
  CatalogWhereFilter,
  CatalogMeasureInput,
  CatalogMetricInput,
  CatalogTypeParams,
  CatalogSavedQuery,
  CatalogExport,
  MetricLineage,
  LineageMetric,
  LineageMeasure,
  LineageSemanticModel,
} from './model/catalog-shapes';
export { DIALECTS, dialectByName, type DialectName, type SqlDialect } from './sql/dialects';
export type { ParameterValue } from './sql/sql-renderer';
export { parseWhereFilter } from './filter/filter-parser';
