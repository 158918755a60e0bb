import { Command } from 'commander';
import type { SpannerStoreSettings } from '../config/app-config';
import type { FeatureView } from '../features/spec/feature-manifest';
import { semanticLayerOption } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { describeStore, storeTitle, loadServingRegistry, migrateSpannerDatabase, plural, servingConfig, spannerSettings, viewsIn } from './serving-runtime';

interface MigrateOptions {
  dryRun?: boolean;
  semanticLayer?: string;
}

/** `stratum spanner …`: Stratum's Spanner schema. */
export function spannerCommand(): Command {
  return new Command('spanner').description("manage Stratum's Spanner schema (feature tables, UserPreferences, UserInteractions)").addCommand(migrateCommand());
}

function migrateCommand(): Command {
  return new Command('migrate')
    .description('create the missing Spanner tables and indexes: one table per feature view served from Spanner, the watermark table, UserPreferences and UserInteractions')
    .option('--dry-run', 'print the DDL statements instead of applying them (no connection is made)')
    .addOption(semanticLayerOption())
    .addHelpText(
      'after',
      `
Examples:
  $ STRATUM_ONLINE_STORE=spanner GOOGLE_CLOUD_PROJECT=my-project SPANNER_INSTANCE=stratum SPANNER_DATABASE=serving \\
      stratum spanner migrate
  $ STRATUM_USER_DATA_STORE=spanner SPANNER_EMULATOR_HOST=127.0.0.1:9010 SPANNER_INSTANCE=test SPANNER_DATABASE=serving \\
      stratum spanner migrate            # user data only, on the emulator
  $ stratum spanner migrate --dry-run    # the DDL, for review

The database is the online store's when STRATUM_ONLINE_STORE=spanner, else the user-data store's
(STRATUM_USER_DATA_STORE=spanner). Only missing objects are created, in one schema update, so running
it again changes nothing. An existing feature table whose columns differ from its view is an error:
bump the view's version instead (a new version gets a new table). On the emulator the instance and
database are created first; in Google Cloud they must exist already.`,
    )
    .action(action((options: MigrateOptions) => runMigrate(options)));
}

async function runMigrate(options: MigrateOptions): Promise<void> {
  const config = servingConfig(options.semanticLayer);
  const settings = spannerSettings(config);
  const registry = loadServingRegistry(config);
  // Feature tables only when the features are served from Spanner; the user-data tables always.
  const views = config.serving.onlineStore.kind === 'spanner' ? viewsIn(registry, 'spanner') : [];
  if (options.dryRun) {
    await writeStdout(await dryRunText(settings, views));
    return;
  }
  await writeStdout((await applyAndDescribe(settings, views)).text);
}

/** Applies the migration and describes it (also used by `online-store init`); `applied` counts the statements run. */
export async function applyAndDescribe(settings: SpannerStoreSettings, views: readonly FeatureView[]): Promise<{ text: string; applied: number }> {
  const { spannerSchemaStatements } = await import('../features/online-store/spanner/spanner-migration');
  const result = await migrateSpannerDatabase(settings, views);
  const wanted = spannerSchemaStatements(views);
  const byDdl = new Map(wanted.map((o) => [o.ddl, o]));
  const byName = new Map(wanted.map((o) => [o.name, o]));
  const lines = [
    ...result.applied.map((ddl) => {
      const object = byDdl.get(ddl);
      return `  created  ${object ? `${object.kind} ${object.name}` : ddl}`;
    }),
    ...result.existing.map((name) => `  exists   ${byName.get(name)?.kind ?? 'table'} ${name}`),
  ];
  const summary =
    result.applied.length === 0 ? 'Nothing to apply: the Spanner schema is up to date.' : `Applied ${plural(result.applied.length, 'DDL statement')} in one schema update.`;
  return { text: `${storeTitle(settings)}:\n${lines.join('\n')}\n${summary}\n`, applied: result.applied.length };
}

async function dryRunText(settings: SpannerStoreSettings, views: readonly FeatureView[]): Promise<string> {
  const { spannerSchemaStatements } = await import('../features/online-store/spanner/spanner-migration');
  const objects = spannerSchemaStatements(views);
  const header =
    `-- Stratum's Spanner schema for the ${describeStore(settings)}: ${plural(objects.length, 'statement')}.\n` +
    '-- `stratum spanner migrate` applies only those whose table or index does not exist yet.\n';
  return header + objects.map((o) => `\n-- ${o.kind} ${o.name}${o.view ? ` (feature view ${o.view})` : ''}\n${o.ddl};\n`).join('');
}
