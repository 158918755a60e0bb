import type { SemanticEngine } from '../../semantic';
import { dialectByName } from '../../semantic';
import { tableKey, type Warehouse } from '../../warehouse/warehouse';
import type { OnlineRow, OnlineStore } from '../online-store/online-store';
import type { FeatureView, TableFeatureSource } from '../spec/feature-manifest';
import { writeInBatches } from './batch-writer';
import { buildLatestRowsSql, type WarehouseFeatureView } from './latest-rows-sql';
import { MaterializationError } from './materialization-error';
import { buildMetricViewQuery, type MetricFeatureView } from './metric-view-query';
import { toOnlineRows } from './warehouse-row-converter';

export interface MaterializerDeps {
  warehouse: Warehouse;
  store: OnlineStore;
  /** The semantic engine (typed with the warehouse's column types), needed for metric-backed views. */
  engine?: SemanticEngine;
  /** Per warehouse statement. */
  queryTimeoutMs?: number;
}

export interface MaterializeRunOptions {
  /** Rows per store write (default 500). */
  batchSize?: number;
  /** Store writes in flight at once (default 2): a backfill must leave the store room to serve reads. */
  concurrency?: number;
  /** Pace writes to at most this many rows per second (default: unpaced). */
  maxRowsPerSecond?: number;
  onProgress?: (progress: MaterializeProgress) => void;
}

export interface MaterializeOptions extends MaterializeRunOptions {
  /** Inclusive start of event time; undefined reads each view's whole history. */
  start?: Date;
  /** Exclusive end of event time. */
  end: Date;
}

export interface MaterializeIncrementalOptions extends MaterializeRunOptions {
  end: Date;
}

export interface MaterializeProgress {
  view: string;
  /** 0-based position of the view in this run, and how many views the run has. */
  viewIndex: number;
  viewCount: number;
  phase: 'reading' | 'writing' | 'done';
  rowsWritten: number;
  /** Rows the view will write (0 while reading). */
  rowsTotal: number;
  batchesWritten: number;
}

export interface ViewMaterialization {
  view: string;
  /** Rows written (each the latest of its entity in the interval). */
  rows: number;
  batches: number;
  /** The interval read; start undefined = from the beginning of time. Metric views: their window. */
  start?: Date;
  end: Date;
  seconds: number;
  /** The watermark this run wrote, or undefined when it left it as it was (see `note`). */
  watermark?: Date;
  /** Why the view was skipped or its watermark not moved. */
  note?: string;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CONCURRENCY = 2;

/**
 * Copies feature views from the warehouse to the online store, as Feast's `materialize` and
 * `materialize-incremental` do: the latest row per entity in an event-time interval, written in
 * bounded batches, then the view's watermark.
 *
 * - Idempotent: the SQL picks the same row per entity every time and the store keeps the newest
 *   event time (ties overwrite with the same values), so a re-run changes nothing.
 * - Resumable: the watermark is written only after every batch of the view landed. A crash mid-view
 *   leaves the previous watermark, so the view never reads as materialized up to `end`, and the next
 *   run (incremental: from that watermark) writes the whole interval again.
 * - Views run one after another (bounded memory); within a view, `concurrency` writes at most.
 *
 * Incremental start: each view starts at its watermark; a view never materialized starts at the
 * beginning of time, not at Feast's `now - ttl`. The first incremental run then leaves the same
 * state as a full `materialize` to `end`: entities whose latest row is older than the TTL are still
 * written and served as OUTSIDE_MAX_AGE by the read path, instead of reading as NOT_FOUND; and
 * the result does not depend on the wall clock (historical data, backfills).
 *
 * Watermark rule: a run moves a view's watermark to `end` only when it read everything since the
 * previous watermark (its start is none, or at or before that watermark) and `end` is later; a
 * `materialize` of a later slice alone would otherwise let `materialize-incremental` skip the gap.
 *
 * Metric-backed views are snapshots: each entity's metric values over the trailing window ending at
 * `end`, stamped with that end (see buildMetricViewQuery); `start` does not apply to them. Entities
 * with no facts in the window get no row, so their previous value stays until it ages out (TTL).
 */
export class Materializer {
  constructor(private readonly deps: MaterializerDeps) {}

  materialize(views: readonly FeatureView[], options: MaterializeOptions): Promise<ViewMaterialization[]> {
    if (options.start !== undefined && !(options.start < options.end)) {
      throw new MaterializationError('INVALID_WINDOW', `start ${options.start.toISOString()} is not before end ${options.end.toISOString()}: the interval is empty.`);
    }
    return this.run(views, options, () => options.start);
  }

  materializeIncremental(views: readonly FeatureView[], options: MaterializeIncrementalOptions): Promise<ViewMaterialization[]> {
    return this.run(views, options, (watermark) => watermark, true);
  }

  private async run(
    views: readonly FeatureView[],
    options: MaterializeRunOptions & { end: Date },
    startOf: (watermark: Date | undefined) => Date | undefined,
    incremental = false,
  ): Promise<ViewMaterialization[]> {
    const results: ViewMaterialization[] = [];
    for (const [viewIndex, view] of views.entries()) {
      const watermark = await this.deps.store.readWatermark(view);
      const report = (p: ProgressReport) => options.onProgress?.({ view: view.name, viewIndex, viewCount: views.length, ...p });
      if (incremental && watermark !== undefined && watermark >= options.end) {
        // Already materialized up to (or past) `end`: nothing newer to read (Feast skips the same way).
        report({ phase: 'done', rowsWritten: 0, rowsTotal: 0, batchesWritten: 0 });
        results.push({ view: view.name, rows: 0, batches: 0, start: watermark, end: options.end, seconds: 0, note: `up to date (watermark ${watermark.toISOString()})` });
        continue;
      }
      results.push(await this.materializeView(view, startOf(watermark), options, watermark, report));
    }
    return results;
  }

  private async materializeView(
    view: FeatureView,
    start: Date | undefined,
    options: MaterializeRunOptions & { end: Date },
    watermark: Date | undefined,
    report: (p: ProgressReport) => void,
  ): Promise<ViewMaterialization> {
    const began = Date.now();
    const { end } = options;
    report({ phase: 'reading', rowsWritten: 0, rowsTotal: 0, batchesWritten: 0 });
    const read = isMetricView(view) ? await this.readMetricView(view, end) : await this.readWarehouseView(view as WarehouseFeatureView, start, end);
    const rowsTotal = read.rows.length;
    report({ phase: 'writing', rowsWritten: 0, rowsTotal, batchesWritten: 0 });
    const written = await writeInBatches(read.rows, (batch) => this.deps.store.write(view, batch), {
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      maxRowsPerSecond: options.maxRowsPerSecond,
      onBatch: (p) => report({ phase: 'writing', rowsWritten: p.rows, rowsTotal, batchesWritten: p.batches }),
    });

    const coversSinceWatermark = read.start === undefined || read.snapshot || (watermark !== undefined && read.start <= watermark);
    let note: string | undefined;
    let newWatermark: Date | undefined;
    if (!coversSinceWatermark) {
      const since = watermark ? `its watermark ${watermark.toISOString()}` : 'the beginning (it was never materialized)';
      note = `watermark not moved: the run started at ${read.start!.toISOString()}, so rows between ${since} and that start may be missing; materialize from ${watermark ? 'the watermark' : 'the beginning (no START)'} to complete the view`;
    } else if (watermark !== undefined && watermark >= end) {
      note = `watermark kept at ${watermark.toISOString()} (later than this run's end)`;
    } else {
      // Only now: every batch landed, so the view reads as complete up to `end`.
      await this.deps.store.writeWatermark(view, end);
      newWatermark = end;
    }
    report({ phase: 'done', rowsWritten: written.rows, rowsTotal, batchesWritten: written.batches });
    return { view: view.name, rows: written.rows, batches: written.batches, start: read.start, end: read.end, seconds: (Date.now() - began) / 1000, watermark: newWatermark, note };
  }

  private async readWarehouseView(view: WarehouseFeatureView, start: Date | undefined, end: Date): Promise<ViewRead> {
    const { warehouse } = this.deps;
    const built = buildLatestRowsSql(view, dialectByName(warehouse.dialect), { start, end, timestampType: await this.timestampType(view) });
    const result = await warehouse.execute(built.sql, built.parameters, { timeoutMs: this.deps.queryTimeoutMs, labels: jobLabels(view) });
    const rows = toOnlineRows(view, result, {
      entityColumn: view.joinKeys[0]!,
      eventTime: { column: view.timestampField },
      featureColumns: Object.fromEntries(view.features.map((f) => [f.name, f.name])),
    });
    return { rows, start, end, snapshot: false };
  }

  /**
   * A table's timestamp column type, read from the warehouse's metadata (free on BigQuery), so the
   * bound compares the column as stored. Queries and DATETIME columns are compared as TIMESTAMPs.
   */
  private async timestampType(view: WarehouseFeatureView): Promise<'DATE' | 'TIMESTAMP' | undefined> {
    if (view.source.kind !== 'table') return undefined;
    const ref = tableRef(view.source);
    const columns = await this.deps.warehouse.describeTables([ref]);
    const type = columns.get(tableKey(ref))?.get(view.timestampField.toLowerCase());
    return type === 'DATE' || type === 'TIMESTAMP' ? type : undefined;
  }

  private async readMetricView(view: MetricFeatureView, end: Date): Promise<ViewRead> {
    const { engine, warehouse } = this.deps;
    if (!engine) {
      throw new MaterializationError('ENGINE_REQUIRED', `Feature view '${view.name}' is computed from semantic-layer metrics; give the Materializer the semantic engine.`);
    }
    const query = buildMetricViewQuery(view, end);
    const compiled = engine.compile(query.input, warehouse.dialect);
    const result = await warehouse.execute(compiled.sql, compiled.parameters, { timeoutMs: this.deps.queryTimeoutMs, labels: jobLabels(view) });
    const rows = toOnlineRows(view, result, {
      entityColumn: query.entityColumn,
      eventTime: { fixed: query.windowEnd },
      featureColumns: Object.fromEntries(view.features.map((f) => [f.name, f.metric ?? f.name])),
    });
    return { rows, start: query.windowStart, end: query.windowEnd, snapshot: true };
  }
}

type ProgressReport = Omit<MaterializeProgress, 'view' | 'viewIndex' | 'viewCount'>;

interface ViewRead {
  rows: OnlineRow[];
  start?: Date;
  end: Date;
  /** A metric view's rows are complete as of `end` whatever the interval, so its watermark may move. */
  snapshot: boolean;
}

function isMetricView(view: FeatureView): view is MetricFeatureView {
  return view.source.kind === 'metric';
}

/** BigQuery job labels (the adapter fits them to BigQuery's rules), so backfill cost is attributable per view. */
function jobLabels(view: FeatureView): Record<string, string> {
  return { job: 'materialize', feature_view: view.name };
}

function tableRef(source: TableFeatureSource): { database?: string; schema: string; table: string } {
  const parts = source.table.split('.');
  const [table, schema, database] = [parts.pop()!, parts.pop() ?? '', parts.pop()];
  return { database, schema, table };
}
