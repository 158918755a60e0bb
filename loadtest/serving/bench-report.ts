import type { Shape, Transport } from './bench-data';
import type { CacheMode, StoreKind } from './bench-stores';
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
  /** Mean time of those store reads, as the read path timed them during the run (CachedReaderStats.loadMs). */
  storeReadMs?: number;
}

export const scenarioKey = (transport: Transport, shape: Shape) => `${transport} ${shape}`;
/** The floor of a scenario, measured in the same store block (just before the app's runs); closed loop unless a rate is given. */
export const floorKey = (store: StoreKind, transport: Transport, shape: Shape, connections: number, ratePerSec?: number) =>
  `${store} ${transport} ${shape} @${connections}${ratePerSec === undefined ? '' : ` ${ratePerSec}/s`}`;
const isOpenLoop = (r: ScenarioRow) => r.result.ratePerSec !== undefined;

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

/** One table per scenario (closed loop): per store and connection count, the floor, then every cache mode measured. */
export function printScenarioTables(all: ScenarioRow[], floors: Map<string, LoadResult>): void {
  const rows = all.filter((r) => !isOpenLoop(r));
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

/**
 * The open-loop runs: latency at a fixed arrival rate. "served" is the rate achieved (below the
 * rate asked: the server fell behind); "backlog" the most arrivals that waited for a connection.
 */
export function printOpenLoopTable(rows: ScenarioRow[], floors: Map<string, LoadResult>): void {
  const open = rows.filter(isOpenLoop);
  if (open.length === 0) return;
  const conns = open[0]!.connections;
  console.log(`\n### Latency at a fixed load — open loop over ${conns} connections, requests arriving at a set rate (REST feature reads, cache hits)`);
  console.log(`  ${'store'.padEnd(9)} ${'shape'.padEnd(7)} ${pad('rate/s', 7)} ${'cache'.padEnd(14)} ${pad('served/s', 8)} ${pad('p50', 9)} ${pad('p90', 9)} ${pad('p99', 9)} ${pad('backlog', 7)}`);
  const row = (store: string, shape: string, rate: number, label: string, r: LoadResult) =>
    console.log(`  ${store.padEnd(9)} ${shape.padEnd(7)} ${pad(String(rate), 7)} ${label.padEnd(14)} ${pad(r.reqPerSec.toFixed(0), 8)} ${pad(ms(r.p50), 9)} ${pad(ms(r.p90), 9)} ${pad(ms(r.p99), 9)} ${pad(String(r.maxBacklog), 7)}`);
  const groups = [...new Set(open.map((r) => `${r.store} ${r.shape} ${r.result.ratePerSec}`))];
  for (const group of groups) {
    const [store, shape, rate] = group.split(' ') as [StoreKind, Shape, string];
    const floor = floors.get(floorKey(store, 'REST', shape, conns, Number(rate)));
    if (floor) row(store, shape, Number(rate), 'floor', floor);
    for (const r of open.filter((x) => `${x.store} ${x.shape} ${x.result.ratePerSec}` === group)) row(store, shape, Number(rate), CACHE_LABEL[r.cache], r.result);
  }
}

/** The issue's goals, each judged on what this run measured: met or not met, with the numbers. */
export function printGoals(rows: ScenarioRow[], floors: Map<string, LoadResult>, readFloors: Map<string, [LoadResult, LoadResult]>, connections: number, openShare: number): boolean {
  const find = (store: StoreKind, cache: CacheMode, transport: Transport, shape: Shape, conns = connections, open = false) =>
    rows.find((r) => r.store === store && r.cache === cache && r.transport === transport && r.shape === shape && r.connections === conns && isOpenLoop(r) === open);
  const stores = [...new Set(rows.map((r) => r.store))];
  let all = true;
  const judge = (ok: boolean, text: string) => {
    all &&= ok;
    console.log(`  ${ok ? 'met    ' : 'NOT MET'}  ${text}`);
  };
  /** An open-loop run held its rate: it served what arrived (within 3%), so its latencies are at that load. */
  const held = (r: LoadResult) => r.reqPerSec >= 0.97 * r.ratePerSec!;
  const share = `${(openShare * 100).toFixed(0)}%`;

  console.log(`\n## Goals (issue 4 §7)`);
  console.log(`- cache-hit REST 1 × 50 at ${connections} connections (closed loop): p99 < 2 ms and throughput ≥ 40% of the floor;`);
  console.log(`  the p99 with requests arriving at ${share} of the floor's throughput (open loop) alongside:`);
  for (const store of stores) {
    const floor = floors.get(floorKey(store, 'REST', '1x50', connections));
    for (const cache of ['near', 'redis', 'lru'] as const) {
      const closed = find(store, cache, 'REST', '1x50');
      if (!closed || !floor) continue;
      const open = find(store, cache, 'REST', '1x50', connections, true);
      const openFloor = open && floors.get(floorKey(store, 'REST', '1x50', connections, open.result.ratePerSec));
      const ratio = closed.result.reqPerSec / floor.reqPerSec;
      const openText = open
        ? `;  open loop at ${open.result.ratePerSec}/s: p99 ${ms(open.result.p99)}${held(open.result) ? '' : ` (served only ${open.result.reqPerSec.toFixed(0)}/s)`} (floor ${openFloor ? ms(openFloor.p99) : '—'})`
        : '';
      judge(
        ratio >= 0.4 && closed.result.p99 < 2,
        `${store.padEnd(8)} ${CACHE_LABEL[cache].padEnd(9)}  p99 ${ms(closed.result.p99).padStart(8)} (floor ${ms(floor.p99)})  throughput ${(ratio * 100).toFixed(0).padStart(3)}% of ${floor.reqPerSec.toFixed(0)} req/s${openText}`,
      );
    }
  }
  console.log(`- 100 × 50 p99 < 10 ms (REST, cache hit): at 1 connection, and at ${connections} with requests arriving at ${share} of the floor's`);
  console.log(`  throughput (open loop). Closed loop at ${connections}, p99 is ${connections} requests queued behind each other (the floor's too), shown alongside:`);
  for (const store of stores) {
    for (const cache of ['near', 'redis', 'lru'] as const) {
      const one = find(store, cache, 'REST', '100x50', 1);
      if (one) {
        const floor = floors.get(floorKey(store, 'REST', '100x50', 1));
        judge(one.result.p99 < 10, `${store.padEnd(8)} ${CACHE_LABEL[cache].padEnd(9)}  1 conn              p99 ${ms(one.result.p99).padStart(9)}   (floor ${floor ? ms(floor.p99) : '—'})`);
      }
      const open = find(store, cache, 'REST', '100x50', connections, true);
      if (open) {
        const floor = floors.get(floorKey(store, 'REST', '100x50', connections, open.result.ratePerSec));
        const closed = find(store, cache, 'REST', '100x50');
        const closedFloor = floors.get(floorKey(store, 'REST', '100x50', connections));
        judge(
          open.result.p99 < 10 && held(open.result),
          `${store.padEnd(8)} ${CACHE_LABEL[cache].padEnd(9)} ${String(connections).padStart(2)} conn at ${String(open.result.ratePerSec).padStart(4)}/s  p99 ${ms(open.result.p99).padStart(9)}${held(open.result) ? '' : ` (served only ${open.result.reqPerSec.toFixed(0)}/s)`}   (floor ${floor ? ms(floor.p99) : '—'})` +
            (closed ? `;  closed loop p99 ${ms(closed.result.p99)} (floor ${closedFloor ? ms(closedFloor.p99) : '—'})` : ''),
        );
      }
    }
  }
  console.log(`- a cache miss adds no more than one store round trip, judged by what a miss waits for: after the cache lookup a hit`);
  console.log(`  makes too, ONE batched store read per request (a write-back to the cache is sent, not awaited; these runs cache nothing,`);
  console.log(`  STRATUM_CACHE_TTL_MS=0); met when the miss runs made at most 1.00 store reads per request. Their latency alongside, at`);
  console.log(`  1 connection (no queueing): miss p50 − Redis-hit p50, against what one store read adds to bare Fastify (floor + read`);
  console.log(`  p50 − floor p50, with the miss app's store client, the mean of runs just before and just after the misses, as the`);
  console.log(`  Spanner emulator slows as it serves; ± half their spread). What a miss adds beyond that read is CPU, not a round trip:`);
  console.log(`  it prints the values the store answered as JSON, where a hit splices the JSON text the cache holds (the embedded store`);
  console.log(`  holds rows as that text too, so its misses print nothing):`);
  for (const store of stores) {
    for (const shape of ['1x50', '100x50'] as const) {
      const compare = (conns: number) => {
        const hit = find(store, 'redis', 'REST', shape, conns);
        const miss = find(store, 'redis-ttl0', 'REST', shape, conns);
        const floor = floors.get(floorKey(store, 'REST', shape, conns));
        const withRead = readFloors.get(floorKey(store, 'REST', shape, conns));
        if (!hit || !miss || !floor || !withRead) return undefined;
        const readP50 = (withRead[0].p50 + withRead[1].p50) / 2;
        // Half the spread of the two identical reference runs: how precisely this run knows the round trip.
        const noise = Math.abs(withRead[0].p50 - withRead[1].p50) / 2;
        return { added: miss.result.p50 - hit.result.p50, trip: readP50 - floor.p50, noise, readP50, miss, hit, floor, withRead };
      };
      const one = compare(1);
      const many = compare(connections);
      if (!one) continue;
      const reads = Math.max(one.miss.storeReadsPerRequest ?? Number.NaN, many?.miss.storeReadsPerRequest ?? 0);
      const beyond = one.added - one.trip;
      const latency =
        beyond <= 0 ? 'within it' : beyond <= one.noise ? `within it ± ${ms(one.noise)}` : `${ms(beyond)} beyond it (± ${ms(one.noise)})`;
      judge(
        reads <= 1.0001,
        `${store.padEnd(8)} ${shape.padEnd(6)}  store reads/request ${reads.toFixed(2)}; miss adds ${ms(one.added).padStart(9)} (${ms(one.miss.result.p50)} − ${ms(one.hit.result.p50)}), ` +
          `one store read adds ${ms(one.trip)} (${ms(one.readP50)} − ${ms(one.floor.p50)}): ${latency}\n` +
          `             floor + read p50 ${ms(one.withRead[0].p50)} before the misses, ${ms(one.withRead[1].p50)} after;` +
          ` the read path's store reads: mean ${ms(one.miss.storeReadMs ?? Number.NaN)}` +
          (many ? `;  at ${connections}: miss adds ${ms(many.added)}, one store read adds ${ms(many.trip)}` : ''),
      );
    }
  }
  return all;
}
