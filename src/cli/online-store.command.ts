import { existsSync, mkdirSync } from 'node:fs';
import { Command } from 'commander';
import type { OnlineStoreSettings, ServingSettings } from '../config/app-config';
import type { TableInitReport } from '../features/online-store/bigtable/bigtable-schema';
import type { FeatureRegistry } from '../features/serving/feature-registry';
import { semanticLayerOption } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { applyAndDescribe } from './spanner.command';
import { assertEmulatorListening, describeStore, loadServingRegistry, storeTitle, plural, servingConfig, viewsIn, withStoreErrors } from './serving-runtime';

/** `stratum online-store …`: the online store's schema. */
export function onlineStoreCommand(): Command {
  return new Command('online-store').description('manage the online store that feature serving reads').addCommand(initCommand());
}

function initCommand(): Command {
  return new Command('init')
    .description('create the tables of the configured stores: feature views, recommendation lists, user data (idempotent)')
    .addOption(semanticLayerOption())
    .addHelpText(
      'after',
      `
Examples:
  $ STRATUM_ONLINE_STORE=bigtable GOOGLE_CLOUD_PROJECT=my-project BIGTABLE_INSTANCE=stratum-features stratum online-store init
  $ STRATUM_ONLINE_STORE=bigtable BIGTABLE_EMULATOR_HOST=127.0.0.1:8086 BIGTABLE_INSTANCE=test-instance stratum online-store init
  $ STRATUM_ONLINE_STORE=spanner SPANNER_EMULATOR_HOST=127.0.0.1:9010 SPANNER_INSTANCE=test SPANNER_DATABASE=serving \\
      stratum online-store init          # the same as 'stratum spanner migrate'

What is created, by store (STRATUM_ONLINE_STORE, STRATUM_RECOMMENDATION_STORE, STRATUM_USER_DATA_STORE):
  bigtable  the table stratum_features with one column family per feature view version, and
            stratum_recommendations (family rec) when recommendations live in Bigtable
  spanner   one table per feature view version, the watermark table, UserPreferences and
            UserInteractions (see 'stratum spanner migrate --help')
  embedded  the directory (STRATUM_ONLINE_STORE_PATH); its files are created on first write
Existing tables and families are left as they are, so running it again creates nothing. Serving
never creates tables: a missing one is reported with a pointer to this command.`,
    )
    .action(action((options: { semanticLayer?: string }) => runInit(options)));
}

/** One store's part of the report, and how many objects it created. */
interface InitSection {
  text: string;
  created: number;
}

async function runInit(options: { semanticLayer?: string }): Promise<void> {
  const config = servingConfig(options.semanticLayer);
  const registry = loadServingRegistry(config);
  const sections = [...(await initBigtable(config.serving, registry)), ...(await initSpanner(config.serving, registry)), ...initEmbedded(config.serving)];
  const created = sections.reduce((n, s) => n + s.created, 0);
  const summary = created === 0 ? 'Nothing to create: everything already exists.\n' : 'Done: the stores are ready for `stratum materialize` and serving.\n';
  await writeStdout(sections.map((s) => s.text).join('') + summary);
}

/** The feature table (one family per view version) and the recommendation table, in whichever is on Bigtable. */
async function initBigtable(serving: ServingSettings, registry: FeatureRegistry): Promise<InitSection[]> {
  const { onlineStore, recommendationStore } = serving;
  const views = onlineStore.kind === 'bigtable' ? viewsIn(registry, 'bigtable') : [];
  const sections: InitSection[] = [];
  if (onlineStore.kind === 'bigtable' && views.length === 0) {
    sections.push({ text: `${storeTitle(onlineStore)}: no feature view is served from Bigtable, so no feature table is needed.\n`, created: 0 });
  }
  const settings = onlineStore.kind === 'bigtable' ? onlineStore : recommendationStore.kind === 'bigtable' ? recommendationStore : undefined;
  if (settings === undefined || (views.length === 0 && recommendationStore.kind !== 'bigtable')) return sections;
  await assertEmulatorListening(settings);
  const tables = await withStoreErrors(describeStore(settings), async () => {
    const { BigtableOnlineStore, featureFamily } = await import('../features/online-store/bigtable/bigtable-online-store');
    const { BigtableRecommendationStore } = await import('../features/recommendations/bigtable/bigtable-recommendation-store');
    // One after the other: on a fresh instance, concurrent admin calls gain nothing worth a tangled error.
    const done: { report: TableInitReport; families: Map<string, string> }[] = [];
    if (views.length > 0) {
      done.push({ report: await BigtableOnlineStore.init(settings, views), families: new Map(views.map((v) => [featureFamily(v), v.name])) });
    }
    if (recommendationStore.kind === 'bigtable') {
      done.push({ report: await BigtableRecommendationStore.init(recommendationStore), families: new Map([[BigtableRecommendationStore.FAMILY, 'recommendation lists']]) });
    }
    return done;
  });
  sections.push({
    text: `${storeTitle(settings)}:\n${tables.map(({ report, families }) => bigtableLine(report, families)).join('\n')}\n`,
    created: tables.reduce((n, { report }) => n + (report.createdTable ? 1 : 0) + report.createdFamilies.length, 0),
  });
  return sections;
}

/** One migration covers the feature tables and the user data when both are in Spanner. */
async function initSpanner(serving: ServingSettings, registry: FeatureRegistry): Promise<InitSection[]> {
  const { onlineStore, userDataStore } = serving;
  const settings = onlineStore.kind === 'spanner' ? onlineStore : userDataStore.kind === 'spanner' ? userDataStore : undefined;
  if (settings === undefined) return [];
  const migration = await applyAndDescribe(settings, onlineStore.kind === 'spanner' ? viewsIn(registry, 'spanner') : []);
  return [{ text: migration.text, created: migration.applied }];
}

/** The embedded stores share one directory by default: one section per directory, naming what it holds. */
function initEmbedded(serving: ServingSettings): InitSection[] {
  const held = new Map<string, string[]>();
  const roles: [OnlineStoreSettings, string][] = [[serving.onlineStore, 'feature views'], [serving.recommendationStore, 'recommendation lists'], [serving.userDataStore, 'user data']];
  for (const [settings, role] of roles) {
    if (settings.kind === 'embedded') held.set(settings.path, [...(held.get(settings.path) ?? []), role]);
  }
  return [...held].map(([dir, roles]) => {
    const existed = existsSync(dir);
    if (!existed) mkdirSync(dir, { recursive: true });
    return {
      text: `Embedded store ${dir} (${roles.join(', ')}):\n  ${existed ? 'exists ' : 'created'}  directory (nothing else to create: the embedded store creates its files on first write)\n`,
      created: existed ? 0 : 1,
    };
  });
}

/** Created (with its families), families added, or already complete. */
function bigtableLine(report: TableInitReport, families: Map<string, string>): string {
  const named = report.createdFamilies.map((f) => `${f} (${families.get(f) ?? 'unused'})`).join(', ');
  const count = plural(report.createdFamilies.length, 'column family', 'column families');
  if (report.createdTable) return `  created  table ${report.table} with ${count}: ${named}`;
  if (report.createdFamilies.length > 0) return `  created  ${count} in table ${report.table}: ${named}`;
  return `  exists   table ${report.table} with every column family (${[...families.keys()].join(', ')})`;
}
