import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { BigtableOnlineStore } from '../../src/features/online-store/bigtable/bigtable-online-store';
import { loadFeatureRegistry } from '../../src/features/serving/open-feature-serving';
import { BigtableRecommendationStore } from '../../src/features/recommendations/bigtable/bigtable-recommendation-store';
import { demoDbPath, repoPath } from '../support/demo-db';
import { prepareEmulatorEnvironment, startBigtableEmulator, startRedis, type RealServer } from '../support/real-servers';
import { scratchDir } from '../support/scratch-dir';

interface FeastResponse {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[] }[];
}

/**
 * The read path when its dependencies fail, against real servers: Bigtable (emulator) behind a
 * real redis-server. Redis dying must not fail a read; the store dying serves what the cache
 * still holds and answers 503 (not a hang) for the rest.
 */
describe('Feature serving on Bigtable behind Redis, when Redis or Bigtable goes down', () => {
  let app: NestFastifyApplication;
  let url: string;
  let redis: RealServer;
  let bigtable: RealServer;

  const post = async <T>(path: string, body: unknown): Promise<{ status: number; body: T }> => {
    // A hang would fail here rather than stall the suite.
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const read = (keys: string[]) => post<FeastResponse>('/get-online-features', { features: ['user_features:user_segment'], entities: { user_id: keys } });
  const metric = async (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1]);

  before(async () => {
    prepareEmulatorEnvironment();
    [redis, bigtable] = await Promise.all([startRedis(), startBigtableEmulator()]);
    const env = {
      STRATUM_DUCKDB_PATH: await demoDbPath(),
      STRATUM_SEMANTIC_LAYER: repoPath('semantic-layer'),
      STRATUM_ONLINE_STORE: 'bigtable',
      BIGTABLE_EMULATOR_HOST: bigtable.host,
      BIGTABLE_INSTANCE: 'test-instance',
      STRATUM_ONLINE_STORE_PATH: scratchDir('stratum-failures-'),
      REDIS_URL: `redis://${redis.host}`,
      STRATUM_STORE_TIMEOUT_MS: '1500',
      // Values go stale after 300 ms (and may be served stale for an hour while the store is down).
      STRATUM_CACHE_TTL_MS: '300',
      // Every read goes to Redis here (no in-process near cache), which is what these tests are about.
      STRATUM_NEAR_CACHE_TTL_MS: '0',
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig(env);
    // `stratum online-store init`: the schema exists before the service starts.
    const registry = loadFeatureRegistry(config.serving);
    if (config.serving.onlineStore.kind !== 'bigtable') throw new Error('expected the Bigtable store');
    await BigtableOnlineStore.init(config.serving.onlineStore, registry.views);
    await BigtableRecommendationStore.init(config.serving.onlineStore);
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const now = new Date().toISOString();
    const pushed = await post('/push', { push_source_name: 'user_features', df: { user_id: ['f1', 'f2', 'f3'], user_segment: ['core', 'new', 'power'], feature_timestamp: [now, now, now] } });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
  });

  after(async () => {
    await app?.close();
    await Promise.all([redis?.stop(), bigtable?.stop()]);
  });

  it('serves from Bigtable, then from Redis', async () => {
    const first = await read(['f1', 'f2']);
    assert.deepEqual(first.body.results[1]!.values, ['core', 'new']);
    const hits = await metric('stratum_feature_cache_hits_total');
    const reads = await metric('stratum_online_store_reads_total');
    const second = await read(['f1', 'f2']);
    assert.deepEqual(second.body.results[1]!.values, ['core', 'new']);
    assert.equal((await metric('stratum_feature_cache_hits_total')) - hits, 2);
    assert.equal(await metric('stratum_online_store_reads_total'), reads);
  });

  it('keeps answering when Redis is killed, counting the bypasses, and uses Redis again once it is back', async () => {
    await redis.kill();
    const bypasses = await metric('stratum_feature_cache_bypasses_total');
    for (let i = 0; i < 3; i++) {
      const res = await read(['f1', 'f3']);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.results[1]!.values, ['core', 'power']);
    }
    assert.equal((await metric('stratum_feature_cache_bypasses_total')) - bypasses, 3);
    // A push lands in the store, but its cached copies cannot be dropped: 503, so the caller retries.
    const pushed = await post<{ error: { code: string; message: string } }>('/push', {
      push_source_name: 'user_features', df: { user_id: ['f3'], user_segment: ['casual'], feature_timestamp: [new Date().toISOString()] },
    });
    assert.equal(pushed.status, 503);
    assert.match(pushed.body.error.message, /written to the online store, but its cached copies could not be dropped.*retry/);
    assert.deepEqual((await read(['f3'])).body.results[1]!.values, ['casual']);
    redis = await startRedis(redis.port);
    // The client reconnects in the background; reads never wait for it.
    let hitsAfter = 0;
    for (let attempt = 0; attempt < 100 && hitsAfter === 0; attempt++) {
      const before = await metric('stratum_feature_cache_hits_total');
      await read(['f3']);
      await read(['f3']);
      hitsAfter = (await metric('stratum_feature_cache_hits_total')) - before;
      if (hitsAfter === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(hitsAfter > 0, 'the cache answers again after Redis restarts');
  });

  it('serves stale cached values while Bigtable is down, and 503 (not a hang) for what is not cached', async () => {
    const warm = await read(['f1', 'f2']);
    assert.deepEqual(warm.body.results[1]!.values, ['core', 'new']);
    await bigtable.kill();
    await new Promise((r) => setTimeout(r, 400)); // past the 300 ms freshness
    const stale = await metric('stratum_feature_cache_stale_hits_total');
    const served = await read(['f1', 'f2']);
    assert.equal(served.status, 200);
    assert.deepEqual(served.body.results[1]!.values, ['core', 'new']);
    assert.deepEqual(served.body.results[1]!.statuses, ['PRESENT', 'PRESENT']);
    assert.equal((await metric('stratum_feature_cache_stale_hits_total')) - stale, 2);

    const missing = await post<{ error: { code: string; message: string } }>('/get-online-features', { features: ['user_features:user_segment'], entities: { user_id: ['never-cached'] } });
    assert.equal(missing.status, 503);
    assert.equal(missing.body.error.code, 'UNAVAILABLE');
    assert.match(missing.body.error.message, /bigtable online store is unavailable/);
  });
});
