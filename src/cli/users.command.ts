import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { AppConfig } from '../config/app-config';
import type { FeatureCache } from '../features/cache/feature-cache';
import type { OnlineStore } from '../features/online-store/online-store';
import { openServingStores } from '../features/online-store/open-online-store';
import type { RecommendationStore } from '../features/recommendations/recommendation-store';
import type { FeatureRegistry } from '../features/serving/feature-registry';
import { FeatureServer } from '../features/serving/feature-server';
import { createFeatureServer, openFeatureCache } from '../features/serving/open-feature-serving';
import { eraseUser, type EraseReport } from '../features/users/erase-user';
import type { UserDataStore } from '../features/users/user-data-store';
import { MAX_ID_LENGTH } from '../features/users/user-data-validation';
import { CliError } from './cli-error';
import { semanticLayerOption } from './cli-options';
import { action, writeStdout } from './cli-runtime';
import { assertEmulatorListening, describeStore, loadServingRegistry, servingConfig, tcpProblem, withStoreErrors } from './serving-runtime';

/** How long an erase waits for Redis to accept commands. */
const REDIS_READY_TIMEOUT_MS = 5000;

interface EraseOptions {
  yes?: boolean;
  semanticLayer?: string;
}

/** `stratum users …`: what Stratum holds about one user. */
export function usersCommand(): Command {
  return new Command('users').description('manage what the serving stores hold about a user').addCommand(eraseCommand());
}

function eraseCommand(): Command {
  return new Command('erase')
    .description('GDPR erase: remove a user from every feature view keyed by user, the cache, the recommendation lists and the user data')
    .argument('<id>', `the user id (1–${MAX_ID_LENGTH} characters)`)
    .option('-y, --yes', 'erase without asking (required when standard input is not a terminal)')
    .addOption(semanticLayerOption())
    .addHelpText(
      'after',
      `
Examples:
  $ stratum users erase 5f2c9a1e-0b7d-4a61-9a55-3c1d2e4f6a7b
  $ stratum users erase u1000 --yes                   # in scripts: no question asked
  $ REDIS_URL=redis://cache:6379 STRATUM_ONLINE_STORE=bigtable BIGTABLE_INSTANCE=stratum-features \\
      GOOGLE_CLOUD_PROJECT=my-project stratum users erase u1000 --yes

The stores are the configured ones (STRATUM_ONLINE_STORE, STRATUM_RECOMMENDATION_STORE,
STRATUM_USER_DATA_STORE); with REDIS_URL the user's cached feature rows are deleted from Redis too,
so servers sharing that cache stop serving them at once. Erasing is idempotent: run it again after
a failure, and a second run reports that nothing was left. One line is logged to stderr per erase.
The embedded stores (LMDB) are shared with a running 'npm start', which stops reading the user's
rows at once; without REDIS_URL, though, its in-process cache may serve a copy for up to
STRATUM_CACHE_TTL_MS: use the admin mutation eraseUser on the running server to clear that too.`,
    )
    .action(action((id: string, options: EraseOptions) => runErase(id, options)));
}

async function runErase(id: string, options: EraseOptions): Promise<void> {
  if (id.length === 0 || [...id].length > MAX_ID_LENGTH) {
    throw new CliError('INVALID_ARGUMENT', `'${id.slice(0, 40)}' is not a user id: user ids are 1–${MAX_ID_LENGTH} characters.`);
  }
  const config = servingConfig(options.semanticLayer);
  const registry = loadServingRegistry(config);
  if (!options.yes && !(await confirm(id, config))) {
    process.stderr.write('Nothing was erased.\n');
    process.exitCode = 1;
    return;
  }
  const where = describeStore(config.serving.onlineStore);
  for (const settings of new Set([config.serving.onlineStore, config.serving.recommendationStore, config.serving.userDataStore])) await assertEmulatorListening(settings);
  const stores = await withStoreErrors(where, () => openStores(config, registry));
  try {
    const result = await withStoreErrors(where, async () => {
      // Looked up first only to report what was there; the erase itself deletes unconditionally.
      const views = registry.viewsOfEntity('user');
      const present = await Promise.all(views.map(async (view) => (await stores.store.read(view, [id]))[0] !== undefined));
      const [list] = await stores.recommendations.readLatest([id]);
      const report = await eraseUser({ features: stores.features, recommendations: stores.recommendations, userData: stores.userData }, id);
      return { report, removedViews: views.filter((_, i) => present[i]).map((v) => v.name), hadRecommendations: list !== undefined };
    });
    log(config, result.report);
    await writeStdout(describeErase(result.report, result.removedViews, result.hadRecommendations, config));
  } catch (error) {
    if (error instanceof Error) error.message += `\nThe erase of user '${id}' may be incomplete; every step is idempotent, so run the command again once this is fixed.`;
    throw error;
  } finally {
    await stores.close();
  }
}

/** Asks on a terminal; refuses without one, since nobody could answer. */
async function confirm(id: string, config: AppConfig): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError('CONFIRMATION_REQUIRED', `Refusing to erase user '${id}' without confirmation: standard input is not a terminal. Add --yes to erase without asking.`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Erase user '${id}' from the ${describeStore(config.serving.onlineStore)}, the cache, the recommendation lists and the user data? This cannot be undone. [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

interface EraseStores {
  store: OnlineStore;
  features: FeatureServer;
  recommendations: RecommendationStore;
  userData: UserDataStore;
  close(): Promise<void>;
}

/**
 * The part of feature serving an erase needs: the stores, and the cache behind a read path that
 * drops the user's cached rows under the same keys the servers use. Unlike openFeatureServing it
 * opens no warehouse (no popular items to compute).
 */
async function openStores(config: AppConfig, registry: FeatureRegistry): Promise<EraseStores> {
  const { serving } = config;
  const stores = await openServingStores(serving);
  let cache: FeatureCache | undefined;
  const close = async () => {
    await Promise.allSettled([stores.close(), cache?.close()]);
  };
  try {
    cache = await openFeatureCache(serving);
    if (serving.cache.kind === 'redis') await redisReady(cache, serving.cache.url);
    const { server: features } = createFeatureServer(serving, registry, stores.store, cache);
    return { store: stores.store, features, recommendations: stores.recommendations, userData: stores.userData, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The Redis cache fails fast while it is still connecting (serving never waits for it); an erase
 * must not, or the user's cached rows would outlive it. Checked before anything is deleted.
 */
async function redisReady(cache: FeatureCache, url: string): Promise<void> {
  const { RedisFeatureCache } = await import('../features/cache/redis-feature-cache');
  if (!(cache instanceof RedisFeatureCache)) return;
  const consequence = "An erase must delete the user's cached rows too, so nothing was erased.";
  // A refused connection is known at once; waiting for "ready" would only time out.
  const { hostname, port } = new URL(url);
  const server = `${hostname}:${port || 6379}`;
  const problem = await tcpProblem(hostname.replace(/^\[|\]$/g, ''), Number(port || 6379));
  if (problem !== undefined) throw new CliError('CACHE_UNAVAILABLE', `Cannot reach Redis at ${server} (REDIS_URL): ${problem}. ${consequence}`);
  try {
    await cache.waitUntilReady(REDIS_READY_TIMEOUT_MS);
  } catch (error) {
    throw new CliError('CACHE_UNAVAILABLE', `${(error as Error).message} ${consequence}`);
  }
}

function describeErase(report: EraseReport, removedViews: string[], hadRecommendations: boolean, config: AppConfig): string {
  const kept = report.featureViews.filter((v) => !removedViews.includes(v));
  const views = [...removedViews.map((v) => `${v} (removed)`), ...kept.map((v) => `${v} (nothing stored)`)].join(', ') || 'none keyed by user';
  const cache = config.serving.cache.kind === 'redis' ? 'cleared in Redis' : 'in-process only (nothing shared to clear)';
  const lines = [
    `Erased user '${report.userId}' at ${report.erasedAt}:`,
    `  feature views     ${views}`,
    `  cached rows       ${cache}`,
    `  recommendations   ${hadRecommendations ? 'removed' : 'none stored'}`,
    `  user data         ${report.userDataRemoved ? 'removed (UserPreferences and UserInteractions)' : 'none stored'}`,
  ];
  const nothing = removedViews.length === 0 && !hadRecommendations && !report.userDataRemoved;
  lines.push(nothing ? `Nothing was stored for user '${report.userId}': nothing removed.` : `User '${report.userId}' is erased from every store.`);
  return `${lines.join('\n')}\n`;
}

/** The audit line: what was erased, when; on stderr so stdout stays the report. */
function log(config: AppConfig, report: EraseReport): void {
  if (!['info', 'debug', 'trace'].includes(config.logLevel)) return;
  process.stderr.write(
    `${report.erasedAt} INFO stratum users erase: GDPR erase of user ${report.userId}: feature views ${report.featureViews.join(', ') || 'none'}, ` +
      `user data ${report.userDataRemoved ? 'removed' : 'none'}, recommendations deleted\n`,
  );
}
