import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ProgressBar } from '../common/progress-bar';
import { loadConfig, type AppConfig } from '../config/app-config';
import { MaterializationError, Materializer, type MaterializeProgress, type ViewMaterialization } from '../features/materialize';
import { FeatureValueError } from '../features/online-store/feature-value-error';
import { openOnlineStore } from '../features/online-store/open-online-store';
import { loadFeatureDefinitions, type FeatureView } from '../features/spec';
import { didYouMean, SemanticEngine } from '../semantic';
import { parseTimeLiteral } from '../semantic/plan/time-literal';
import { CliError } from './cli-error';
import { commaList, semanticLayerOption, wholeNumber } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { warehouseTarget } from './cli-warehouse';
import { formatTable } from './output-format';
import { typeEngineFromWarehouse } from '../warehouse/typed-engine';

interface CommonOptions {
  views?: string[];
  batchSize: number;
  concurrency: number;
  maxRowsPerSecond?: number;
  duckdb?: string;
  semanticLayer?: string;
}

interface MaterializeOptions extends CommonOptions {
  start?: string;
  end?: string;
}

const TIMESTAMP_HELP = "ISO 8601 in UTC unless it carries an offset: 2024-07-01, 2024-07-01T06:00:00Z, 2024-07-01T08:00+02:00, or 'now'";

function addCommonOptions(command: Command): Command {
  return command
    .option('--views <names>', 'comma-separated feature views (repeatable; default: every view of the configured online store)', commaList)
    .option('--batch-size <n>', 'rows per online-store write', positive('--batch-size'), 500)
    .option('--concurrency <n>', 'online-store writes in flight at once (keeps room for reads)', positive('--concurrency'), 2)
    .option('--max-rows-per-second <n>', 'pace writes to at most this many rows per second (default: unpaced)', positive('--max-rows-per-second'))
    .option('--duckdb <file>', 'read this existing DuckDB database (read-only) instead of the configured warehouse')
    .addOption(semanticLayerOption());
}

/** `stratum materialize START END`: Feast's `feast materialize START_TS END_TS [--views …]`. */
export function materializeCommand(): Command {
  const command = addCommonOptions(
    new Command('materialize')
      .description('copy the latest feature values per entity with event time in [START, END) from the warehouse to the online store')
      .argument('[start]', `start of event time, inclusive (${TIMESTAMP_HELP})`)
      .argument('[end]', 'end of event time, exclusive')
      .addOption(new Option('--start <timestamp>', 'same as START; leave both out to read each view\'s whole history'))
      .addOption(new Option('--end <timestamp>', 'same as END')),
  ).addHelpText(
    'after',
    `
Examples:
  $ stratum materialize 2024-06-01T00:00:00Z 2024-07-01T00:00:00Z
  $ stratum materialize 2024-06-01 2024-07-01 --views user_features,item_features
  $ stratum materialize --end now                 # each view's whole history up to now
  $ stratum materialize --start 2024-06-01 --end 2024-07-01 --batch-size 1000 --concurrency 4

Each view's rows are the latest per entity in the interval, written in batches of --batch-size
with at most --concurrency writes in flight. Re-running is harmless: the online store keeps the
newest event time per entity. A view's watermark (where materialize-incremental resumes) moves to
END only once every batch landed, and only when the run read everything since the previous
watermark. Metric-backed views are computed over their trailing window ending at END.
Per-view counts are printed at the end; progress goes to stderr.`,
  );
  return command.action(
    action(async (startArg: string | undefined, endArg: string | undefined, options: MaterializeOptions) => {
      const { start, end } = interval(startArg, endArg, options);
      await run(options, (materializer, views, runOptions) => materializer.materialize(views, { ...runOptions, start, end }));
    }),
  );
}

/** `stratum materialize-incremental END`: Feast's `feast materialize-incremental END_TS [--views …]`. */
export function materializeIncrementalCommand(): Command {
  const command = addCommonOptions(
    new Command('materialize-incremental')
      .description("copy what is new since each view's watermark, up to END, from the warehouse to the online store")
      .argument('[end]', `end of event time, exclusive (${TIMESTAMP_HELP})`)
      .addOption(new Option('--end <timestamp>', 'same as END')),
  ).addHelpText(
    'after',
    `
Examples:
  $ stratum materialize-incremental now
  $ stratum materialize-incremental 2024-07-01T00:00:00Z --views user_features

Each view starts at its watermark (the END of its last complete run); a view never materialized
starts at the beginning of its history, so the first run equals a full materialize. A run that
crashed left the watermark where it was, so running again redoes that interval. Views already
materialized up to END are skipped.`,
  );
  return command.action(
    action(async (endArg: string | undefined, options: CommonOptions & { end?: string }) => {
      const end = requiredTime('END', pick('end', endArg, options.end));
      await run(options, (materializer, views, runOptions) => materializer.materializeIncremental(views, { ...runOptions, end }));
    }),
  );
}

type RunOptions = { batchSize: number; concurrency: number; maxRowsPerSecond?: number; onProgress: (p: MaterializeProgress) => void };

async function run(
  options: CommonOptions,
  work: (materializer: Materializer, views: FeatureView[], runOptions: RunOptions) => Promise<ViewMaterialization[]>,
): Promise<void> {
  const config = cliConfig(options.semanticLayer);
  const target = warehouseTarget(options);
  // Definitions and view names are checked before the warehouse or the store opens.
  const definitions = SemanticEngine.load(target.source.path, target.source.load);
  const storeKind = config.serving.onlineStore.kind;
  const manifest = loadFeatureDefinitions(config.serving.featuresPath, definitions, { defaultOnlineStore: storeKind });
  const { views, skipped } = selectViews(manifest.featureViews, options.views, storeKind);
  for (const view of skipped) {
    process.stderr.write(`note: skipping '${view.name}': it is served from the ${view.onlineStore} online store, and STRATUM_ONLINE_STORE is ${storeKind}.\n`);
  }
  if (views.length === 0) throw new CliError('NO_FEATURE_VIEWS', `No feature view to materialize into the ${storeKind} online store (definitions: ${config.serving.featuresPath}).`);

  const warehouse = await target.open();
  try {
    // Metric views compile against the warehouse's column types, as `query` does.
    const engine = views.some((v) => v.source.kind === 'metric') ? (await typeEngineFromWarehouse(definitions, warehouse)).engine : definitions;
    const store = await openOnlineStore(config.serving.onlineStore);
    try {
      const bar = new ProgressBar(process.stderr, `Materializing ${views.length} feature view${views.length === 1 ? '' : 's'}`);
      const results = await translateErrors(() =>
        work(new Materializer({ warehouse, store, engine, queryTimeoutMs: target.timeoutMs }), views, {
          batchSize: options.batchSize,
          concurrency: options.concurrency,
          maxRowsPerSecond: options.maxRowsPerSecond,
          onProgress: (p) => bar.update(progressLine(p)),
        }),
      );
      bar.finish(`Materialized ${results.length} feature view${results.length === 1 ? '' : 's'}.`);
      await writeStdout(summary(results));
    } finally {
      await store.close();
    }
  } finally {
    await warehouse.close();
  }
}

/** The service's config, with --semantic-layer standing in for STRATUM_SEMANTIC_LAYER (as `query` reads it). */
function cliConfig(semanticLayer: string | undefined): AppConfig {
  return loadConfig(semanticLayer === undefined ? process.env : { ...process.env, STRATUM_SEMANTIC_LAYER: resolve(semanticLayer) });
}

/**
 * The views asked for (all when none), in the order given. Unknown names fail with a suggestion; a
 * view kept in another online store than the configured one is an error when named, else skipped.
 */
export function selectViews(all: readonly FeatureView[], names: string[] | undefined, storeKind: string): { views: FeatureView[]; skipped: FeatureView[] } {
  if (names === undefined || names.length === 0) {
    return { views: all.filter((v) => v.onlineStore === storeKind), skipped: all.filter((v) => v.onlineStore !== storeKind) };
  }
  const byName = new Map(all.map((v) => [v.name, v]));
  const views: FeatureView[] = [];
  for (const name of new Set(names)) {
    const view = byName.get(name);
    if (!view) {
      const suggestions = didYouMean(name, byName.keys());
      throw new CliError(
        'UNKNOWN_FEATURE_VIEW',
        `Unknown feature view '${name}'.${suggestions.length > 0 ? ` Did you mean '${suggestions[0]}'?` : ''} Feature views: ${[...byName.keys()].sort().join(', ')}.`,
      );
    }
    if (view.onlineStore !== storeKind) {
      throw new CliError(
        'WRONG_ONLINE_STORE',
        `Feature view '${name}' is served from the ${view.onlineStore} online store, but STRATUM_ONLINE_STORE is ${storeKind}. Set STRATUM_ONLINE_STORE=${view.onlineStore} to materialize it.`,
      );
    }
    views.push(view);
  }
  return { views, skipped: [] };
}

/** START/END as positional arguments (Feast's form) or as --start/--end, not both. */
function interval(startArg: string | undefined, endArg: string | undefined, options: { start?: string; end?: string }): { start?: Date; end: Date } {
  if (startArg !== undefined && endArg === undefined && options.end === undefined) {
    throw new CliError('INVALID_ARGUMENT', `Got one timestamp ('${startArg}'); materialize takes START and END. For everything up to a time, use --end ${startArg}.`);
  }
  const startText = pick('start', startArg, options.start);
  const endText = pick('end', endArg, options.end);
  const start = startText === undefined ? undefined : requiredTime('START', startText);
  const end = requiredTime('END', endText);
  if (start !== undefined && !(start < end)) {
    throw new CliError('INVALID_ARGUMENT', `START (${start.toISOString()}) must be before END (${end.toISOString()}): the interval [START, END) is empty.`);
  }
  return { start, end };
}

function pick(name: string, positional: string | undefined, option: string | undefined): string | undefined {
  if (positional !== undefined && option !== undefined) {
    throw new CliError('INVALID_ARGUMENT', `${name.toUpperCase()} is given twice ('${positional}' and --${name} '${option}'); give it once.`);
  }
  return positional ?? option;
}

/** A timestamp from the command line: ISO 8601 (UTC unless it has an offset) or `now`. */
export function requiredTime(name: string, text: string | undefined): Date {
  if (text === undefined) throw new CliError('INVALID_ARGUMENT', `${name} is required, e.g. 2024-07-01T00:00:00Z or now.`);
  if (text.trim().toLowerCase() === 'now') return new Date();
  const parsed = parseTimeLiteral(text);
  if (!parsed) {
    throw new CliError('INVALID_TIMESTAMP', `${name} '${text}' is not a timestamp. Use ISO 8601, e.g. 2024-07-01, 2024-07-01T06:00:00Z or 2024-07-01T08:00:00+02:00 (UTC unless an offset is given), or now.`);
  }
  return parsed.date;
}

function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = wholeNumber(value);
    if (n < 1) throw new InvalidArgumentError(`${flag} must be at least 1.`);
    return n;
  };
}

/** Store and materialization errors carry their own names; the CLI shows them with stable codes. */
async function translateErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MaterializationError) throw new CliError(error.code, error.message);
    if (error instanceof FeatureValueError) {
      throw new CliError('INVALID_FEATURE_VALUE', `${error.message}. Nothing of this batch was written, and the view's watermark did not move.`);
    }
    throw error;
  }
}

function progressLine(p: MaterializeProgress): { step: string; done: number; total: number } {
  const position = `${p.viewIndex + 1}/${p.viewCount}`;
  const step =
    p.phase === 'reading' ? `${position} ${p.view}: reading the warehouse` : `${position} ${p.view}: ${p.rowsWritten}/${p.rowsTotal} rows`;
  // Views count equally; within a view, the share of rows written.
  const within = p.phase === 'done' ? 1 : p.rowsTotal > 0 ? p.rowsWritten / p.rowsTotal : 0;
  return { step, done: p.viewIndex + within, total: p.viewCount };
}

function summary(results: ViewMaterialization[]): string {
  const table = formatTable({
    columns: [
      { name: 'view', type: 'STRING' },
      { name: 'rows', type: 'INTEGER' },
      { name: 'batches', type: 'INTEGER' },
      { name: 'start', type: 'STRING' },
      { name: 'end', type: 'STRING' },
      { name: 'seconds', type: 'FLOAT' },
      { name: 'watermark', type: 'STRING' },
    ],
    rows: results.map((r) => [
      r.view,
      r.rows,
      r.batches,
      r.start?.toISOString() ?? '(beginning)',
      r.end.toISOString(),
      Number(r.seconds.toFixed(2)),
      r.watermark?.toISOString() ?? 'unchanged',
    ]),
  });
  const notes = results.filter((r) => r.note !== undefined).map((r) => `note: ${r.view}: ${r.note}\n`);
  return table + notes.join('');
}
