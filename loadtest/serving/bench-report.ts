import type { Shape, Transport } from './bench-data';
import type { CacheMode, DirectReadResult, StoreKind } from './bench-stores';
import type { LoadResult } from './load-generator';

/** One measured scenario of the app. */
export interface ScenarioRow {
  store: StoreKind;
  cache: CacheMode;
  transport: Transport;
  shape: Shape;
  connections: number;
  result: LoadResult;
  /** Fresh cache answers / keys looked up, from the read path's own counters (undefined: not through the feature cache). */
  hitRate?: number;
  /** Batched store reads of the read path per request sent (warm-up included). */
  storeReadsPerRequest?: number;
}

export interface DirectReads {
  one: DirectReadResult[];
  batch: DirectReadResult[];
}

export const scenarioKey = (transport: Transport, shape: Shape) => `${transport} ${shape}`;
/** The floor of a scenario, measured in the same store block (just before the app's runs). */
export const floorKey = (store: StoreKind, transport: Transport, shape: Shape, connections: number) => `${store} ${transport} ${shape} @${connections}`;

const SHAPE_TITLE: Record<Shape, string> = {
  '1x50': '1 entity × 50 features',
  '100x50': '100 entities × 50 features',
  recs: 'recommendations (20 of a 100-item list, seen items dropped)',
};
const ENDPOINT: Record<string, string> = {
  'REST 1x50': 'POST /get-online-features',
  'REST 100x50': 'POST /get-online-features',
  'GraphQL 1x50': 'onlineFeatures(featureView, keys)',
  'GraphQL 100x50': 'onlineFeatures(featureView, keys)',
  'REST recs': 'GET /v1/users/{id}/recommendations',
  'GraphQL recs': 'user(id) { recommendations }',
};
export const CACHE_LABEL: Record<CacheMode, string> = { near: 'near hit', redis: 'Redis hit', lru: 'LRU hit', 'redis-ttl0': 'miss (Redis)' };

export const ms = (v: number) => (Number.isNaN(v) ? '—' : v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(2)} ms`);
const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(0)}%`);
const pad = (s: string, n: number) => s.padStart(n);

/** One table per scenario: per store and connection count, the floor, then every cache mode measured. */
export function printScenarioTables(rows: ScenarioRow[], floors: Map<string, LoadResult>): void {
  const keys = [...new Set(rows.map((r) => scenarioKey(r.transport, r.shape)))];
  for (const key of keys) {
    const [transport, shape] = key.split(' ') as [Transport, Shape];
    console.log(`\n### ${transport} · ${SHAPE_TITLE[shape]} — ${ENDPOINT[key]}`);
    console.log(`  ${'store'.padEnd(9)} ${pad('conns', 5)} ${'cache'.padEnd(14)} ${pad('req/s', 7)} ${pad('p50', 9)} ${pad('p99', 9)} ${pad('req/s÷floor', 11)} ${pad('p99÷floor', 9)} ${pad('hit', 5)} ${pad('reads/req', 9)}`);
    const mine = rows.filter((x) => scenarioKey(x.transport, x.shape) === key);
    const groups = [...new Set(mine.map((r) => `${r.store} ${r.connections}`))];
    for (const group of groups) {
      const [store, conns] = group.split(' ') as [StoreKind, string];
      const floor = floors.get(floorKey(store, transport, shape, Number(conns)));
      if (floor) {
        console.log(`  ${store.padEnd(9)} ${pad(conns, 5)} ${'floor'.padEnd(14)} ${pad(floor.reqPerSec.toFixed(0), 7)} ${pad(ms(floor.p50), 9)} ${pad(ms(floor.p99), 9)} ${pad('1.00×', 11)} ${pad('1.0×', 9)}`);
      }
      for (const r of mine.filter((x) => `${x.store} ${x.connections}` === group)) {
        const cache = shape === 'recs' ? 'lists uncached' : CACHE_LABEL[r.cache];
        const ratio = floor ? `${(r.result.reqPerSec / floor.reqPerSec).toFixed(2)}×` : '—';
        const p99Ratio = floor ? `${(r.result.p99 / floor.p99).toFixed(1)}×` : '—';
        const reads = r.storeReadsPerRequest === undefined ? '—' : r.storeReadsPerRequest.toFixed(2);
        console.log(
          `  ${store.padEnd(9)} ${pad(conns, 5)} ${cache.padEnd(14)} ${pad(r.result.reqPerSec.toFixed(0), 7)} ${pad(ms(r.result.p50), 9)} ${pad(ms(r.result.p99), 9)} ${pad(ratio, 11)} ${pad(p99Ratio, 9)} ${pad(pct(r.hitRate), 5)} ${pad(reads, 9)}`,
        );
      }
    }
  }
}

export function printDirectReads(direct: Map<StoreKind, DirectReads>): void {
  console.log('\n### One store round trip, measured directly (OnlineStore.read of the app\'s store, no HTTP, no cache)');
  console.log(`  ${'store'.padEnd(9)} ${pad('keys', 5)} ${pad('in flight', 9)} ${pad('reads', 7)} ${pad('p50', 9)} ${pad('p99', 9)}`);
  for (const [store, d] of direct) {
    for (const r of [...d.one, ...d.batch]) {
      console.log(`  ${store.padEnd(9)} ${pad(String(r.keys), 5)} ${pad(String(r.concurrency), 9)} ${pad(String(r.reads), 7)} ${pad(ms(r.p50), 9)} ${pad(ms(r.p99), 9)}`);
    }
  }
}

/** The issue's goals, each judged on what this run measured: met or not met, with the numbers. */
export function printGoals(rows: ScenarioRow[], floors: Map<string, LoadResult>, direct: Map<StoreKind, DirectReads>, connections: number): boolean {
  const find = (store: StoreKind, cache: CacheMode, transport: Transport, shape: Shape, conns = connections) =>
    rows.find((r) => r.store === store && r.cache === cache && r.transport === transport && r.shape === shape && r.connections === conns);
  const stores = [...new Set(rows.map((r) => r.store))];
  let all = true;
  const judge = (ok: boolean, text: string) => {
    all &&= ok;
    console.log(`  ${ok ? 'met    ' : 'NOT MET'}  ${text}`);
  };

  console.log(`\n## Goals (issue 4 §7)`);
  console.log(`- cache-hit REST 1 × 50 at ${connections} connections: p99 < 2 ms and throughput ≥ 40% of the floor:`);
  for (const store of stores) {
    const floor = floors.get(floorKey(store, 'REST', '1x50', connections));
    for (const cache of ['near', 'redis', 'lru'] as const) {
      const r = find(store, cache, 'REST', '1x50');
      if (!r || !floor) continue;
      const share = r.result.reqPerSec / floor.reqPerSec;
      judge(r.result.p99 < 2 && share >= 0.4, `${store.padEnd(8)} ${CACHE_LABEL[cache].padEnd(9)}  p99 ${ms(r.result.p99).padStart(9)}  throughput ${(share * 100).toFixed(0).padStart(3)}% of the floor's ${floor.reqPerSec.toFixed(0)} req/s`);
    }
  }
  console.log('- 100 × 50 p99 < 10 ms (REST, cache hit), at both concurrencies measured; the floor alongside:');
  for (const store of stores) {
    for (const conns of [connections, 1]) {
      const floor = floors.get(floorKey(store, 'REST', '100x50', conns));
      for (const cache of ['near', 'redis', 'lru'] as const) {
        const r = find(store, cache, 'REST', '100x50', conns);
        if (!r) continue;
        judge(r.result.p99 < 10, `${store.padEnd(8)} ${CACHE_LABEL[cache].padEnd(9)} ${String(conns).padStart(2)} conn  p99 ${ms(r.result.p99).padStart(9)}   (floor p99 ${floor ? ms(floor.p99) : '—'})`);
      }
    }
  }
  console.log(`- a cache miss adds no more than one store round trip (REST at ${connections} connections: miss p50 − Redis-hit p50`);
  console.log(`  ≤ p50 of one direct batched read at the same ${connections} in flight; and ≤ 1 batched store read per request):`);
  for (const store of stores) {
    for (const shape of ['1x50', '100x50'] as const) {
      const hit = find(store, 'redis', 'REST', shape);
      const miss = find(store, 'redis-ttl0', 'REST', shape);
      const d = shape === '1x50' ? direct.get(store)?.one : direct.get(store)?.batch;
      const trip = d?.find((x) => x.concurrency === connections);
      const alone = d?.find((x) => x.concurrency === 1);
      if (!hit || !miss || !trip) continue;
      const added = miss.result.p50 - hit.result.p50;
      const reads = miss.storeReadsPerRequest ?? Number.NaN;
      judge(
        added <= trip.p50 && reads <= 1.0001,
        `${store.padEnd(8)} ${shape.padEnd(6)}  miss adds ${ms(added).padStart(9)} (${ms(miss.result.p50)} − ${ms(hit.result.p50)}); one read: ${ms(trip.p50)} at ${connections} in flight` +
          `${alone ? `, ${ms(alone.p50)} alone` : ''}; store reads/request ${reads.toFixed(2)}`,
      );
    }
  }
  return all;
}
