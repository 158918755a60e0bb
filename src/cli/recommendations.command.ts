import { Command, InvalidArgumentError, Option } from 'commander';
import { ProgressBar } from '../common/progress-bar';
import { dialectSpelling, type DialectSpelling } from '../features/materialize/dialect-spelling';
import { openRecommendationStore } from '../features/online-store/open-online-store';
import { demoRecommendationsSql } from '../features/recommendations/demo-recommendations-sql';
import {
  OPTIONAL_MODEL_COLUMN,
  recommendationPageSql,
  REQUIRED_SOURCE_COLUMNS,
  sourceColumnsSql,
  sourceProfileSql,
  TABLE_NAME_PATTERN,
  type RecommendationSource,
} from '../features/recommendations/recommendation-load-sql';
import type { RecommendationList, RecommendationStore } from '../features/recommendations/recommendation-store';
import { dialectByName } from '../semantic';
import type { Warehouse } from '../warehouse/warehouse';
import { CliError } from './cli-error';
import { semanticLayerOption, wholeNumber } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { warehouseTarget } from './cli-warehouse';
import { assertEmulatorListening, describeStore, plural, servingConfig, withStoreErrors } from './serving-runtime';

interface LoadOptions {
  table?: string;
  query?: string;
  demo?: boolean;
  batchSize: number;
  pageUsers: number;
  duckdb?: string;
  semanticLayer?: string;
}

/** `stratum recommendations …`: precomputed recommendation lists. */
export function recommendationsCommand(): Command {
  return new Command('recommendations').description('manage the precomputed recommendation lists that serving reads').addCommand(loadCommand());
}

function loadCommand(): Command {
  return new Command('load')
    .description('copy recommendation lists from a warehouse table or query into the recommendation store')
    .option('--table <name>', 'read this table: table, schema.table or project.dataset.table')
    .option('--query <sql>', 'read the rows of this SQL query (in the warehouse\'s dialect)')
    .option('--demo', "derive demo lists from the demo marts: each user's most-interacted unseen posts of their favourite category")
    .option('--batch-size <n>', 'lists per recommendation-store write', atLeastOne('--batch-size'), 500)
    .addOption(
      new Option('--page-users <n>', 'users read per warehouse query (each page is one query; on BigQuery one scan of the source)').argParser(atLeastOne('--page-users')).default(10_000),
    )
    .option('--duckdb <file>', 'read this existing DuckDB database (read-only) instead of the configured warehouse')
    .addOption(semanticLayerOption())
    .addHelpText(
      'after',
      `
Examples:
  $ stratum recommendations load --table ml.user_recommendations
  $ stratum recommendations load --query "SELECT uid AS user_id, post AS item_id, p AS score, ts AS generated_at FROM ml.scores"
  $ stratum recommendations load --demo                   # lists from the demo marts, to try the API
  $ STRATUM_RECOMMENDATION_STORE=bigtable BIGTABLE_INSTANCE=stratum-features GOOGLE_CLOUD_PROJECT=my-project \\
      stratum recommendations load --table my-project.ml.user_recommendations --batch-size 1000

The source has one row per (user, item): columns user_id, item_id, score, generated_at and
optionally model. Each user's rows become one list, best score first (ties by item id), cut to the
top 100; generated_at of the list is the newest of its rows. A NULL in a required column is refused
before anything is written. Lists are written in batches of --batch-size; loading the same lists
again changes nothing (a list is keyed by user and generated_at). The store is the configured one
(STRATUM_RECOMMENDATION_STORE). The embedded store (LMDB) is shared with a running 'npm start',
which serves the new lists at once.`,
    )
    .action(action((options: LoadOptions) => runLoad(options)));
}

function atLeastOne(flag: string): (value: string) => number {
  return (value) => {
    const n = wholeNumber(value);
    if (n < 1) throw new InvalidArgumentError(`${flag} must be at least 1.`);
    return n;
  };
}

/** What the source is, checked before the warehouse opens. */
function chooseSource(options: LoadOptions): { label: string; build: (spelling: DialectSpelling, schema: string) => RecommendationSource } {
  const given = [options.table !== undefined && '--table', options.query !== undefined && '--query', options.demo && '--demo'].filter((x): x is string => Boolean(x));
  if (given.length === 0) {
    throw new CliError('INVALID_ARGUMENT', 'Say where the lists come from: --table <schema.table>, --query <sql>, or --demo (lists derived from the demo marts).');
  }
  if (given.length > 1) throw new CliError('INVALID_ARGUMENT', `Give one source, not ${given.join(' and ')}.`);
  if (options.table !== undefined) {
    const name = options.table.trim();
    if (!TABLE_NAME_PATTERN.test(name)) {
      throw new CliError(
        'INVALID_TABLE_NAME',
        `--table '${options.table}' is not a table name. Use table, schema.table or project.dataset.table: parts of letters, digits, _ and -, ` +
          'each starting with a letter or _. To read anything else (a view with another shape, a filter), use --query.',
      );
    }
    return { label: `table ${name}`, build: () => ({ kind: 'table', name }) };
  }
  if (options.query !== undefined) {
    if (options.query.trim() === '') throw new CliError('INVALID_ARGUMENT', '--query is empty. Pass a SELECT returning user_id, item_id, score, generated_at (and optionally model).');
    return { label: 'the --query', build: () => ({ kind: 'query', sql: options.query! }) };
  }
  return { label: 'the demo marts', build: (spelling, schema) => ({ kind: 'query', sql: demoRecommendationsSql(spelling, schema) }) };
}

async function runLoad(options: LoadOptions): Promise<void> {
  const chosen = chooseSource(options);
  const config = servingConfig(options.semanticLayer);
  await assertEmulatorListening(config.serving.recommendationStore);
  const target = warehouseTarget(options);
  const warehouse = await target.open();
  try {
    const spelling = dialectSpelling(dialectByName(warehouse.dialect));
    const source = chosen.build(spelling, config.dbtSchema);
    const read = (sql: string, parameters: Record<string, string> = {}) => readSource(warehouse, sql, parameters, chosen.label, target.timeoutMs);

    const hasModel = await checkColumns(await read(sourceColumnsSql(source, spelling)), chosen.label);
    const [profile] = (await read(sourceProfileSql(source, spelling))).rows;
    const [users, rows, incomplete] = (profile ?? [0, 0, 0]).map(Number) as [number, number, number];
    if (incomplete > 0) {
      throw new CliError(
        'INVALID_SOURCE',
        `${incomplete} of ${rows} rows of ${chosen.label} have a NULL user_id, item_id, score or generated_at; nothing was written. ` +
          'Fix the source, or filter those rows out with --query "SELECT … WHERE score IS NOT NULL …".',
      );
    }
    if (users === 0) {
      await writeStdout(`${capitalized(chosen.label)} has no rows: nothing to load.\n`);
      return;
    }

    const storeSettings = config.serving.recommendationStore;
    const where = describeStore(storeSettings);
    const store = await withStoreErrors(where, () => openRecommendationStore(storeSettings));
    try {
      const started = Date.now();
      const bar = new ProgressBar(process.stderr, `Loading the recommendation lists of ${plural(users, 'user')}`);
      const totals = await withStoreErrors(where, () =>
        loadPages(store, (after) => read(recommendationPageSql(source, spelling, { hasModel, pageUsers: options.pageUsers, afterParameter: after === undefined ? undefined : 'after' }), after === undefined ? {} : { after }), {
          batchSize: options.batchSize,
          pageUsers: options.pageUsers,
          onProgress: (done) => bar.update({ step: `${done}/${users} users`, done, total: users }),
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      bar.finish(`Loaded ${plural(totals.lists, 'list')} in ${seconds.toFixed(1)} s.`);
      const notes = [];
      if (totals.items < rows) notes.push(`note: ${plural(rows - totals.items, 'row')} left out: repeats of an item in a user's rows, or beyond a user's top 100.\n`);
      await writeStdout(
        `Loaded ${plural(totals.lists, 'recommendation list')} (${plural(totals.items, 'item')}) from ${chosen.label} into the ${where}, ` +
          `in ${plural(totals.batches, 'batch', 'batches')} (${seconds.toFixed(1)} s).\n${notes.join('')}`,
      );
    } finally {
      await store.close();
    }
  } finally {
    await warehouse.close();
  }
}

type WarehouseRows = Awaited<ReturnType<Warehouse['execute']>>;

async function readSource(warehouse: Warehouse, sql: string, parameters: Record<string, string>, label: string, timeoutMs?: number): Promise<WarehouseRows> {
  try {
    return await warehouse.execute(sql, parameters, { timeoutMs, labels: { app: 'stratum', command: 'recommendations-load' } });
  } catch (error) {
    if (error instanceof Error && error.name === 'WarehouseError') error.message = `Reading ${label} failed: ${error.message}`;
    throw error;
  }
}

/** Requires user_id, item_id, score and generated_at (any letter case); says whether a model column exists. */
function checkColumns(result: WarehouseRows, label: string): boolean {
  const names = result.columns.map((c) => c.name.toLowerCase());
  const missing = REQUIRED_SOURCE_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new CliError(
      'INVALID_SOURCE',
      `${capitalized(label)} has no column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (columns: ${result.columns.map((c) => c.name).join(', ') || 'none'}). ` +
        `Expected one row per (user, item) with ${REQUIRED_SOURCE_COLUMNS.join(', ')} and optionally ${OPTIONAL_MODEL_COLUMN}; ` +
        'rename columns with --query "SELECT uid AS user_id, … FROM …".',
    );
  }
  return names.includes(OPTIONAL_MODEL_COLUMN);
}

interface LoadTotals {
  lists: number;
  items: number;
  batches: number;
}

/**
 * Pages of users in user-id order (keyset: each page starts after the last user of the previous
 * one), each written in batches of `batchSize` lists, one batch at a time so the store is never
 * flooded. Memory holds one page.
 */
async function loadPages(
  store: RecommendationStore,
  readPage: (after: string | undefined) => Promise<WarehouseRows>,
  options: { batchSize: number; pageUsers: number; onProgress: (usersDone: number) => void },
): Promise<LoadTotals> {
  const totals: LoadTotals = { lists: 0, items: 0, batches: 0 };
  let after: string | undefined;
  for (;;) {
    const lists = toLists((await readPage(after)).rows);
    if (lists.length === 0) return totals;
    for (let i = 0; i < lists.length; i += options.batchSize) {
      const batch = lists.slice(i, i + options.batchSize);
      await store.writeLists(batch);
      totals.batches++;
      totals.lists += batch.length;
      totals.items += batch.reduce((n, l) => n + l.items.length, 0);
      options.onProgress(totals.lists);
    }
    // A short page is the last one: no query just to learn that nothing follows.
    if (lists.length < options.pageUsers) return totals;
    after = lists.at(-1)!.userId;
  }
}

/** Rows ordered by user then rank → one list per user; generatedAt the newest of its rows, model the first given. */
export function toLists(rows: WarehouseRows['rows']): RecommendationList[] {
  const lists: RecommendationList[] = [];
  let current: RecommendationList | undefined;
  for (const [userId, itemId, score, generatedAt, model] of rows) {
    if (current === undefined || current.userId !== String(userId)) {
      current = { userId: String(userId), items: [], generatedAt: new Date(Number.NaN) };
      lists.push(current);
    }
    // A NULL score must fail validation, not become 0.
    current.items.push({ itemId: String(itemId), score: score === null ? Number.NaN : Number(score) });
    const at = new Date(String(generatedAt));
    if (Number.isNaN(current.generatedAt.getTime()) || at > current.generatedAt) current.generatedAt = at;
    if (current.model === undefined && model !== null && model !== undefined && model !== '') current.model = String(model);
  }
  return lists;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
