import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { projectRoot } from '../config/app-config';
import { listCommand } from './list.command';
import { materializeCommand, materializeIncrementalCommand } from './materialize.command';
import { onlineStoreCommand } from './online-store.command';
import { compileCommand, queryCommand } from './query.command';
import { recommendationsCommand } from './recommendations.command';
import { spannerCommand } from './spanner.command';
import { usersCommand } from './users.command';
import { validateCommand } from './validate.command';

/** The `stratum` program: MetricFlow's `mf` commands over Stratum's engine and warehouses. */
export function buildProgram(): Command {
  const program = new Command('stratum')
    .description('Query and inspect the Stratum semantic layer (dbt Semantic Layer / MetricFlow definitions).')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(validateCommand())
    .addCommand(listCommand())
    .addCommand(queryCommand())
    .addCommand(compileCommand())
    .addCommand(materializeCommand())
    .addCommand(materializeIncrementalCommand())
    .addCommand(onlineStoreCommand())
    .addCommand(spannerCommand())
    .addCommand(usersCommand())
    .addCommand(recommendationsCommand());
  program.addHelpText(
    'after',
    `
Examples:
  $ stratum validate
  $ stratum list metrics
  $ stratum list dimensions --metrics revenue
  $ stratum query --metrics revenue --group-by metric_time__month --order-by -metric_time__month --limit 12
  $ stratum compile --metrics revenue --group-by customer__customer_state --dialect bigquery
  $ stratum materialize 2024-06-01T00:00:00Z 2024-07-01T00:00:00Z --views user_features
  $ stratum materialize-incremental now
  $ stratum online-store init
  $ stratum spanner migrate --dry-run
  $ stratum users erase u1000
  $ stratum recommendations load --table ml.user_recommendations

Environment: STRATUM_SEMANTIC_LAYER (definitions), STRATUM_WAREHOUSE=duckdb|bigquery,
STRATUM_DUCKDB_PATH, STRATUM_DBT_SCHEMA. Run 'stratum <command> --help' for a command's options.`,
  );
  return program;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // `stratum query … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  await buildProgram().parseAsync(argv);
}

if (require.main === module) void main();
