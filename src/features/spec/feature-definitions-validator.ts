import { didYouMean, type ErrorReporter } from '../../semantic/errors';
import type { Origin } from '../../semantic/spec/definition-reader';
import { childPath } from '../../semantic/spec/source-document';
import type { SemanticEngine } from '../../semantic/semantic-engine';
import type { FeatureDefinitionsReader } from './feature-definitions-reader';
import type { FeatureEntity, FeatureManifest, FeatureView, MetricFeatureSource } from './feature-manifest';

/**
 * Rules across objects: unique names, views naming known entities, services naming known views
 * and features, and metric sources the semantic engine can group by the view's entity. Without
 * an engine, metric sources are checked for shape only.
 */
export class FeatureDefinitionsValidator {
  constructor(
    private readonly manifest: FeatureManifest,
    private readonly reader: FeatureDefinitionsReader,
    private readonly reporter: ErrorReporter,
    private readonly engine?: SemanticEngine,
  ) {}

  validate(): void {
    this.unique('entity', this.manifest.entities);
    this.unique('feature view', this.manifest.featureViews);
    this.unique('feature service', this.manifest.featureServices);
    const entities = new Map(this.manifest.entities.map((e) => [e.name, e]));
    for (const view of this.manifest.featureViews) {
      this.resolveEntities(view, entities);
      if (view.source.kind === 'metric') this.checkMetricSource(view, view.source);
    }
    this.checkServices();
  }

  private unique(kind: string, objects: { name: string }[]): void {
    const seen = new Map<string, object>();
    for (const o of objects) {
      const first = seen.get(o.name);
      if (!first) {
        seen.set(o.name, o);
        continue;
      }
      const firstAt = this.origin(first);
      this.problem(
        o,
        'name',
        `Duplicate ${kind} name '${o.name}'${firstAt ? ` (first defined in ${firstAt.reader.file}${firstLine(firstAt)})` : ''}.`,
        `Rename one of them; ${kind} names are unique across all files.`,
      );
    }
  }

  private resolveEntities(view: FeatureView, entities: Map<string, FeatureEntity>): void {
    const joinKeys: string[] = [];
    view.entities.forEach((name, i) => {
      const entity = entities.get(name);
      if (view.entities.indexOf(name) !== i) {
        this.problem(view, `entities[${i}]`, `Entity '${name}' is listed twice.`, 'Remove the repeat.');
        return;
      }
      if (!entity) {
        if (this.reader.state.broken.has(`entity:${name}`)) return;
        const suggestions = didYouMean(name, entities.keys());
        this.problem(
          view,
          `entities[${i}]`,
          `Unknown entity '${name}'.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
          suggestions.length > 0 ? `Use '${suggestions[0]}'.` : `Define it under \`entities:\` (known: ${[...entities.keys()].join(', ') || 'none'}).`,
        );
        return;
      }
      joinKeys.push(entity.joinKey);
    });
    view.joinKeys = joinKeys;
    view.features.forEach((f, i) => {
      const clash = joinKeys.includes(f.name) ? 'the join key' : f.name === view.timestampField ? 'the timestamp field' : undefined;
      if (clash) this.problem(view, `${this.featureListKey(view)}[${i}].name`, `Feature '${f.name}' has the name of ${clash}.`, `Rename the feature; ${clash} is not a feature.`);
    });
  }

  private checkMetricSource(view: FeatureView, source: MetricFeatureSource): void {
    if (view.entities.length !== 1) {
      this.problem(view, 'entities', `A metric-backed view groups by one entity, got ${view.entities.length}.`, 'Keep one entity, or read a query source for a composite key.');
    }
    source.entity ||= view.entities[0] ?? '';
    const engine = this.engine;
    if (!engine) return;
    const known = new Set(engine.catalog.metrics().map((m) => m.metric.name));
    source.metrics.forEach((metric, i) => {
      const path = this.metricPath(view, i);
      if (!known.has(metric)) {
        const suggestions = didYouMean(metric, known);
        this.problem(
          view,
          path,
          `Unknown metric '${metric}' in the semantic layer.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
          suggestions.length > 0 ? `Use '${suggestions[0]}'.` : 'Name a metric defined under semantic-layer/metrics (see the catalog).',
        );
        return;
      }
      const groupable = engine.catalog.entities([metric]).map((e) => e.name);
      if (!groupable.includes(source.entity)) {
        this.problem(
          view,
          path,
          `Metric '${metric}' cannot be grouped by entity '${source.entity}'.`,
          `Use a metric whose semantic model links to '${source.entity}', or set \`source.entity\` to one of: ${groupable.join(', ')}.`,
        );
        return;
      }
      const grains = engine.catalog.queryableGranularities([metric]);
      if (!grains.includes(source.grain)) {
        this.problem(
          view,
          'source.grain',
          grains.length === 0 ? `Metric '${metric}' has no time dimension, so it has no grain.` : `Metric '${metric}' cannot be computed at grain '${source.grain}'.`,
          grains.length === 0 ? 'Use a metric with an aggregation time dimension.' : `Use one of: ${grains.join(', ')}.`,
        );
      }
    });
  }

  private checkServices(): void {
    const views = new Map(this.manifest.featureViews.map((v) => [v.name, v]));
    for (const service of this.manifest.featureServices) {
      const seen = new Set<string>();
      service.projections.forEach((projection, i) => {
        const at = (suffix: string): string => `features[${i}]${suffix}`;
        const view = views.get(projection.featureView);
        if (!view) {
          if (this.reader.state.broken.has(`feature_view:${projection.featureView}`)) return;
          const suggestions = didYouMean(projection.featureView, views.keys());
          this.problem(
            service,
            this.reader.selectAll.has(projection) && !this.isMapping(service, i) ? at('') : at('.feature_view'),
            `Unknown feature view '${projection.featureView}'.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
            suggestions.length > 0 ? `Use '${suggestions[0]}'.` : `Define it under \`feature_views:\` (known: ${[...views.keys()].join(', ') || 'none'}).`,
          );
          return;
        }
        if (seen.has(view.name)) {
          this.problem(service, at(''), `Feature view '${view.name}' is listed twice.`, 'List it once, with every feature the service needs.');
          return;
        }
        seen.add(view.name);
        const names = view.features.map((f) => f.name);
        if (this.reader.selectAll.has(projection)) {
          projection.features = names;
          return;
        }
        projection.features.forEach((feature, j) => {
          if (names.includes(feature)) return;
          const suggestions = didYouMean(feature, names);
          this.problem(
            service,
            at(`.features[${j}]`),
            `Feature view '${view.name}' has no feature '${feature}'.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
            suggestions.length > 0 ? `Use '${suggestions[0]}'.` : `Use one of: ${names.join(', ')}.`,
          );
        });
      });
    }
  }

  /** The path of the i-th metric of a view's source, as written (`metric` or `metrics[i]`). */
  private metricPath(view: FeatureView, i: number): string {
    const origin = this.origin(view);
    const source = origin ? (origin.reader.doc.keyLines.has(childPath(origin.path, 'source.metrics')) ? 'metrics' : 'metric') : 'metric';
    return source === 'metrics' ? `source.metrics[${i}]` : 'source.metric';
  }

  private featureListKey(view: FeatureView): string {
    const origin = this.origin(view);
    return origin && origin.reader.doc.keyLines.has(childPath(origin.path, 'features')) ? 'features' : 'schema';
  }

  private isMapping(service: object, i: number): boolean {
    const origin = this.origin(service);
    return !!origin && origin.reader.doc.keyLines.has(childPath(origin.path, `features[${i}].feature_view`));
  }

  private origin(o: object): Origin | undefined {
    return this.reader.state.origins.get(o);
  }

  /** Reports at `relative` inside the object's own path, in its file and at its line. */
  private problem(o: object, relative: string, message: string, fix: string): void {
    const origin = this.origin(o);
    if (!origin) {
      this.reporter.add({ file: '(unknown)', path: relative, message, fix });
      return;
    }
    const path = relative === '' ? origin.path : relative.startsWith('[') ? `${origin.path}${relative}` : `${origin.path}.${relative}`;
    origin.reader.problem(path, message, fix);
  }
}

function firstLine(origin: Origin): string {
  const line = origin.reader.lineOf(origin.path);
  return line === undefined ? '' : `:${line}`;
}
