import { registerEnumType } from '@nestjs/graphql';

export enum TimeGranularity {
  NANOSECOND = 'nanosecond',
  MICROSECOND = 'microsecond',
  MILLISECOND = 'millisecond',
  SECOND = 'second',
  MINUTE = 'minute',
  HOUR = 'hour',
  DAY = 'day',
  WEEK = 'week',
  MONTH = 'month',
  QUARTER = 'quarter',
  YEAR = 'year',
}

export enum DatePart {
  YEAR = 'year',
  QUARTER = 'quarter',
  MONTH = 'month',
  WEEK = 'week',
  DAY = 'day',
  DOW = 'dow',
  DOY = 'doy',
}

export enum MetricType {
  SIMPLE = 'simple',
  RATIO = 'ratio',
  CUMULATIVE = 'cumulative',
  DERIVED = 'derived',
  CONVERSION = 'conversion',
}

export enum AggregationType {
  SUM = 'sum',
  MIN = 'min',
  MAX = 'max',
  COUNT_DISTINCT = 'count_distinct',
  SUM_BOOLEAN = 'sum_boolean',
  AVERAGE = 'average',
  PERCENTILE = 'percentile',
  MEDIAN = 'median',
  COUNT = 'count',
}

export enum DimensionType {
  CATEGORICAL = 'CATEGORICAL',
  TIME = 'TIME',
}

export enum EntityType {
  PRIMARY = 'PRIMARY',
  UNIQUE = 'UNIQUE',
  FOREIGN = 'FOREIGN',
  NATURAL = 'NATURAL',
}

export enum PeriodAggregation {
  FIRST = 'first',
  LAST = 'last',
  AVERAGE = 'average',
}

export enum ConversionCalculationType {
  CONVERSIONS = 'conversions',
  CONVERSION_RATE = 'conversion_rate',
}

export enum ExportDestinationType {
  TABLE = 'table',
  VIEW = 'view',
}

export enum QueryStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  COMPILED = 'COMPILED',
  SUCCESSFUL = 'SUCCESSFUL',
  FAILED = 'FAILED',
}

export enum SqlDialectName {
  BIGQUERY = 'bigquery',
  DUCKDB = 'duckdb',
}

registerEnumType(TimeGranularity, { name: 'TimeGranularity' });
registerEnumType(DatePart, { name: 'DatePart' });
registerEnumType(MetricType, { name: 'MetricType' });
registerEnumType(AggregationType, { name: 'AggregationType' });
registerEnumType(DimensionType, { name: 'DimensionType' });
registerEnumType(EntityType, { name: 'EntityType' });
registerEnumType(PeriodAggregation, { name: 'PeriodAggregation', description: 'How a cumulative metric reports a period coarser than its data grain.' });
registerEnumType(ConversionCalculationType, { name: 'ConversionCalculationType' });
registerEnumType(ExportDestinationType, { name: 'ExportDestinationType' });
registerEnumType(QueryStatus, { name: 'QueryStatus', description: 'The lifecycle of a query (dbt Semantic Layer names).' });
registerEnumType(SqlDialectName, { name: 'SqlDialect', description: 'The SQL dialect to compile for.' });
