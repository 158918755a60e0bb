import { SemanticError, didYouMean } from '../errors';
import type { GroupByInput } from '../model/linkable-name';
import type { SemanticGraph } from '../model/semantic-graph';
import { parseTimeLiteral } from './time-literal';

/**
 * A metric query as callers send it (GraphQL, CLI flags, CLI batch lines): the names and shapes of
 * the dbt Semantic Layer APIs and `mf query`.
 */
export interface MetricQueryInput {
  metrics?: (string | { name: string; alias?: string | null })[] | null;
  groupBy?: (string | GroupByInput)[] | null;
  /** MetricFlow where filters, e.g. `{{ Dimension('customer__country') }} = 'FR'`. */
  where?: (string | { sql: string })[] | null;
  /** Output names; a leading `-` (as in `mf query --order-by`) or `descending` sorts descending. */
  orderBy?: (string | OrderByInput)[] | null;
  limit?: number | null;
  startTime?: string | null;
  endTime?: string | null;
  savedQuery?: string | null;
}

export interface OrderByInput {
  /** An output name: a metric or a group-by such as `metric_time__day`. */
  name?: string | null;
  metric?: { name: string } | null;
  groupBy?: GroupByInput | null;
  descending?: boolean | null;
}

/** The validated request the planner works from. */
export interface MetricQuery {
  metrics: { name: string; alias?: string }[];
  groupBy: GroupByInput[];
  where: string[];
  orderBy: { name?: string; groupBy?: GroupByInput; descending: boolean }[];
  limit?: number;
  startTime?: Date;
  endTime?: Date;
}

export const MAX_LIMIT = 1_000_000;
/** Output names are compared as written; lower snake case keeps them distinct in every warehouse. */
const ALIAS = /^[a-z][a-z0-9_]{0,62}$/;

function suggestAlias(alias: string): string {
  const cleaned = alias.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 63);
  return cleaned || 'my_metric';
}
const MAX_ITEMS = 100;

/** MetricFlow's saved-query group-by syntax: `TimeDimension('metric_time', 'day')`, `Dimension('x__y')`, `Entity('x')`. */
const SAVED_GROUP_BY =
  /^\s*(?:\{\{\s*)?(Dimension|TimeDimension|Entity)\(\s*['"]([A-Za-z0-9_]+)['"]\s*(?:,\s*['"]([A-Za-z]+)['"]\s*)?\)(?:\.(grain|date_part)\(\s*['"]([A-Za-z]+)['"]\s*\))?\s*(?:\}\})?\s*$/;

export function parseSavedQueryGroupBy(text: string): GroupByInput {
  const m = SAVED_GROUP_BY.exec(text);
  if (!m) return { name: text.trim() };
  const [, , name, grainArg, method, methodArg] = m;
  return {
    name: name!,
    grain: method === 'grain' ? methodArg : grainArg,
    datePart: method === 'date_part' ? methodArg : undefined,
  };
}

function asArray<T>(value: T[] | null | undefined, what: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SemanticError('INVALID_QUERY', `'${what}' must be a list.`);
  if (value.length > MAX_ITEMS) throw new SemanticError('INVALID_QUERY', `'${what}' has ${value.length} items; at most ${MAX_ITEMS} are allowed.`);
  return value;
}

function parseBound(value: string | null | undefined, what: 'startTime' | 'endTime'): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseTimeLiteral(value) : undefined;
  if (!parsed) {
    throw new SemanticError(
      'INVALID_TIME_CONSTRAINT',
      `${what} '${String(value)}' is not a date or timestamp. Use ISO 8601, e.g. '2024-01-31' or '2024-01-31T12:00:00Z'.`,
    );
  }
  return parsed.date;
}

/** Checks the request's shape and expands a saved query; names are resolved later by the planner. */
export function normalizeMetricQuery(input: MetricQueryInput, graph: SemanticGraph): MetricQuery {
  let metrics = asArray(input.metrics, 'metrics').map((m) =>
    typeof m === 'string' ? { name: m } : { name: m?.name, alias: m?.alias ?? undefined },
  );
  let groupBy = asArray(input.groupBy, 'groupBy').map((g) => (typeof g === 'string' ? { name: g } : g));
  let where = asArray(input.where, 'where').map((w) => (typeof w === 'string' ? w : w?.sql));
  let orderBy = asArray(input.orderBy, 'orderBy');
  let limit = input.limit ?? undefined;

  if (input.savedQuery) {
    const saved = graph.savedQueries.get(input.savedQuery);
    if (!saved) {
      throw new SemanticError(
        'UNKNOWN_SAVED_QUERY',
        `Unknown saved query '${input.savedQuery}'.`,
        didYouMean(input.savedQuery, graph.savedQueries.keys()),
      );
    }
    if (metrics.length > 0 || groupBy.length > 0) {
      throw new SemanticError('INVALID_QUERY', `A query by savedQuery takes no metrics or groupBy of its own: '${saved.name}' defines them.`);
    }
    metrics = saved.query_params.metrics.map((name) => ({ name }));
    groupBy = saved.query_params.group_by.map(parseSavedQueryGroupBy);
    where = [...(saved.query_params.where?.where_filters.map((f) => f.where_sql_template) ?? []), ...where];
    if (orderBy.length === 0) orderBy = saved.query_params.order_by ?? [];
    limit ??= saved.query_params.limit;
  }

  for (const m of metrics) {
    if (typeof m.name !== 'string' || m.name.trim() === '') throw new SemanticError('INVALID_QUERY', 'Every metric needs a name.');
    if (m.alias !== undefined && m.alias !== null && !ALIAS.test(m.alias)) {
      throw new SemanticError(
        'INVALID_QUERY',
        `Alias '${m.alias}' of metric '${m.name}' is not a valid column name: use lower-case letters, digits and underscores, starting with a letter (e.g. '${suggestAlias(m.alias)}').`,
      );
    }
  }
  for (const g of groupBy) {
    if (!g || typeof g.name !== 'string' || g.name.trim() === '') {
      throw new SemanticError('INVALID_GROUP_BY', 'Every groupBy item needs a name, e.g. "metric_time__day" or {name: "metric_time", grain: "month"}.');
    }
  }
  for (const w of where) {
    if (typeof w !== 'string' || w.trim() === '') throw new SemanticError('INVALID_FILTER', 'A where filter must be a non-empty string.');
  }
  if (metrics.length === 0 && groupBy.length === 0) {
    // With group-bys alone, a query lists their distinct values (MetricFlow's dimension-only query).
    throw new SemanticError('INVALID_QUERY', 'Ask for at least one metric (or a savedQuery), or group-bys alone to list their values.');
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)) {
    throw new SemanticError('INVALID_LIMIT', `limit must be a whole number from 0 to ${MAX_LIMIT}; got ${String(limit)}.`);
  }
  const startTime = parseBound(input.startTime, 'startTime');
  const endTime = parseBound(input.endTime, 'endTime');
  if (startTime && endTime && startTime > endTime) {
    throw new SemanticError('INVALID_TIME_CONSTRAINT', `startTime (${input.startTime}) is after endTime (${input.endTime}).`);
  }

  return {
    metrics: metrics.map((m) => ({ name: m.name.trim().toLowerCase(), alias: m.alias ?? undefined })),
    groupBy: groupBy.map((g) => ({ name: g.name.trim(), grain: g.grain ?? undefined, datePart: g.datePart ?? undefined })),
    where: where as string[],
    orderBy: orderBy.map(normalizeOrderBy),
    limit,
    startTime,
    endTime,
  };
}

function normalizeOrderBy(o: string | OrderByInput): MetricQuery['orderBy'][number] {
  if (typeof o === 'string') {
    const descending = o.startsWith('-');
    return { name: (descending ? o.slice(1) : o).trim().toLowerCase(), descending };
  }
  if (o?.groupBy) return { groupBy: o.groupBy, descending: o.descending ?? false };
  const name = o?.metric?.name ?? o?.name;
  if (!name) throw new SemanticError('INVALID_ORDER_BY', 'An orderBy item needs a metric, a groupBy or a name.');
  return { name: name.trim().toLowerCase(), descending: o.descending ?? false };
}
