import { didYouMean, type ErrorReporter } from '../../semantic/errors';
import { DefinitionReader, LoadState, compact, describe } from '../../semantic/spec/definition-reader';
import { TIME_GRANULARITIES } from '../../semantic/spec/manifest';
import { childPath, type SourceDocument } from '../../semantic/spec/source-document';
import { parseDurationSeconds } from './feature-duration';
import {
  NUMERIC_DTYPES,
  ONLINE_STORES,
  SCALAR_DTYPES,
  VALUE_TYPES,
  type FeatureDtype,
  type FeatureEntity,
  type FeatureField,
  type FeatureManifest,
  type FeatureService,
  type FeatureSource,
  type FeatureView,
  type FeatureViewProjection,
  type OnlineStoreKind,
  type ValueType,
} from './feature-manifest';

export const TOP_LEVEL_KEYS = ['entities', 'feature_views', 'feature_services'] as const;

/** The name a metric source's rows carry their time under (the engine's metric_time). */
export const METRIC_TIMESTAMP_FIELD = 'metric_time';

const TABLE_PATTERN = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){0,2}$/;

/**
 * Reads feature-definition documents into manifest objects, checking each object's own shape
 * (keys, types, names, dtypes, durations). Rules across objects are the validator's; they find
 * the source of each object through `state.origins`.
 */
export class FeatureDefinitionsReader {
  readonly state = new LoadState();
  readonly entities: FeatureEntity[] = [];
  readonly featureViews: FeatureView[] = [];
  readonly featureServices: FeatureService[] = [];
  /** Projections written as a bare view name: they take every feature of the view, filled in later. */
  readonly selectAll = new WeakSet<FeatureViewProjection>();

  constructor(
    private readonly reporter: ErrorReporter,
    private readonly defaultOnlineStore: OnlineStoreKind,
  ) {}

  get manifest(): FeatureManifest {
    return { entities: this.entities, featureViews: this.featureViews, featureServices: this.featureServices };
  }

  read(doc: SourceDocument): void {
    const r = new DefinitionReader(this.reporter, doc, 'dbt', this.state);
    const o = r.object(doc.value, '', 'feature definitions file', { optional: TOP_LEVEL_KEYS });
    if (!o) return;
    const each = (key: string, read: (v: unknown, path: string) => void): void => {
      (r.list(o, key, '') ?? []).forEach((item, i) => read(item, childPath(key, i)));
    };
    each('entities', (v, p) => push(this.entities, this.readEntity(r, v, p)));
    each('feature_views', (v, p) => push(this.featureViews, this.readView(r, v, p)));
    each('feature_services', (v, p) => push(this.featureServices, this.readService(r, v, p)));
  }

  private readEntity(r: DefinitionReader, v: unknown, path: string): FeatureEntity | undefined {
    const o = r.object(v, path, 'entity', { required: ['name', 'value_type'], optional: ['join_keys', 'description', 'owner', 'tags'] });
    if (!o) return undefined;
    const name = r.name(o, 'name', path);
    let joinKeys = r.stringList(o, 'join_keys', path);
    if (joinKeys !== undefined && joinKeys.length !== 1) {
      r.problem(
        childPath(path, 'join_keys'),
        `An entity has exactly one join key, got ${joinKeys.length}.`,
        'Keep one join key; for a composite key, list several entities in the feature view.',
      );
      joinKeys = undefined;
    }
    const valueType = this.valueType(r, o, path);
    if (name === undefined || valueType === undefined || (o['join_keys'] !== undefined && joinKeys === undefined)) {
      r.markBroken('entity', v);
      return undefined;
    }
    return r.track(
      compact({
        name,
        // Feast's default: the join key is the entity's name.
        joinKey: joinKeys?.[0] ?? name,
        valueType,
        description: r.string(o, 'description', path),
        owner: r.string(o, 'owner', path),
        tags: this.tags(r, o, path),
        location: r.location(path),
      }),
      path,
    );
  }

  private readView(r: DefinitionReader, v: unknown, path: string): FeatureView | undefined {
    const o = r.object(v, path, 'feature view', {
      required: ['name', 'entities', 'source', 'ttl'],
      optional: ['schema', 'features', 'timestamp_field', 'online_store', 'version', 'description', 'owner', 'tags'],
    });
    if (!o) return undefined;
    const name = r.name(o, 'name', path);
    const entities = r.stringList(o, 'entities', path);
    if (entities !== undefined && entities.length === 0) {
      r.problem(childPath(path, 'entities'), 'A feature view needs at least one entity.', 'List the entity whose join key keys the rows, e.g. `entities: [user]`.');
    }
    const source = this.readSource(r, o['source'], childPath(path, 'source'));
    const features = this.readFields(r, o, path, source);
    const ttlSeconds = this.duration(r, o, 'ttl', path);
    const onlineStore = o['online_store'] === undefined ? this.defaultOnlineStore : r.oneOf(o, 'online_store', path, ONLINE_STORES);
    const version = r.number(o, 'version', path, true) ?? 1;
    if (version < 1) r.problem(childPath(path, 'version'), `'version' must be 1 or more, got ${version}.`, 'Start at 1 and bump it when the features change.');
    const timestampField = this.timestampField(r, o, path, source);
    if (
      name === undefined ||
      entities === undefined ||
      entities.length === 0 ||
      source === undefined ||
      features === undefined ||
      ttlSeconds === undefined ||
      onlineStore === undefined ||
      timestampField === undefined
    ) {
      r.markBroken('feature_view', v);
      return undefined;
    }
    return r.track(
      compact({
        name,
        entities,
        // Filled in by the validator once every entity is known.
        joinKeys: [] as string[],
        features,
        source,
        timestampField,
        ttlSeconds,
        onlineStore,
        version,
        description: r.string(o, 'description', path),
        owner: r.string(o, 'owner', path),
        tags: this.tags(r, o, path),
        location: r.location(path),
      }),
      path,
    );
  }

  private readSource(r: DefinitionReader, v: unknown, path: string): FeatureSource | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      r.problem(path, `The source must be a mapping, got ${describe(v)}.`, 'Write `source: { table: marts.x }`, `{ query: SELECT … }` or `{ metric: <metric> }`.');
      return undefined;
    }
    const kinds = ['table', 'query', 'metric', 'metrics'].filter((k) => k in v);
    if (kinds.length !== 1) {
      r.problem(
        path,
        kinds.length === 0 ? 'The source names no table, query or metric.' : `The source names several kinds at once: ${kinds.join(', ')}.`,
        'Give exactly one of `table:` (a warehouse table), `query:` (a SELECT) or `metric:` (a semantic-layer metric).',
      );
      return undefined;
    }
    const kind = kinds[0]!;
    if (kind === 'table' || kind === 'query') {
      const o = r.object(v, path, `${kind} source`, { required: [kind], optional: ['timestamp_field'] });
      const text = o && r.string(o, kind, path);
      if (!o || text === undefined) return undefined;
      if (kind === 'table' && !TABLE_PATTERN.test(text)) {
        r.problem(childPath(path, 'table'), `'${text}' is not a table name.`, 'Write it as schema.table (BigQuery: dataset.table or project.dataset.table), e.g. marts.dim_users_current.');
        return undefined;
      }
      if (kind === 'query' && !/^\s*(select|with)\b/i.test(text)) {
        r.problem(childPath(path, 'query'), 'The query must be a SELECT (or WITH … SELECT) statement.', 'Write a SELECT returning the join key, the timestamp field and the features.');
        return undefined;
      }
      const timestampField = r.string(o, 'timestamp_field', path);
      const source: FeatureSource = kind === 'table' ? { kind: 'table', table: text, timestampField } : { kind: 'query', query: text, timestampField };
      return compact(source);
    }
    const o = r.object(v, path, 'metric source', { optional: ['metric', 'metrics', 'entity', 'grain', 'window'] });
    if (!o) return undefined;
    const metrics = kind === 'metric' ? [r.string(o, 'metric', path)].filter((m): m is string => m !== undefined) : r.stringList(o, 'metrics', path);
    if (metrics === undefined || metrics.length === 0) return undefined;
    const grain = o['grain'] === undefined ? 'day' : r.oneOf(o, 'grain', path, TIME_GRANULARITIES);
    const windowSeconds = this.duration(r, o, 'window', path);
    if (grain === undefined || (o['window'] !== undefined && windowSeconds === undefined)) return undefined;
    // The semantic entity defaults to the view's entity name; the validator fills it in.
    return compact<FeatureSource>({ kind: 'metric', metrics, entity: r.string(o, 'entity', path) ?? '', grain, windowSeconds });
  }

  /** Feast calls the feature list `schema`; `features` is accepted as its older name. */
  private readFields(r: DefinitionReader, o: Record<string, unknown>, path: string, source: FeatureSource | undefined): FeatureField[] | undefined {
    if (o['schema'] !== undefined && o['features'] !== undefined) {
      r.problem(childPath(path, 'features'), 'A feature view lists its features under `schema` or `features`, not both.', 'Merge them under `schema:`.');
      return undefined;
    }
    const key = o['schema'] !== undefined ? 'schema' : 'features';
    const items = r.list(o, key, path);
    if (items === undefined || items.length === 0) {
      r.problem(path, 'A feature view needs at least one feature.', 'Add `schema:` with items like `- { name: country, dtype: String }`.');
      return undefined;
    }
    const out: FeatureField[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const p = childPath(childPath(path, key), i);
      const f = r.object(item, p, 'feature', { required: ['name', 'dtype'], optional: ['description', 'metric'] });
      const name = f && r.name(f, 'name', p);
      const dtype = f && this.dtype(r, f, p);
      if (!f || name === undefined || dtype === undefined) {
        ok = false;
        return;
      }
      if (out.some((x) => x.name === name)) {
        r.problem(childPath(p, 'name'), `Feature '${name}' is listed twice in this view.`, 'Remove or rename one of them.');
        ok = false;
        return;
      }
      const metric = this.featureMetric(r, f, p, name, dtype, source);
      out.push(compact({ name, dtype, description: r.string(f, 'description', p), metric }));
    });
    return ok ? out : undefined;
  }

  private featureMetric(r: DefinitionReader, f: Record<string, unknown>, p: string, name: string, dtype: FeatureDtype, source: FeatureSource | undefined): string | undefined {
    const written = r.string(f, 'metric', p);
    if (source?.kind !== 'metric') {
      if (written !== undefined && source !== undefined) {
        r.problem(childPath(p, 'metric'), `Feature '${name}' names a metric, but the view's source is a ${source.kind}.`, 'Remove `metric:`, or make the source `{ metrics: [...] }`.');
      }
      return undefined;
    }
    // One metric: every feature is that metric; several: each feature says which (or is named like it).
    const metric = written ?? (source.metrics.length === 1 ? source.metrics[0]! : name);
    if (!source.metrics.includes(metric)) {
      const suggestions = didYouMean(metric, source.metrics);
      r.problem(
        childPath(p, written === undefined ? 'name' : 'metric'),
        `Feature '${name}' takes metric '${metric}', which the source does not list (${source.metrics.join(', ')}).`,
        suggestions.length > 0 ? `Use \`metric: ${suggestions[0]}\`.` : `Add \`metric: <one of ${source.metrics.join(', ')}>\` to the feature, or list '${metric}' in the source's metrics.`,
      );
    }
    if (!NUMERIC_DTYPES.includes(dtype as never)) {
      r.problem(childPath(p, 'dtype'), `Feature '${name}' holds a metric value, so its dtype must be numeric, not ${dtype}.`, `Use one of ${NUMERIC_DTYPES.join(', ')}.`);
    }
    return metric;
  }

  private readService(r: DefinitionReader, v: unknown, path: string): FeatureService | undefined {
    const o = r.object(v, path, 'feature service', { required: ['name', 'features'], optional: ['description', 'owner', 'tags'] });
    if (!o) return undefined;
    const name = r.name(o, 'name', path);
    const items = r.list(o, 'features', path);
    if (items !== undefined && items.length === 0) r.problem(childPath(path, 'features'), 'A feature service needs at least one feature view.', 'List feature views, or `{ feature_view: x, features: [a, b] }` for a subset.');
    const projections: FeatureViewProjection[] = [];
    (items ?? []).forEach((item, i) => {
      const p = childPath(childPath(path, 'features'), i);
      if (typeof item === 'string') {
        const projection = r.track({ featureView: item, features: [] as string[] }, p);
        this.selectAll.add(projection);
        projections.push(projection);
        return;
      }
      const po = r.object(item, p, 'feature service entry', { required: ['feature_view'], optional: ['features'] });
      const view = po && r.string(po, 'feature_view', p);
      const features = po && r.stringList(po, 'features', p);
      if (!po || view === undefined) return;
      const projection = r.track({ featureView: view, features: features ?? [] }, p);
      if (features === undefined || features.length === 0) this.selectAll.add(projection);
      projections.push(projection);
    });
    if (name === undefined || items === undefined) {
      r.markBroken('feature_service', v);
      return undefined;
    }
    return r.track(
      compact({ name, projections, description: r.string(o, 'description', path), owner: r.string(o, 'owner', path), tags: this.tags(r, o, path), location: r.location(path) }),
      path,
    );
  }

  private valueType(r: DefinitionReader, o: Record<string, unknown>, path: string): ValueType | undefined {
    const v = r.string(o, 'value_type', path);
    if (v === undefined) return undefined;
    const upper = v.toUpperCase();
    if ((VALUE_TYPES as readonly string[]).includes(upper)) return upper as ValueType;
    const suggestions = didYouMean(upper, VALUE_TYPES);
    r.problem(
      childPath(path, 'value_type'),
      `'${v}' is not a value type.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''}`,
      `Use one of Feast's value types: ${VALUE_TYPES.join(', ')}.`,
    );
    return undefined;
  }

  private dtype(r: DefinitionReader, o: Record<string, unknown>, path: string): FeatureDtype | undefined {
    const v = r.string(o, 'dtype', path);
    if (v === undefined) return undefined;
    const scalar = /^Array\((.*)\)$/.exec(v)?.[1] ?? v;
    if ((SCALAR_DTYPES as readonly string[]).includes(scalar)) return v as FeatureDtype;
    const suggestions = didYouMean(scalar, SCALAR_DTYPES);
    r.problem(
      childPath(path, 'dtype'),
      `'${v}' is not a feature dtype.${suggestions.length > 0 ? ` Did you mean '${v === scalar ? suggestions[0] : `Array(${suggestions[0]})`}'?` : ''}`,
      `Use one of Feast's types: ${SCALAR_DTYPES.join(', ')}, or Array(<one of them>).`,
    );
    return undefined;
  }

  private duration(r: DefinitionReader, o: Record<string, unknown>, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    const seconds = parseDurationSeconds(v);
    if (seconds === undefined || seconds <= 0) {
      r.problem(
        childPath(path, key),
        seconds === undefined ? `'${key}' must be a duration, got ${describe(v)}.` : `'${key}' must be more than zero, got ${String(v)}.`,
        'Write a positive duration like 30m, 12h, 7d, or a number of seconds.',
      );
      return undefined;
    }
    return seconds;
  }

  private timestampField(r: DefinitionReader, o: Record<string, unknown>, path: string, source: FeatureSource | undefined): string | undefined {
    const written = r.string(o, 'timestamp_field', path);
    if (source === undefined) return written ?? '';
    if (source.kind === 'metric') {
      if (written !== undefined && written !== METRIC_TIMESTAMP_FIELD) {
        r.problem(childPath(path, 'timestamp_field'), `A metric-backed view is timed by ${METRIC_TIMESTAMP_FIELD}, not '${written}'.`, 'Remove `timestamp_field:`.');
      }
      return METRIC_TIMESTAMP_FIELD;
    }
    const field = written ?? source.timestampField;
    if (field === undefined) {
      r.problem(path, 'The feature view has no event timestamp column.', 'Add `timestamp_field: <column>` to the view or its source (the time each row\'s values were observed).');
    }
    return field;
  }

  private tags(r: DefinitionReader, o: Record<string, unknown>, path: string): Record<string, string> {
    const meta = r.meta(o, 'tags', path) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else r.problem(childPath(childPath(path, 'tags'), k), `Tag '${k}' must be a plain value, got ${describe(v)}.`, 'Tags are string key/value pairs.');
    }
    return out;
  }
}

function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}
