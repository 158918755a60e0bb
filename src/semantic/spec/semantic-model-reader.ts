import { compact, type DefinitionReader } from './definition-reader';
import type {
  AggregationType,
  Dimension,
  DimensionType,
  Entity,
  EntityType,
  Measure,
  NodeRelation,
  SemanticModel,
} from './manifest';
import { TIME_GRANULARITIES } from './manifest';
import { childPath } from './source-document';

export interface RelationOptions {
  /** Schema (BigQuery dataset) the `ref()`'d models live in. */
  schema: string;
  database?: string;
}

const ENTITY_TYPES: readonly EntityType[] = ['primary', 'unique', 'foreign', 'natural'];
const DIMENSION_TYPES: readonly DimensionType[] = ['categorical', 'time'];
const AGGREGATIONS: readonly AggregationType[] = [
  'sum',
  'min',
  'max',
  'count_distinct',
  'sum_boolean',
  'average',
  'percentile',
  'median',
  'count',
];

/** dbt's `ref('name')`, `ref("name")`, `ref('package', 'name')`, optionally with `v=`/`version=`. */
const REF_PATTERN = /^\s*ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?(?:,\s*(?:v|version)\s*=\s*['"]?[\w.]+['"]?\s*)?\)\s*$/;

/** Reads one semantic model (any form) into the manifest shape; `undefined` when unusable. */
export function readSemanticModel(r: DefinitionReader, value: unknown, path: string, relation: RelationOptions): SemanticModel | undefined {
  const dbt = r.form === 'dbt';
  const o = r.object(value, path, 'semantic model', {
    required: ['name', dbt ? 'model' : 'node_relation'],
    optional: ['description', 'label', 'defaults', 'primary_entity', 'entities', 'measures', 'dimensions', 'config'],
    dropped: r.form === 'json' ? ['metadata'] : [],
  });
  if (!o) return undefined;
  const configPath = childPath(path, 'config');
  const config = r.object(o['config'], configPath, 'config', {
    optional: ['meta', ...(dbt ? ['enabled', 'group'] : [])],
  });
  if (config && r.boolean(config, 'enabled', configPath) === false) return undefined;
  const meta = config ? r.meta(config, 'meta', configPath) : undefined;
  const defaultsPath = childPath(path, 'defaults');
  const defaults = r.object(o['defaults'], defaultsPath, 'defaults', { optional: ['agg_time_dimension'] });
  const aggTime = defaults ? r.string(defaults, 'agg_time_dimension', defaultsPath) : undefined;
  const name = r.name(o, 'name', path);
  const nodeRelation = dbt ? readRef(r, o, path, relation) : readNodeRelation(r, o['node_relation'], childPath(path, 'node_relation'));
  const model: SemanticModel = compact({
    name: name ?? '',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    node_relation: nodeRelation ?? { alias: '', schema_name: '' },
    defaults: aggTime !== undefined ? { agg_time_dimension: aggTime } : undefined,
    primary_entity: r.name(o, 'primary_entity', path),
    entities: readItems(r, o, 'entities', path, readEntity, 'entity'),
    measures: readItems(r, o, 'measures', path, readMeasure, 'measure'),
    dimensions: readItems(r, o, 'dimensions', path, readDimension, 'dimension'),
    config: meta && Object.keys(meta).length > 0 ? { meta } : undefined,
    location: r.location(path),
  });
  for (const [key, list] of [['entities', model.entities], ['dimensions', model.dimensions], ['measures', model.measures]] as const) {
    const written = o[key];
    if (Array.isArray(written) && list.length < written.length) r.state.broken.add(`${key}-of:${model.name}`);
  }
  if (name === undefined || nodeRelation === undefined) {
    r.markBroken('semantic_model', o);
    const measures = o['measures'];
    if (Array.isArray(measures)) for (const m of measures) r.markBroken('measure', m);
    return undefined;
  }
  return r.track(model, path);
}

function readItems<T extends object>(
  r: DefinitionReader,
  o: Record<string, unknown>,
  key: string,
  path: string,
  read: (r: DefinitionReader, value: unknown, path: string) => T | undefined,
  kind: string,
): T[] {
  const items = r.list(o, key, path) ?? [];
  const out: T[] = [];
  items.forEach((item, i) => {
    const itemPath = childPath(childPath(path, key), i);
    const parsed = read(r, item, itemPath);
    if (parsed) out.push(r.track(parsed, itemPath));
    else r.markBroken(kind, item);
  });
  return out;
}

function readRef(r: DefinitionReader, o: Record<string, unknown>, path: string, relation: RelationOptions): NodeRelation | undefined {
  const model = r.string(o, 'model', path);
  if (model === undefined) return undefined;
  const match = REF_PATTERN.exec(model);
  if (!match) {
    r.problem(childPath(path, 'model'), `'model' must be a dbt ref such as ref('fct_orders'), got '${model}'.`, "Write `model: ref('<table name>')`.");
    return undefined;
  }
  const alias = match[4] ?? match[2]!;
  return compact({ alias, schema_name: relation.schema, database: relation.database });
}

export function readNodeRelation(r: DefinitionReader, value: unknown, path: string): NodeRelation | undefined {
  const o = r.object(value, path, 'node_relation', { required: ['alias', 'schema_name'], optional: ['database', 'relation_name'] });
  if (!o) return undefined;
  const alias = r.string(o, 'alias', path);
  const schema = r.string(o, 'schema_name', path);
  if (alias === undefined || schema === undefined) return undefined;
  return compact({ alias, schema_name: schema, database: r.string(o, 'database', path), relation_name: r.string(o, 'relation_name', path) });
}

/** Keys dbt's JSON adds to every element (and the project form's per-element `config`). */
function elementExtras(r: DefinitionReader): string[] {
  if (r.form === 'json') return ['metadata', 'config'];
  return r.form === 'dbt' ? ['config'] : [];
}

function readEntity(r: DefinitionReader, value: unknown, path: string): Entity | undefined {
  const o = r.object(value, path, 'entity', {
    required: ['name', 'type'],
    optional: ['description', 'label', 'role', 'expr'],
    dropped: elementExtras(r),
  });
  if (!o) return undefined;
  const name = r.name(o, 'name', path);
  const type = r.oneOf(o, 'type', path, ENTITY_TYPES);
  const entity: Entity = compact({
    name: name ?? '',
    type: type ?? 'foreign',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    role: r.string(o, 'role', path),
    expr: r.expr(o, 'expr', path),
  });
  return name === undefined || type === undefined ? undefined : entity;
}

function readMeasure(r: DefinitionReader, value: unknown, path: string): Measure | undefined {
  const o = r.object(value, path, 'measure', {
    required: ['name', 'agg'],
    optional: [
      'description',
      'label',
      'expr',
      'agg_params',
      'non_additive_dimension',
      'agg_time_dimension',
      'create_metric',
      ...(r.form === 'json' ? [] : ['create_metric_display_name']),
    ],
    dropped: elementExtras(r),
  });
  if (!o) return undefined;
  const name = r.name(o, 'name', path);
  const agg = r.oneOf(o, 'agg', path, AGGREGATIONS);
  const paramsPath = childPath(path, 'agg_params');
  const params = r.object(o['agg_params'], paramsPath, 'agg_params', {
    optional: ['percentile', 'use_discrete_percentile', 'use_approximate_percentile'],
  });
  const nadPath = childPath(path, 'non_additive_dimension');
  const nad = r.object(o['non_additive_dimension'], nadPath, 'non_additive_dimension', {
    required: ['name'],
    optional: ['window_choice', 'window_groupings'],
  });
  const createMetric = r.boolean(o, 'create_metric', path);
  const displayName = r.string(o, 'create_metric_display_name', path);
  const measure: Measure = compact({
    name: name ?? '',
    agg: agg ?? 'sum',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    // false is dbt's serialization default: dropping it lets the three forms compare equal.
    create_metric: createMetric === true ? true : undefined,
    expr: r.expr(o, 'expr', path),
    agg_params: params
      ? nonEmpty(
          compact({
            percentile: r.number(params, 'percentile', paramsPath),
            use_discrete_percentile: trueOnly(r.boolean(params, 'use_discrete_percentile', paramsPath)),
            use_approximate_percentile: trueOnly(r.boolean(params, 'use_approximate_percentile', paramsPath)),
          }),
        )
      : undefined,
    non_additive_dimension: nad
      ? {
          name: r.string(nad, 'name', nadPath) ?? '',
          // dbt's own defaults for the two optional keys.
          window_choice: r.oneOf(nad, 'window_choice', nadPath, ['min', 'max'] as const) ?? 'min',
          window_groupings: r.stringList(nad, 'window_groupings', nadPath) ?? [],
        }
      : undefined,
    agg_time_dimension: r.string(o, 'agg_time_dimension', path),
  });
  if (displayName !== undefined) createMetricLabels.set(measure, displayName);
  return name === undefined || agg === undefined ? undefined : measure;
}

/** `create_metric_display_name` is not part of the manifest's Measure; it only labels the metric dbt creates. */
export const createMetricLabels = new WeakMap<Measure, string>();

function readDimension(r: DefinitionReader, value: unknown, path: string): Dimension | undefined {
  const o = r.object(value, path, 'dimension', {
    required: ['name', 'type'],
    optional: ['description', 'label', 'is_partition', 'type_params', 'expr'],
    dropped: elementExtras(r),
  });
  if (!o) return undefined;
  const name = r.name(o, 'name', path);
  const type = r.oneOf(o, 'type', path, DIMENSION_TYPES);
  const tpPath = childPath(path, 'type_params');
  const tp = r.object(o['type_params'], tpPath, 'type_params', { required: ['time_granularity'], optional: ['validity_params'] });
  const vpPath = childPath(tpPath, 'validity_params');
  const vp = tp ? r.object(tp['validity_params'], vpPath, 'validity_params', { optional: ['is_start', 'is_end'] }) : undefined;
  if (type === 'time' && !tp) {
    r.problem(path, `Time dimension '${name ?? '?'}' needs type_params.time_granularity.`, 'Add `type_params: { time_granularity: day }`.');
  }
  const validity = vp ? nonEmpty(compact({ is_start: trueOnly(r.boolean(vp, 'is_start', vpPath)), is_end: trueOnly(r.boolean(vp, 'is_end', vpPath)) })) : undefined;
  const dimension: Dimension = compact({
    name: name ?? '',
    type: type ?? 'categorical',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    is_partition: trueOnly(r.boolean(o, 'is_partition', path)),
    type_params: tp
      ? compact({ time_granularity: tp ? r.oneOf(tp, 'time_granularity', tpPath, TIME_GRANULARITIES) : undefined, validity_params: validity })
      : undefined,
    expr: r.expr(o, 'expr', path),
  });
  return name === undefined || type === undefined ? undefined : dimension;
}

/** false is dbt's serialization default for these flags; only true is kept. */
export function trueOnly(v: boolean | undefined): true | undefined {
  return v === true ? true : undefined;
}

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length > 0 ? o : undefined;
}
