import { SemanticError, didYouMean } from '../errors';
import type { AggregationType, Metric, SavedQuery } from '../spec/manifest';
import { TIME_GRANULARITIES } from '../spec/manifest';
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
  measures: CatalogMeasure[];
  /** Metrics this one is computed from (ratio and derived inputs), direct only. */
  inputMetrics: string[];
  queryableGranularities: string[];
  requiresMetricTime: boolean;
  owner?: string;
}

function relationText(r: { database?: string; schema_name: string; alias: string }): string {
  return [r.database, r.schema_name, r.alias].filter(Boolean).join('.');
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
    const p = metric.type_params;
    const owner = metric.config?.meta?.owner;
    return {
      metric,
      measures: this.measures([name]),
      inputMetrics: [p.numerator?.name, p.denominator?.name, ...(p.metrics ?? []).map((i) => i.name)].filter(
        (n): n is string => n !== undefined,
      ),
      queryableGranularities: this.queryableGranularities([name]),
      requiresMetricTime: metric.type === 'cumulative' || metric.type === 'conversion',
      owner: typeof owner === 'string' ? owner : undefined,
    };
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

  savedQueries(): SavedQuery[] {
    return [...this.graph.savedQueries.values()];
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
