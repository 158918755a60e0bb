import type {
  Dimension,
  Entity,
  Measure,
  Metric,
  SavedQuery,
  SemanticManifest,
  SemanticModel,
} from '../spec/manifest';
import { grainRank } from './grains';
import { TimeSpines } from './time-spines';

/** The value type of a time column, which decides how it is truncated and compared. */
export type TimeValueType = 'DATE' | 'TIMESTAMP';

export { grainRank, isStandardGrain } from './grains';

/** A semantic model with its members indexed by name. */
export class ModelNode {
  readonly entities = new Map<string, Entity>();
  readonly dimensions = new Map<string, Dimension>();
  readonly measures = new Map<string, Measure>();
  /** The entity that identifies one row: `primary_entity` or the entity of type primary (or natural, with a validity window). */
  readonly primaryEntity?: string;
  /** A versioned (SCD type 2) model: which version of its natural key holds is decided by time. */
  readonly validity?: { from: Dimension; to: Dimension; entity: string };

  constructor(readonly def: SemanticModel) {
    for (const e of def.entities) this.entities.set(e.name, e);
    for (const d of def.dimensions) this.dimensions.set(d.name, d);
    for (const m of def.measures) this.measures.set(m.name, m);
    const validFrom = def.dimensions.find((d) => d.type_params?.validity_params?.is_start);
    const validTo = def.dimensions.find((d) => d.type_params?.validity_params?.is_end);
    const natural = def.entities.find((e) => e.type === 'natural');
    if (validFrom && validTo && natural) this.validity = { from: validFrom, to: validTo, entity: natural.name };
    this.primaryEntity = def.primary_entity ?? def.entities.find((e) => e.type === 'primary')?.name ?? this.validity?.entity;
  }

  get name(): string {
    return this.def.name;
  }

  /**
   * Entities other models may join *to*, so that a join never fans out: one row per key (primary,
   * unique), or one row per key at any time (natural, in a versioned model).
   */
  isJoinTarget(entityName: string): boolean {
    const e = this.entities.get(entityName);
    if (e === undefined) return false;
    return e.type === 'primary' || e.type === 'unique' || (e.type === 'natural' && this.validity?.entity === entityName);
  }

  entityExpr(entityName: string): string {
    const e = this.entities.get(entityName)!;
    return e.expr ?? e.name;
  }

  aggTimeDimension(measure: Measure): Dimension | undefined {
    const name = measure.agg_time_dimension ?? this.def.defaults?.agg_time_dimension;
    return name === undefined ? undefined : this.dimensions.get(name);
  }
}

/** The grain a time dimension's data is at (dbt's `time_granularity`), `day` when unset. */
export function dimensionGrain(dim: Dimension): string {
  return dim.type_params?.time_granularity ?? 'day';
}

/** The type of a time value at a grain: whole days and coarser are DATEs, finer grains TIMESTAMPs. */
export function grainValueType(grain: string): TimeValueType {
  const rank = grainRank(grain);
  return rank >= grainRank('day') || rank < 0 ? 'DATE' : 'TIMESTAMP';
}

/**
 * The warehouse's type of a table column (`DATE`, `TIMESTAMP`, …), when it is known. dbt's spec
 * carries no column types: the service and CLI read them from the warehouse at start-up.
 */
export type ColumnTypeLookup = (relation: SemanticModel['node_relation'], column: string) => string | undefined;

const PLAIN_COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The resolved, indexed semantic manifest. Immutable once built; cheap lookups only. */
export class SemanticGraph {
  readonly models = new Map<string, ModelNode>();
  readonly metrics = new Map<string, Metric>();
  readonly savedQueries = new Map<string, SavedQuery>();
  /** measure name → the model defining it (measure names are unique across models). */
  readonly measureModels = new Map<string, ModelNode>();
  /** entity name → models that have it. */
  readonly entityModels = new Map<string, ModelNode[]>();

  private readonly storedTimes = new Map<Dimension, { type: TimeValueType; civil: boolean }>();
  readonly timeSpines: TimeSpines;

  constructor(
    readonly manifest: SemanticManifest,
    private readonly columnTypes?: ColumnTypeLookup,
  ) {
    this.timeSpines = new TimeSpines(manifest);
    for (const def of manifest.semantic_models) {
      const node = new ModelNode(def);
      this.models.set(def.name, node);
      for (const m of def.measures) this.measureModels.set(m.name, node);
      for (const e of def.entities) {
        const list = this.entityModels.get(e.name) ?? [];
        list.push(node);
        this.entityModels.set(e.name, list);
      }
    }
    for (const m of manifest.metrics) this.metrics.set(m.name, m);
    for (const q of manifest.saved_queries) this.savedQueries.set(q.name, q);
  }

  /**
   * The type of a time dimension's column as stored: the warehouse's, where it told us; otherwise
   * read from the declared grain (day or coarser: DATE), the convention of dbt's date spines.
   */
  rawTimeType(model: ModelNode, dim: Dimension): TimeValueType {
    return this.storedTime(model, dim).type;
  }

  /**
   * Whether a time column is stored as a civil time without zone (BigQuery DATETIME): it is read
   * as a TIMESTAMP in UTC, since BigQuery compares neither DATE nor TIMESTAMP with DATETIME.
   */
  isCivilTime(model: ModelNode, dim: Dimension): boolean {
    return this.storedTime(model, dim).civil;
  }

  private storedTime(model: ModelNode, dim: Dimension): { type: TimeValueType; civil: boolean } {
    let stored = this.storedTimes.get(dim);
    if (stored === undefined) {
      const column = dim.expr ?? dim.name;
      const known = PLAIN_COLUMN.test(column) ? this.columnTypes?.(model.def.node_relation, column) : undefined;
      stored =
        known === 'DATE' || known === 'TIMESTAMP'
          ? { type: known, civil: false }
          : known === 'DATETIME'
            ? { type: 'TIMESTAMP', civil: true }
            : { type: grainValueType(dimensionGrain(dim)), civil: false };
      this.storedTimes.set(dim, stored);
    }
    return stored;
  }

  /** Every measure a metric aggregates, through ratio and derived inputs. */
  measuresOf(metricName: string, seen = new Set<string>()): string[] {
    if (seen.has(metricName)) return [];
    seen.add(metricName);
    const metric = this.metrics.get(metricName);
    if (!metric) return [];
    const p = metric.type_params;
    const out: string[] = [];
    if (p.measure) out.push(p.measure.name);
    if (p.conversion_type_params) {
      out.push(p.conversion_type_params.base_measure.name, p.conversion_type_params.conversion_measure.name);
    }
    for (const input of [p.numerator, p.denominator, ...(p.metrics ?? [])]) {
      if (input) out.push(...this.measuresOf(input.name, seen));
    }
    return [...new Set(out)];
  }

  /** The semantic models a metric reads from. */
  modelsOf(metricName: string): ModelNode[] {
    return [...new Set(this.measuresOf(metricName).map((m) => this.measureModels.get(m)!).filter(Boolean))];
  }
}
