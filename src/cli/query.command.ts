import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DIALECTS, SemanticEngine, type CompiledQuery, type MetricQueryInput } from '../semantic';
import { typeEngineFromWarehouse } from '../warehouse/typed-engine';
import type { Warehouse } from '../warehouse/warehouse';
import { BatchRunner } from './batch-runner';
import { CliError } from './cli-error';
import { commaList, loadEngine, outputOption, repeatable, semanticLayerOption, wholeNumber } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { warehouseTarget } from './cli-warehouse';
import { formatResult, type OutputFormat } from './output-format';

/** The `mf query` flags, shared by `query` and `compile`. */
interface QueryFlags {
  metrics?: string[];
  groupBy?: string[];
  where?: string[];
  orderBy?: string[];
  limit?: number;
  startTime?: string;
  endTime?: string;
  savedQuery?: string;
  semanticLayer?: string;
}

interface QueryOptions extends QueryFlags {
  duckdb?: string;
  output: OutputFormat;
  batch?: string;
  explain?: boolean;
}

interface CompileOptions extends QueryFlags {
  dialect: 'duckdb' | 'bigquery';
  output: 'sql' | 'json';
}

const QUERY_EXAMPLES = `
Examples:
  $ stratum query --metrics revenue,orders --group-by metric_time__month
  $ stratum query --metrics revenue --group-by metric_time__day,customer__customer_state \\
      --where "{{ Dimension('customer__customer_state') }} = 'SP'" --order-by -metric_time__day --limit 10
  $ stratum query --metrics revenue --start-time 2024-01-01 --end-time 2024-03-31 --output csv
  $ stratum query --saved-query revenue_by_state_monthly --duckdb ./warehouse.duckdb --output json
  $ stratum query --batch queries.jsonl          # or --batch - to read standard input`;

function addQueryFlags(command: Command): Command {
  return command
    .option('--metrics <names>', 'comma-separated metrics to query (repeatable)', commaList)
    .option('--group-by <names>', 'comma-separated dimensions, entities or metric_time__<grain> (repeatable)', commaList)
    .option('--where <filter>', "MetricFlow filter, e.g. \"{{ Dimension('order__order_status') }} = 'paid'\" (repeatable; all must hold)", repeatable)
    .option('--order-by <names>', 'comma-separated output names; prefix with - for descending, e.g. -metric_time__day', commaList)
    .addOption(new Option('--order <names>', 'same as --order-by (the name mf query uses)').argParser(commaList).hideHelp())
    .option('--limit <n>', 'at most this many rows', wholeNumber)
    .option('--start-time <iso>', 'only metric_time at or after this date/timestamp, e.g. 2024-01-01')
    .option('--end-time <iso>', 'only metric_time at or before this date/timestamp')
    .option('--saved-query <name>', 'run a saved query (its metrics and group-bys; --where adds filters)')
    .addOption(semanticLayerOption());
}

function toInput(flags: QueryFlags & { order?: string[] }): MetricQueryInput {
  const orderBy = [...(flags.orderBy ?? []), ...(flags.order ?? [])];
  return {
    metrics: flags.metrics,
    groupBy: flags.groupBy,
    where: flags.where,
    orderBy: orderBy.length > 0 ? orderBy : undefined,
    limit: flags.limit,
    startTime: flags.startTime,
    endTime: flags.endTime,
    savedQuery: flags.savedQuery,
  };
}

/** `stratum query`: compiles a metric query and runs it on the warehouse (mf query). */
export function queryCommand(): Command {
  const command = addQueryFlags(new Command('query').description('run a metric query on the warehouse and print the rows'))
    .option('--duckdb <file>', 'query this existing DuckDB database (opened read-only; nothing is generated or written)')
    .addOption(outputOption())
    .option('--explain', 'print the SQL that would run instead of running it')
    .option('--batch <file>', 'run JSON-lines queries from a file (- for standard input); one JSON line out per query')
    .addHelpText(
      'after',
      `${QUERY_EXAMPLES}

Without --duckdb the configured warehouse is used (STRATUM_WAREHOUSE; by default the demo marts,
generated on first use). Batch lines are the engine's query objects, e.g.
  {"metrics":["revenue"],"groupBy":["metric_time__day",{"name":"metric_time","grain":"month"}],"limit":10}
and each answer is {"columns":[{"name","type"}],"rows":[[…]]} or {"error":{"code","message"}}.`,
    );
  return command.action(action((options: QueryOptions) => runQuery(options)));
}

async function runQuery(options: QueryOptions): Promise<void> {
  if (options.batch !== undefined && (hasQueryFlags(options) || options.explain)) {
    throw new CliError('INVALID_QUERY', '--batch reads every query from its input; leave out --metrics, --group-by, --explain and the other query flags.');
  }
  const target = warehouseTarget(options);
  const batchInput = options.batch === undefined ? undefined : openBatchInput(options.batch);
  // Definitions are checked before the warehouse opens: a typo should not wait for the demo marts.
  const definitions = SemanticEngine.load(target.source.path, target.source.load);
  const checked = batchInput === undefined ? definitions.compile(toInput(options), target.dialect) : undefined;
  if (checked && options.explain) {
    await writeStdout(sqlWithParameters(checked));
    return;
  }

  const warehouse = await target.open();
  try {
    // Compiled again with the warehouse's column types (a DATE and a TIMESTAMP truncate differently).
    const { engine } = await typeEngineFromWarehouse(definitions, warehouse);
    const single = checked && engine.compile(toInput(options), target.dialect);
    const execute = async (compiled: CompiledQuery) => {
      const result = await warehouse.execute(compiled.sql, compiled.parameters, { timeoutMs: target.timeoutMs });
      return { columns: result.columns, rows: result.rows };
    };
    if (single) {
      await writeStdout(formatResult(await execute(single), options.output));
      return;
    }
    const runner = new BatchRunner((input) => execute(engine.compile(input, target.dialect)), writeStdout);
    const summary = await runner.run(batchInput!);
    if (summary.failed > 0) process.stderr.write(`${summary.failed} of ${summary.queries} batch queries failed (see their error lines).\n`);
  } finally {
    await closeQuietly(warehouse);
  }
}

function hasQueryFlags(flags: QueryFlags & { order?: string[] }): boolean {
  return [flags.metrics, flags.groupBy, flags.where, flags.orderBy, flags.order, flags.limit, flags.startTime, flags.endTime, flags.savedQuery].some(
    (v) => v !== undefined,
  );
}

function openBatchInput(path: string): NodeJS.ReadableStream {
  if (path === '-') return process.stdin;
  const file = resolve(path);
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new CliError('BATCH_FILE_NOT_FOUND', `Batch file '${file}' does not exist or is not a file. Pass a JSON-lines file, or - for standard input.`);
  }
  return createReadStream(file, { encoding: 'utf8' });
}

async function closeQuietly(warehouse: Warehouse): Promise<void> {
  try {
    await warehouse.close();
  } catch {
    // The answer is already written; a failure to close must not turn it into an error.
  }
}

/** `stratum compile`: the SQL a query compiles to, with its parameters, without a warehouse. */
export function compileCommand(): Command {
  return addQueryFlags(new Command('compile').description('print the SQL a metric query compiles to (no warehouse needed)'))
    .addOption(new Option('--dialect <name>', 'SQL dialect').choices(DIALECTS.map((d) => d.name)).default('duckdb'))
    .addOption(new Option('--output <format>', 'sql: the SQL, then its parameters as comments; json: {sql, parameters, columns}').choices(['sql', 'json']).default('sql'))
    .addHelpText(
      'after',
      `
Values never appear in the SQL: they are named parameters (@p0 in BigQuery, $p0 in DuckDB).

Examples:
  $ stratum compile --metrics revenue --group-by metric_time__month --dialect bigquery
  $ stratum compile --saved-query revenue_by_state_monthly --where "{{ Dimension('customer__customer_state') }} = 'SP'" --output json`,
    )
    .action(
      action(async (options: CompileOptions) => {
        const compiled = loadEngine(options.semanticLayer).compile(toInput(options), options.dialect);
        await writeStdout(options.output === 'json' ? `${JSON.stringify(compiled)}\n` : sqlWithParameters(compiled));
      }),
    );
}

/** The SQL, then one comment line per parameter so the text stays valid SQL to paste. */
function sqlWithParameters(compiled: CompiledQuery): string {
  const params = Object.entries(compiled.parameters).map(([name, value]) => `--   ${name} = ${JSON.stringify(value)}\n`);
  return `${compiled.sql.trimEnd()};\n${params.length > 0 ? `-- parameters:\n${params.join('')}` : ''}`;
}
