import { didYouMean, type ErrorReporter } from '../errors';
import type { LoadState } from './definition-reader';
import type { Metric, MetricInput, MetricTimeWindow, SemanticManifest, SemanticModel } from './manifest';
import { TIME_GRANULARITIES } from './manifest';

/**
 * The rules that span objects (and files): unique names, references between metrics, measures,
 * dimensions and entities, cycles. Runs after every file is read, so it sees the whole project;
 * problems point back at the object's file/path through the load state's origins. References to
 * objects that were dropped because of an earlier problem are not reported again.
 */
export class ManifestValidator {
  private readonly granularities: Set<string>;
  private readonly measures = new Map<string, SemanticModel>();
  private readonly metrics = new Map<string, Metric>();
  private readonly entityNames = new Set<string>();

  constructor(
    private readonly manifest: SemanticManifest,
    private readonly state: LoadState,
    private readonly reporter: ErrorReporter,
  ) {
    const custom = (manifest.project_configuration.time_spines ?? []).flatMap((s) => (s.custom_granularities ?? []).map((c) => c.name));
    this.granularities = new Set<string>([...TIME_GRANULARITIES, ...custom]);
  }

  validate(): void {
    this.checkUnique(this.manifest.semantic_models, 'semantic model');
    this.checkUnique(this.manifest.metrics, 'metric');
    this.checkUnique(this.manifest.saved_queries, 'saved query');
    for (const model of this.manifest.semantic_models) {
      for (const entity of model.entities) this.entityNames.add(entity.name);
      for (const measure of model.measures) {
        const owner = this.measures.get(measure.name);
        if (owner) {
          this.at(measure, 'name', `Measure '${measure.name}' is also defined in semantic model '${owner.name}'; measure names must be unique across all semantic models.`, 'Rename one of them.');
        } else {
          this.measures.set(measure.name, model);
        }
      }
      this.checkModel(model);
    }
    for (const metric of this.manifest.metrics) if (!this.metrics.has(metric.name)) this.metrics.set(metric.name, metric);
    for (const metric of this.manifest.metrics) this.checkMetric(metric);
    this.checkCycles();
    for (const query of this.manifest.saved_queries) {
      query.query_params.metrics.forEach((name, i) => {
        if (!this.metrics.has(name)) this.unknown(query, `query_params.metrics[${i}]`, 'metric', name, this.metrics.keys());
      });
    }
  }

  private checkUnique(items: { name: string }[], what: string): void {
    const seen = new Map<string, object>();
    for (const item of items) {
      const first = seen.get(item.name);
      if (first) {
        const where = this.state.origins.get(first);
        this.at(item, 'name', `Duplicate ${what} name '${item.name}' (first defined in ${where ? `${where.reader.file} at ${where.path}` : 'another file'}).`, `Rename or remove one of them.`);
      } else {
        seen.set(item.name, item);
      }
    }
  }

  private checkModel(model: SemanticModel): void {
    const elementNames = new Map<string, string>();
    for (const [kind, list] of [['entity', model.entities], ['dimension', model.dimensions]] as const) {
      for (const element of list) {
        const earlier = elementNames.get(element.name);
        if (earlier) this.at(element, 'name', `'${element.name}' is already the name of ${earlier === 'entity' ? 'an entity' : 'a dimension'} in semantic model '${model.name}'.`, 'Give each entity and dimension of a model its own name.');
        else elementNames.set(element.name, kind);
      }
    }
    const primaries = model.entities.filter((e) => e.type === 'primary');
    if (primaries.length + (model.primary_entity !== undefined ? 1 : 0) > 1) {
      this.at(model, model.primary_entity !== undefined ? 'primary_entity' : 'entities', `Semantic model '${model.name}' has more than one primary entity (${[...primaries.map((e) => e.name), ...(model.primary_entity ? [model.primary_entity] : [])].join(', ')}).`, 'Keep one: either one entity of type primary or `primary_entity:`.');
    }
    const entitiesComplete = !this.state.broken.has(`entities-of:${model.name}`);
    const naturals = model.entities.filter((e) => e.type === 'natural');
    this.checkValidityWindow(model, naturals.length);
    if (entitiesComplete && model.dimensions.length > 0 && primaries.length === 0 && model.primary_entity === undefined && naturals.length === 0) {
      this.at(model, 'dimensions', `Semantic model '${model.name}' has dimensions but no primary entity, so they cannot be reached.`, 'Mark its key entity `type: primary`, or set `primary_entity:`.');
    }
    const timeDimensions = model.dimensions.filter((d) => d.type === 'time').map((d) => d.name);
    const defaultTime = model.defaults?.agg_time_dimension;
    if (defaultTime !== undefined) this.checkTimeDimension(model, model, 'defaults.agg_time_dimension', defaultTime, timeDimensions);
    for (const measure of model.measures) {
      if (measure.agg_time_dimension !== undefined) {
        this.checkTimeDimension(model, measure, 'agg_time_dimension', measure.agg_time_dimension, timeDimensions);
      } else if (defaultTime === undefined) {
        this.at(measure, '', `Measure '${measure.name}' has no agg_time_dimension and semantic model '${model.name}' has no defaults.agg_time_dimension.`, `Add \`defaults: { agg_time_dimension: ${timeDimensions[0] ?? '<a time dimension>'} }\` to the model.`);
      }
      if (measure.agg === 'percentile' && (measure.agg_params?.percentile === undefined || measure.agg_params.percentile <= 0 || measure.agg_params.percentile >= 1)) {
        this.at(measure, 'agg_params', `Percentile measure '${measure.name}' needs agg_params.percentile between 0 and 1 (exclusive).`, 'Add `agg_params: { percentile: 0.9 }`.');
      }
      if (measure.agg === 'median' && measure.agg_params) {
        // MetricFlow's median is percentile 0.5, continuous; it may be approximate.
        const p = measure.agg_params;
        if ((p.percentile !== undefined && p.percentile !== 0.5) || p.use_discrete_percentile) {
          this.at(measure, 'agg_params', `Median measure '${measure.name}' is the continuous 50th percentile; it takes no other percentile and cannot be discrete.`, 'Remove percentile/use_discrete_percentile, or use `agg: percentile`.');
        }
      } else if (measure.agg !== 'percentile' && measure.agg_params !== undefined) {
        this.at(measure, 'agg_params', `agg_params only apply to percentile and median measures, not '${measure.agg}'.`, 'Remove agg_params or use `agg: percentile`.');
      }
      const nad = measure.non_additive_dimension;
      if (nad && !timeDimensions.includes(nad.name)) {
        this.unknown(measure, 'non_additive_dimension.name', `time dimension of '${model.name}'`, nad.name, timeDimensions, 'dimension');
      }
    }
  }

  /**
   * A slowly changing (type 2) dimension model: rows are versions of one natural key, each valid from
   * its `is_start` time until its `is_end` time. Facts join the version valid at their time.
   */
  private checkValidityWindow(model: SemanticModel, naturalCount: number): void {
    const starts = model.dimensions.filter((d) => d.type_params?.validity_params?.is_start);
    const ends = model.dimensions.filter((d) => d.type_params?.validity_params?.is_end);
    if (starts.length === 0 && ends.length === 0 && naturalCount === 0) return;
    if (starts.length !== 1 || ends.length !== 1) {
      this.at(model, 'dimensions', `Semantic model '${model.name}' is versioned (SCD type 2) but has ${starts.length} validity start and ${ends.length} validity end dimensions.`, 'Mark exactly one time dimension `validity_params: { is_start: true }` and one `validity_params: { is_end: true }`.');
    }
    if (naturalCount !== 1) {
      this.at(model, 'entities', `Semantic model '${model.name}' has a validity window, so it needs exactly one entity of type natural (the key its versions share); it has ${naturalCount}.`, 'Make the versioned key `type: natural`.');
    }
    if (model.measures.length > 0) {
      this.at(model, 'measures', `Semantic model '${model.name}' has a validity window, so it cannot have measures (each key has several rows).`, 'Move the measures to a fact model that joins this one.');
    }
  }

  private checkTimeDimension(model: SemanticModel, owner: object, path: string, name: string, timeDimensions: string[]): void {
    if (timeDimensions.includes(name)) return;
    if (model.dimensions.some((d) => d.name === name)) {
      this.at(owner, path, `'${name}' is a categorical dimension; the aggregation time dimension must be a time dimension.`, `Make '${name}' \`type: time\` or pick one of: ${timeDimensions.join(', ') || '(none)'}.`);
    } else {
      this.unknown(owner, path, `time dimension of '${model.name}'`, name, timeDimensions, 'dimension');
    }
  }

  private checkMetric(metric: Metric): void {
    const tp = metric.type_params;
    const measureRefs = [
      ['type_params.measure', tp.measure],
      ['type_params.conversion_type_params.base_measure', tp.conversion_type_params?.base_measure],
      ['type_params.conversion_type_params.conversion_measure', tp.conversion_type_params?.conversion_measure],
    ] as const;
    for (const [path, ref] of measureRefs) {
      if (ref && !this.measures.has(ref.name)) this.unknown(metric, path, 'measure', ref.name, this.measures.keys());
    }
    const conversion = tp.conversion_type_params;
    if (conversion && !this.entityNames.has(conversion.entity)) {
      this.unknown(metric, 'type_params.conversion_type_params.entity', 'entity', conversion.entity, this.entityNames);
    }
    const inputs: [string, MetricInput][] = [];
    if (tp.numerator) inputs.push(['type_params.numerator', tp.numerator]);
    if (tp.denominator) inputs.push(['type_params.denominator', tp.denominator]);
    (tp.metrics ?? []).forEach((m, i) => inputs.push([`type_params.metrics[${i}]`, m]));
    const aliases = new Set<string>();
    for (const [path, input] of inputs) {
      if (!this.metrics.has(input.name)) this.unknown(metric, path, 'metric', input.name, this.metrics.keys());
      const alias = input.alias ?? input.name;
      if (metric.type === 'derived' && aliases.has(alias)) {
        this.at(metric, path, `Derived metric '${metric.name}' uses the input name '${alias}' twice.`, 'Give the inputs distinct `alias:` names.');
      }
      aliases.add(alias);
      if (input.offset_window) this.checkWindow(metric, `${path}.offset_window`, input.offset_window);
      if (input.offset_to_grain !== undefined) this.checkGranularity(metric, `${path}.offset_to_grain`, input.offset_to_grain);
    }
    if (tp.window) this.checkWindow(metric, 'type_params.window', tp.window);
    if (tp.grain_to_date !== undefined) this.checkGranularity(metric, 'type_params.grain_to_date', tp.grain_to_date);
    if (tp.cumulative_type_params?.window) this.checkWindow(metric, 'type_params.cumulative_type_params.window', tp.cumulative_type_params.window);
    if (tp.cumulative_type_params?.grain_to_date !== undefined) {
      this.checkGranularity(metric, 'type_params.cumulative_type_params.grain_to_date', tp.cumulative_type_params.grain_to_date);
    }
    if (conversion?.window) this.checkWindow(metric, 'type_params.conversion_type_params.window', conversion.window);
    if (metric.time_granularity !== undefined) this.checkGranularity(metric, 'time_granularity', metric.time_granularity);
  }

  private checkWindow(owner: object, path: string, window: MetricTimeWindow): void {
    this.checkGranularity(owner, path, window.granularity);
  }

  private checkGranularity(owner: object, path: string, granularity: string): void {
    if (!this.granularities.has(granularity)) this.unknown(owner, path, 'granularity', granularity, this.granularities);
  }

  /** Ratio and derived metrics form a graph over metrics; a cycle can never be computed. */
  private checkCycles(): void {
    const state = new Map<string, 'active' | 'done'>();
    const reported = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      const metric = this.metrics.get(name);
      if (!metric || state.get(name) === 'done') return;
      if (state.get(name) === 'active') {
        const cycle = [...trail.slice(trail.indexOf(name)), name];
        const key = [...new Set(cycle)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          this.at(this.metrics.get(cycle[0]!)!, 'type_params', `Metric '${cycle[0]}' depends on itself: ${cycle.join(' -> ')}.`, 'Break the cycle: a metric cannot use itself as an input, directly or through other metrics.');
        }
        return;
      }
      state.set(name, 'active');
      const tp = metric.type_params;
      for (const input of [tp.numerator, tp.denominator, ...(tp.metrics ?? [])]) {
        if (input) visit(input.name, [...trail, name]);
      }
      state.set(name, 'done');
    };
    for (const name of this.metrics.keys()) visit(name, []);
  }

  /** Reports a reference to nothing, unless it names an object of `kind` dropped by an earlier problem. */
  private unknown(owner: object, path: string, what: string, name: string, candidates: Iterable<string>, kind = what): void {
    const broken = this.state.brokenNames(kind);
    if (broken.includes(name)) return;
    const suggestions = didYouMean(name, [...candidates, ...broken]);
    this.at(
      owner,
      path,
      `Unknown ${what} '${name}'.${suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''}`,
      suggestions.length > 0 ? `Use '${suggestions[0]}'.` : `Define '${name}' or reference an existing ${what}.`,
    );
  }

  private at(owner: object, sub: string, message: string, fix?: string): void {
    const origin = this.state.origins.get(owner);
    if (!origin) {
      this.reporter.add({ file: '(unknown)', path: sub, message, fix });
      return;
    }
    const path = sub === '' ? origin.path : sub.startsWith('[') ? `${origin.path}${sub}` : `${origin.path}.${sub}`;
    origin.reader.problem(path, message, fix);
  }
}
