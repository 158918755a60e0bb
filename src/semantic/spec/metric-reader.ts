import { readFilter, readWindow } from './common-readers';
import { compact, type DefinitionReader } from './definition-reader';
import type {
  ConversionTypeParams,
  CumulativeTypeParams,
  Metric,
  MetricInput,
  MetricInputMeasure,
  MetricType,
  MetricTypeParams,
} from './manifest';
import { trueOnly } from './semantic-model-reader';
import { childPath } from './source-document';

const METRIC_TYPES: readonly MetricType[] = ['simple', 'ratio', 'cumulative', 'derived', 'conversion'];

/** The type_params each metric type uses (dbt rejects the others at query time; we reject them at load). */
const PARAMS_BY_TYPE: Record<MetricType, { required: string[]; allowed: string[] }> = {
  simple: { required: ['measure'], allowed: ['measure'] },
  ratio: { required: ['numerator', 'denominator'], allowed: ['numerator', 'denominator'] },
  derived: { required: ['expr', 'metrics'], allowed: ['expr', 'metrics'] },
  cumulative: { required: ['measure'], allowed: ['measure', 'window', 'grain_to_date', 'cumulative_type_params'] },
  conversion: { required: ['conversion_type_params'], allowed: ['conversion_type_params'] },
};

/** Reads one metric (any form) into the manifest shape, normalizing dbt's shorthands. */
export function readMetric(r: DefinitionReader, value: unknown, path: string): Metric | undefined {
  const o = r.object(value, path, 'metric', {
    required: ['name', 'type', 'type_params'],
    optional: ['description', 'label', 'filter', 'time_granularity', 'config'],
    dropped: r.form === 'json' ? ['metadata'] : [],
  });
  if (!o) return undefined;
  const configPath = childPath(path, 'config');
  const config = r.object(o['config'], configPath, 'config', {
    optional: ['meta', ...(r.form === 'dbt' ? ['enabled', 'group'] : [])],
  });
  if (config && r.boolean(config, 'enabled', configPath) === false) return undefined;
  const meta = config ? r.meta(config, 'meta', configPath) : undefined;
  const name = r.name(o, 'name', path);
  const type = r.oneOf(o, 'type', path, METRIC_TYPES);
  const typeParams = readTypeParams(r, o['type_params'], childPath(path, 'type_params'), type);
  const metric: Metric = compact({
    name: name ?? '',
    type: type ?? 'simple',
    description: r.string(o, 'description', path),
    label: r.string(o, 'label', path),
    type_params: typeParams ?? {},
    filter: readFilter(r, o['filter'], childPath(path, 'filter')),
    time_granularity: r.string(o, 'time_granularity', path),
    config: meta && Object.keys(meta).length > 0 ? { meta } : undefined,
    location: r.location(path),
  });
  if (name === undefined || type === undefined || typeParams === undefined) {
    r.markBroken('metric', o);
    return undefined;
  }
  return r.track(metric, path);
}

function readTypeParams(r: DefinitionReader, value: unknown, path: string, type: MetricType | undefined): MetricTypeParams | undefined {
  const o = r.object(value, path, 'type_params', {
    optional: ['measure', 'numerator', 'denominator', 'expr', 'window', 'grain_to_date', 'metrics', 'conversion_type_params', 'cumulative_type_params'],
    dropped: r.form === 'json' ? ['input_measures'] : [],
  });
  if (!o) return undefined;
  // dbt's JSON writes `metrics: []` on every metric; an empty list means "none".
  if (Array.isArray(o['metrics']) && o['metrics'].length === 0 && type !== 'derived') delete o['metrics'];
  if (type) {
    const rule = PARAMS_BY_TYPE[type];
    for (const key of rule.required) {
      if (o[key] === undefined) r.problem(path, `A ${type} metric needs type_params.${key}.`, `Add \`${key}:\` under type_params.`);
    }
    for (const key of Object.keys(o)) {
      if (!rule.allowed.includes(key)) {
        r.problem(childPath(path, key), `type_params.${key} is not used by a ${type} metric.`, `Remove it, or change the metric's type.`);
      }
    }
  }
  const metricsPath = childPath(path, 'metrics');
  const inputs = r.list(o, 'metrics', path);
  const params: MetricTypeParams = compact({
    measure: readInputMeasure(r, o['measure'], childPath(path, 'measure')),
    numerator: readMetricInput(r, o['numerator'], childPath(path, 'numerator')),
    denominator: readMetricInput(r, o['denominator'], childPath(path, 'denominator')),
    expr: r.expr(o, 'expr', path),
    window: readWindow(r, o['window'], childPath(path, 'window')),
    grain_to_date: r.string(o, 'grain_to_date', path),
    metrics: inputs?.map((v, i) => readMetricInput(r, v, childPath(metricsPath, i))).filter((m): m is MetricInput => m !== undefined),
    conversion_type_params: readConversion(r, o['conversion_type_params'], childPath(path, 'conversion_type_params')),
    cumulative_type_params: readCumulative(r, o['cumulative_type_params'], childPath(path, 'cumulative_type_params')),
  });
  if (type === 'cumulative') {
    const window = params.window ?? params.cumulative_type_params?.window;
    const grainToDate = params.grain_to_date ?? params.cumulative_type_params?.grain_to_date;
    if (window && grainToDate) {
      r.problem(path, 'A cumulative metric takes either a window or grain_to_date, not both.', 'Remove one of them.');
    }
  }
  if (type === 'derived' && params.metrics?.length === 0) {
    r.problem(metricsPath, 'A derived metric needs at least one input metric.', 'List the metrics its expr uses.');
  }
  return params;
}

/** `measure: name` or `{ name, filter, alias, join_to_timespine, fill_nulls_with }`. */
export function readInputMeasure(r: DefinitionReader, value: unknown, path: string): MetricInputMeasure | undefined {
  if (typeof value === 'string') return r.track({ name: value }, path);
  const o = r.object(value, path, 'measure input', {
    required: ['name'],
    optional: ['filter', 'alias', 'join_to_timespine', 'fill_nulls_with'],
  });
  if (!o) return undefined;
  const name = r.string(o, 'name', path);
  if (name === undefined) return undefined;
  return r.track(
    compact({
      name,
      filter: readFilter(r, o['filter'], childPath(path, 'filter')),
      alias: r.string(o, 'alias', path),
      join_to_timespine: trueOnly(r.boolean(o, 'join_to_timespine', path)),
      fill_nulls_with: r.number(o, 'fill_nulls_with', path, true),
    }),
    path,
  );
}

/** `metric_name` or `{ name, filter, alias, offset_window, offset_to_grain }`. */
function readMetricInput(r: DefinitionReader, value: unknown, path: string): MetricInput | undefined {
  if (typeof value === 'string') return r.track({ name: value }, path);
  const o = r.object(value, path, 'metric input', {
    required: ['name'],
    optional: ['filter', 'alias', 'offset_window', 'offset_to_grain'],
  });
  if (!o) return undefined;
  const name = r.string(o, 'name', path);
  if (name === undefined) return undefined;
  const input: MetricInput = compact({
    name,
    filter: readFilter(r, o['filter'], childPath(path, 'filter')),
    alias: r.string(o, 'alias', path),
    offset_window: readWindow(r, o['offset_window'], childPath(path, 'offset_window')),
    offset_to_grain: r.string(o, 'offset_to_grain', path),
  });
  if (input.offset_window && input.offset_to_grain) {
    r.problem(path, 'A metric input takes either offset_window or offset_to_grain, not both.', 'Remove one of them.');
  }
  return r.track(input, path);
}

function readCumulative(r: DefinitionReader, value: unknown, path: string): CumulativeTypeParams | undefined {
  const o = r.object(value, path, 'cumulative_type_params', { optional: ['window', 'grain_to_date', 'period_agg'] });
  if (!o) return undefined;
  return compact({
    window: readWindow(r, o['window'], childPath(path, 'window')),
    grain_to_date: r.string(o, 'grain_to_date', path),
    period_agg: r.oneOf(o, 'period_agg', path, ['first', 'last', 'average'] as const),
  });
}

function readConversion(r: DefinitionReader, value: unknown, path: string): ConversionTypeParams | undefined {
  const o = r.object(value, path, 'conversion_type_params', {
    required: ['base_measure', 'conversion_measure', 'entity'],
    optional: ['calculation', 'window', 'constant_properties'],
  });
  if (!o) return undefined;
  const base = readInputMeasure(r, o['base_measure'], childPath(path, 'base_measure'));
  const conversion = readInputMeasure(r, o['conversion_measure'], childPath(path, 'conversion_measure'));
  const entity = r.string(o, 'entity', path);
  const propsPath = childPath(path, 'constant_properties');
  const props = (r.list(o, 'constant_properties', path) ?? []).flatMap((v, i) => {
    const p = childPath(propsPath, i);
    const cp = r.object(v, p, 'constant property', { required: ['base_property', 'conversion_property'] });
    const baseProperty = cp ? r.string(cp, 'base_property', p) : undefined;
    const conversionProperty = cp ? r.string(cp, 'conversion_property', p) : undefined;
    return baseProperty !== undefined && conversionProperty !== undefined ? [{ base_property: baseProperty, conversion_property: conversionProperty }] : [];
  });
  if (!base || !conversion || entity === undefined) return undefined;
  return compact({
    base_measure: base,
    conversion_measure: conversion,
    entity,
    calculation: r.oneOf(o, 'calculation', path, ['conversions', 'conversion_rate'] as const),
    window: readWindow(r, o['window'], childPath(path, 'window')),
    constant_properties: props.length > 0 ? props : undefined,
  });
}
