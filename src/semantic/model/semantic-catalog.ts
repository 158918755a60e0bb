import { SemanticError, didYouMean } from '../errors';
import { collectReferences, parseWhereFilter } from '../filter';
import { parseSavedQueryGroupBy } from '../plan/metric-query';
import type { AggregationType, Metric, WhereFilterIntersection } from '../spec/manifest';
import { TIME_GRANULARITIES } from '../spec/manifest';
import {
  relationText,
  toCatalogSavedQuery,
  toTypeParams,
  toWhereFilter,
  type CatalogSavedQuery,
  type CatalogTypeParams,
  type CatalogWhereFilter,
  type LineageMeasure,
  type LineageMetric,
  type LineageSemanticModel,
  type MetricLineage,
} from './catalog-shapes';
import type { JoinResolver } from './join-resolver';
import { METRIC_TIME } from './linkable-name';
import { dimensionGrain, grainRank, type SemanticGraph } from './semantic-graph';

/** What analysts browse: the shapes of the dbt Semantic Layer APIs' metadata calls. */
export interface CatalogDimension {
  name: string;
  qualifiedName: string;
  type: 'CATEGORICAL' | 'TIME';
  description?: string;
  label?: string;
  expr?: string;
  isPartition: boolean;
  semanticModel?: string;
  queryableGranularities: string[];
}

export interface CatalogEntity {
  name: string;
  type: 'PRIMARY' | 'UNIQUE' | 'FOREIGN' | 'NATURAL';
  description?: string;
  label?: string;
  role?: string;
  semanticModel: string;
}

export interface CatalogMeasure {
  name: string;
  agg: AggregationType;
  expr: string;
  description?: string;
  label?: string;
  aggTimeDimension?: string;
  semanticModel: string;
  /** The table the semantic model reads (lineage's last step). */
  relation: string;
}

export interface CatalogMetric {
  metric: Metric;
  typeParams: CatalogTypeParams;
  filter?: CatalogWhereFilter;
  measures: CatalogMeasure[];
  /** Metrics this one is computed from (ratio and derived inputs), direct only. */
  inputMetrics: string[];
  queryableGranularities: string[];
  /** The standard grains plus the time spines' custom granularities (built on days) when day is queryable. */
  queryableTimeGranularities: string[];
  requiresMetricTime: boolean;
  owner?: string;
  /** `config.meta`, as written. */
  meta?: Record<string, unknown>;
}

/** Metadata queries over the graph; pure functions of the definitions, computed on demand. */
export class SemanticCatalog {
  constructor(
    private readonly graph: SemanticGraph,
    private readonly resolver: JoinResolver,
  ) {}

  metrics(): CatalogMetric[] {
    return [...this.graph.metrics.values()].map((m) => this.metric(m.name));
  }

  metric(name: string): CatalogMetric {
    const metric = this.requireMetric(name);
    name = metric.name;
    const owner = metric.config?.meta?.owner;
    const grains = this.queryableGranularities([name]);
    return {
      metric,
      typeParams: toTypeParams(metric, this.graph.measuresOf(name)),
      filter: toWhereFilter(metric.filter),
      measures: this.measures([name]),
      inputMetrics: inputMetricsOf(metric),
      queryableGranularities: grains,
      queryableTimeGranularities: grains.includes('day') ? [...grains, ...this.customGranularities()] : grains,
      requiresMetricTime: this.requiresMetricTime(metric),
      owner: typeof owner === 'string' ? owner : undefined,
      meta: metric.config?.meta,
    };
  }

  /**
   * Everything a metric is computed from: its input metrics (through ratio and derived inputs and
   * through `{{ Metric(…) }}` references in filters), the measures they aggregate, the semantic
   * models defining those and the tables those read.
   */
  lineage(name: string): MetricLineage {
    const root = this.requireMetric(name);
    const metrics: LineageMetric[] = [];
    const seen = new Set([root.name]);
    const queue: [Metric, number][] = [[root, 0]];
    // Breadth-first, so a metric reached along two paths gets its shortest depth.
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [metric, depth] = next;
      const node: LineageMetric = {
        name: metric.name,
        type: metric.type,
        label: metric.label,
        depth,
        inputMetrics: inputMetricsOf(metric),
        filterMetrics: filterMetricsOf(metric),
        measures: directMeasuresOf(metric),
      };
      metrics.push(node);
      for (const input of [...node.inputMetrics, ...node.filterMetrics]) {
        const def = this.graph.metrics.get(input);
        if (def && !seen.has(def.name)) {
          seen.add(def.name);
          queue.push([def, depth + 1]);
        }
      }
    }
    const measures = new Map<string, LineageMeasure>();
    for (const m of metrics) {
      for (const measureName of m.measures) {
        const model = this.graph.measureModels.get(measureName);
        const measure = model?.measures.get(measureName);
        if (!model || !measure) continue;
        const entry = measures.get(measureName) ?? {
          name: measure.name,
          agg: measure.agg,
          expr: measure.expr ?? measure.name,
          semanticModel: model.name,
          metrics: [],
        };
        entry.metrics.push(m.name);
        measures.set(measureName, entry);
      }
    }
    const models = new Map<string, LineageSemanticModel>();
    for (const measure of measures.values()) {
      const def = this.graph.models.get(measure.semanticModel)!.def;
      const entry = models.get(def.name) ?? {
        name: def.name,
        label: def.label,
        description: def.description,
        nodeRelation: def.node_relation,
        relation: relationText(def.node_relation),
        measures: [],
      };
      entry.measures.push(measure.name);
      models.set(def.name, entry);
    }
    return { metric: root.name, metrics, measures: [...measures.values()], semanticModels: [...models.values()] };
  }

  measures(metricNames: string[]): CatalogMeasure[] {
    const names = new Set(metricNames.flatMap((m) => this.graph.measuresOf(this.requireMetric(m).name)));
    return [...names].map((measureName) => {
      const model = this.graph.measureModels.get(measureName)!;
      const measure = model.measures.get(measureName)!;
      return {
        name: measure.name,
        agg: measure.agg,
        expr: measure.expr ?? measure.name,
        description: measure.description,
        label: measure.label,
        aggTimeDimension: model.aggTimeDimension(measure)?.name,
        semanticModel: model.name,
        relation: relationText(model.def.node_relation),
      };
    });
  }

  /** Dimensions every one of `metricNames` can be grouped by (MetricFlow's "common dimensions"). */
  dimensions(metricNames: string[]): CatalogDimension[] {
    if (metricNames.length === 0) return [];
    const out: CatalogDimension[] = [];
    const granularities = this.queryableGranularities(metricNames);
    if (granularities.length > 0) {
      out.push({
        name: METRIC_TIME,
        qualifiedName: METRIC_TIME,
        type: 'TIME',
        description: "The metric's aggregation time dimension.",
        isPartition: false,
        queryableGranularities: granularities,
      });
    }
    for (const item of this.common(metricNames, 'dimension')) {
      const dim = item.model.dimensions.get(item.name.split('__').pop()!)!;
      out.push({
        name: item.name,
        qualifiedName: item.name,
        type: dim.type === 'time' ? 'TIME' : 'CATEGORICAL',
        description: dim.description,
        label: dim.label,
        expr: dim.expr ?? dim.name,
        isPartition: dim.is_partition ?? false,
        semanticModel: item.model.name,
        queryableGranularities: dim.type === 'time' ? this.grainsFrom(dimensionGrain(dim)) : [],
      });
    }
    return out;
  }

  entities(metricNames: string[]): CatalogEntity[] {
    return this.common(metricNames, 'entity').map((item) => {
      const entity = item.model.entities.get(item.name.split('__').pop()!)!;
      return {
        name: item.name,
        type: entity.type.toUpperCase() as CatalogEntity['type'],
        description: entity.description,
        label: entity.label,
        role: entity.role,
        semanticModel: item.model.name,
      };
    });
  }

  /** Grains metric_time can be queried at for all of `metricNames`: from the coarsest data grain up. */
  queryableGranularities(metricNames: string[]): string[] {
    if (metricNames.length === 0) return [];
    let finest = 0;
    for (const name of metricNames) {
      for (const measureName of this.graph.measuresOf(this.requireMetric(name).name)) {
        const model = this.graph.measureModels.get(measureName)!;
        const dim = model.aggTimeDimension(model.measures.get(measureName)!);
        if (!dim) return [];
        finest = Math.max(finest, grainRank(dimensionGrain(dim)));
      }
    }
    return this.grainsFrom(TIME_GRANULARITIES[finest]!);
  }

  /** Metrics that can be grouped by every one of `groupByNames`. */
  metricsForDimensions(groupByNames: string[]): CatalogMetric[] {
    const suffix = new RegExp(`__(${TIME_GRANULARITIES.join('|')}|extract_[a-z]+)$`);
    const wanted = groupByNames.map((n) => n.trim().toLowerCase().replace(suffix, ''));
    return [...this.graph.metrics.keys()]
      .filter((m) => {
        const available = new Set(this.resolver.candidateNames(m));
        return wanted.every((w) => available.has(w));
      })
      .map((m) => this.metric(m));
  }

  savedQueries(): CatalogSavedQuery[] {
    return [...this.graph.savedQueries.values()].map((q) => toCatalogSavedQuery(q, parseSavedQueryGroupBy));
  }

  savedQuery(name: string): CatalogSavedQuery {
    const query = this.graph.savedQueries.get(name.trim());
    if (!query) {
      throw new SemanticError('UNKNOWN_SAVED_QUERY', `Unknown saved query '${name}'.`, didYouMean(name, this.graph.savedQueries.keys()));
    }
    return toCatalogSavedQuery(query, parseSavedQueryGroupBy);
  }

  /**
   * MetricFlow's rule: a metric can only be queried with metric_time when it is a cumulative
   * metric with a window or grain-to-date, or takes (at any depth) an input with an offset.
   */
  private requiresMetricTime(metric: Metric, seen = new Set<string>()): boolean {
    if (seen.has(metric.name)) return false;
    seen.add(metric.name);
    const p = metric.type_params;
    if (metric.type === 'cumulative') {
      return Boolean(p.window ?? p.grain_to_date ?? p.cumulative_type_params?.window ?? p.cumulative_type_params?.grain_to_date);
    }
    return [p.numerator, p.denominator, ...(p.metrics ?? [])].some((input) => {
      if (!input) return false;
      if (input.offset_window || input.offset_to_grain) return true;
      const def = this.graph.metrics.get(input.name);
      return def !== undefined && this.requiresMetricTime(def, seen);
    });
  }

  private customGranularities(): string[] {
    const spines = this.graph.manifest.project_configuration.time_spines ?? [];
    return [...new Set(spines.flatMap((s) => (s.custom_granularities ?? []).map((g) => g.name)))];
  }

  private grainsFrom(grain: string): string[] {
    return TIME_GRANULARITIES.filter((g) => grainRank(g) >= grainRank(grain));
  }

  /** Items reachable from every model that any of the metrics reads (a ratio across two models needs both). */
  private common(metricNames: string[], kind: 'dimension' | 'entity') {
    const models = [...new Set(metricNames.flatMap((name) => this.graph.modelsOf(this.requireMetric(name).name)))];
    if (models.length === 0) return [];
    const perModel = models.map((model) => new Map(this.resolver.reachable(model).filter((i) => i.kind === kind).map((i) => [i.name, i])));
    const [first, ...rest] = perModel;
    return [...first!.values()].filter((item) => rest.every((m) => m.has(item.name)));
  }

  private requireMetric(name: string): Metric {
    const metric = this.graph.metrics.get(name.trim().toLowerCase());
    if (!metric) throw new SemanticError('UNKNOWN_METRIC', `Unknown metric '${name}'.`, didYouMean(name, this.graph.metrics.keys()));
    return metric;
  }
}

function inputMetricsOf(metric: Metric): string[] {
  const p = metric.type_params;
  return [...new Set([p.numerator?.name, p.denominator?.name, ...(p.metrics ?? []).map((i) => i.name)].filter((n): n is string => n !== undefined))];
}

function directMeasuresOf(metric: Metric): string[] {
  const p = metric.type_params;
  const c = p.conversion_type_params;
  return [...new Set([p.measure?.name, c?.base_measure.name, c?.conversion_measure.name].filter((n): n is string => n !== undefined))];
}

/** Metrics referenced as `{{ Metric('…') }}` by the metric's own filter or its inputs' filters. */
function filterMetricsOf(metric: Metric): string[] {
  const p = metric.type_params;
  const c = p.conversion_type_params;
  const filters: (WhereFilterIntersection | undefined)[] = [
    metric.filter,
    p.measure?.filter,
    p.numerator?.filter,
    p.denominator?.filter,
    ...(p.metrics ?? []).map((i) => i.filter),
    c?.base_measure.filter,
    c?.conversion_measure.filter,
  ];
  const names = new Set<string>();
  for (const f of filters) {
    for (const w of f?.where_filters ?? []) {
      let refs;
      try {
        refs = collectReferences(parseWhereFilter(w.where_sql_template));
      } catch {
        continue; // start-up validation reports unparsable filters; the catalog lists what it can read
      }
      for (const ref of refs) if (ref.type === 'metric') names.add(ref.name);
    }
  }
  return [...names];
}
