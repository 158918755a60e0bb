import type { SourceLocation } from '../../semantic/spec/manifest';

/**
 * The resolved feature definitions (`semantic-layer/features/*.yml`), in Feast's vocabulary:
 * entities (join keys), feature views (typed features read from one source, with a TTL) and
 * feature services (the features one model reads). Names are already validated and every
 * default applied, so the serving code never re-checks them.
 */

/** Feast's `ValueType` names for entity keys. */
export const VALUE_TYPES = ['STRING', 'INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BOOL', 'BYTES', 'UNIX_TIMESTAMP'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Feast's `feast.types` primitive names; `Array(<primitive>)` is accepted too. */
export const SCALAR_DTYPES = ['Int32', 'Int64', 'Float32', 'Float64', 'String', 'Bool', 'UnixTimestamp', 'Bytes'] as const;
export type ScalarDtype = (typeof SCALAR_DTYPES)[number];
export type FeatureDtype = ScalarDtype | `Array(${ScalarDtype})`;

/** Dtypes a semantic-layer metric value can be stored as (metrics are numbers). */
export const NUMERIC_DTYPES: readonly ScalarDtype[] = ['Int32', 'Int64', 'Float32', 'Float64'];

export const ONLINE_STORES = ['embedded', 'bigtable', 'spanner'] as const;
export type OnlineStoreKind = (typeof ONLINE_STORES)[number];

export interface FeatureEntity {
  name: string;
  /** Feast allows several join keys per entity; the online stores key rows by one, so exactly one. */
  joinKey: string;
  valueType: ValueType;
  description?: string;
  owner?: string;
  tags: Record<string, string>;
  location?: SourceLocation;
}

export interface FeatureField {
  name: string;
  dtype: FeatureDtype;
  description?: string;
  /** Metric-backed views only: the semantic-layer metric this feature's value comes from. */
  metric?: string;
}

/** A warehouse table, read as is. */
export interface TableFeatureSource {
  kind: 'table';
  table: string;
  timestampField?: string;
}

/** A warehouse query: one row per entity (or per entity and timestamp), the join key among its columns. */
export interface QueryFeatureSource {
  kind: 'query';
  query: string;
  timestampField?: string;
}

/**
 * Semantic-layer metrics grouped by the view's entity, compiled by the same engine that serves
 * dashboards, so the model and the dashboard read one definition.
 */
export interface MetricFeatureSource {
  kind: 'metric';
  metrics: string[];
  /** The semantic-layer entity to group by (defaults to the view's entity name). */
  entity: string;
  /** metric_time granularity of each value (default day). */
  grain: string;
  /** Trailing window each value aggregates (e.g. 7 days), when the value is not per grain. */
  windowSeconds?: number;
}

export type FeatureSource = TableFeatureSource | QueryFeatureSource | MetricFeatureSource;

export interface FeatureView {
  name: string;
  /** Entity names; the online row key is their join keys, in this order. */
  entities: string[];
  joinKeys: string[];
  features: FeatureField[];
  source: FeatureSource;
  /** Event-timestamp column of the source (`metric_time` for metric sources). */
  timestampField: string;
  /** Values older than this are served as OUTSIDE_MAX_AGE. */
  ttlSeconds: number;
  onlineStore: OnlineStoreKind;
  /** Bumped when the view's shape changes; cache keys carry it so old shapes are never served. */
  version: number;
  description?: string;
  owner?: string;
  tags: Record<string, string>;
  location?: SourceLocation;
}

/** The features a service takes from one view (Feast's FeatureViewProjection). */
export interface FeatureViewProjection {
  featureView: string;
  features: string[];
}

export interface FeatureService {
  name: string;
  projections: FeatureViewProjection[];
  description?: string;
  owner?: string;
  tags: Record<string, string>;
  location?: SourceLocation;
}

export interface FeatureManifest {
  entities: FeatureEntity[];
  featureViews: FeatureView[];
  featureServices: FeatureService[];
}
