/**
 * `npm run bench:semantic` — not part of the tests.
 *
 * 1. Compile time: p50/p99 of SemanticEngine.compile over the query set (≥ 50 distinct queries).
 * 2. End to end: for each query, the GraphQL `query` over HTTP against two floors measured in the
 *    same run, interleaved: the same compiled SQL run directly on the same DuckDB warehouse, and a
 *    bare Fastify route returning that SQL's rows as JSON over the same HTTP client (so the gap
 *    between it and GraphQL is what Nest + Mercurius + the engine add). At the default scale and 10×.
 *    Reports medians and ratios, as these machines are noisy.
 *
 * Options (env): BENCH_SCALES=1,10  BENCH_ROUNDS=7  BENCH_QUERIES=60
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { join } from 'node:path';
import { loadConfig, projectRoot } from '../src/config/app-config';
import { createApp } from '../src/main';
import { MetricQueryService } from '../src/api/metrics/metric-query.service';
import { SemanticEngine, type MetricQueryInput } from '../src/semantic';
import { demoDatabaseFileName, ensureDemoWarehouse } from '../src/warehouse/demo';
import type { Warehouse } from '../src/warehouse/warehouse';
import { WAREHOUSE } from '../src/warehouse/warehouse.module';
import { benchQueries, toGraphQL } from './bench-queries';

const scales = (process.env.BENCH_SCALES ?? '1,10').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const queryCount = Number(process.env.BENCH_QUERIES ?? 60);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

function benchCompile(engine: SemanticEngine, queries: MetricQueryInput[]): void {
  const samples: number[] = [];
  for (const q of queries) for (let i = 0; i < 50; i++) engine.compile(q, 'duckdb'); // warm-up
  for (let r = 0; r < 20; r++) {
    for (const q of queries) {
      for (const dialect of ['duckdb', 'bigquery'] as const) {
        const t0 = performance.now();
        engine.compile(q, dialect);
        samples.push(performance.now() - t0);
      }
    }
  }
  samples.sort((a, b) => a - b);
  console.log(`\n## Compile (${queries.length} distinct queries × 2 dialects × 20 rounds = ${samples.length} compiles)`);
  console.log(`p50 ${fmt(quantile(samples, 0.5))}   p90 ${fmt(quantile(samples, 0.9))}   p99 ${fmt(quantile(samples, 0.99))}   (goal: p50 < 200 µs)`);
}

async function benchEndToEnd(scale: number, queries: MetricQueryInput[]): Promise<void> {
  const root = projectRoot();
  const demoPath = join(root, '.data', demoDatabaseFileName(scale, 42));
  process.stdout.write(`\n## End to end at scale ${scale}: preparing demo marts… `);
  const demo = await ensureDemoWarehouse({ path: demoPath, scale, seed: 42 });
  console.log(demo.created ? `generated in ${demo.seconds.toFixed(1)} s` : 'reused');
  const config = loadConfig({ STRATUM_DUCKDB_PATH: demo.path, LOG_LEVEL: 'silent', STRATUM_GRAPHIQL: 'false' });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
  const warehouse = app.get<Warehouse>(WAREHOUSE);
  const service = app.get(MetricQueryService);
  const compiledAll = queries.map((q) => service.compileForRun(q));
  // The bare-HTTP floor: Fastify alone, the same warehouse, the same rows as JSON.
  const bare = Fastify();
  bare.post<{ Body: { i: number } }>('/sql', async (req) => {
    const c = compiledAll[req.body.i]!;
    const r = await warehouse.execute(c.sql, c.parameters);
    return { columns: r.columns, rows: r.rows };
  });
  const bareUrl = `${await bare.listen({ port: 0, host: '127.0.0.1' })}/sql`;

  const ratios: number[] = [];
  const bareRatios: number[] = [];
  let totalDirect = 0;
  let totalBare = 0;
  let totalE2E = 0;
  const rows: string[] = [];
  for (const [i, q] of queries.entries()) {
    // Exactly the SQL the service runs for this query (with its row cap), so only the serving differs.
    const compiled = compiledAll[i]!;
    const body = JSON.stringify({ query: toGraphQL(q) });
    const direct: number[] = [];
    const e2e: number[] = [];
    const viaBare: number[] = [];
    const bareBody = JSON.stringify({ i });
    const runBare = async () => {
      const t0 = performance.now();
      const res = await fetch(bareUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bareBody });
      await res.json();
      viaBare.push(performance.now() - t0);
    };
    const runDirect = async () => {
      const t0 = performance.now();
      await warehouse.execute(compiled.sql, compiled.parameters);
      direct.push(performance.now() - t0);
    };
    const runE2E = async () => {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { errors?: { message: string }[] };
      e2e.push(performance.now() - t0);
      if (json.errors) throw new Error(`query ${i} failed: ${json.errors[0]!.message}`);
    };
    await runDirect(); // warm-up every path (DuckDB caches, Mercurius JIT)
    await runBare();
    await runE2E();
    await runE2E();
    direct.length = 0;
    e2e.length = 0;
    viaBare.length = 0;
    const order = [runDirect, runBare, runE2E];
    for (let r = 0; r < rounds; r++) {
      // Rotate the order so drift on a noisy machine hits every path alike.
      for (let k = 0; k < order.length; k++) await order[(r + k) % order.length]!();
    }
    const d = median(direct);
    const b = median(viaBare);
    const e = median(e2e);
    totalDirect += d;
    totalBare += b;
    totalE2E += e;
    ratios.push(e / d);
    bareRatios.push(e / b);
    rows.push(
      `${String(i).padStart(3)}  ${fmt(d).padStart(10)}  ${fmt(b).padStart(10)}  ${fmt(e).padStart(10)}  ${(e / d).toFixed(2)}×  ${(e / b).toFixed(2)}×  ` +
        `${q.metrics!.join(',')} by ${(q.groupBy ?? []).map((g) => (typeof g === 'string' ? g : `${g.name}:${g.grain ?? g.datePart}`)).join(',') || '∅'}`,
    );
  }
  console.log(`  #      direct   bare HTTP     GraphQL  /direct  /bare  query`);
  for (const r of rows) console.log(`  ${r}`);
  const sorted = [...ratios].sort((a, b) => a - b);
  const sortedBare = [...bareRatios].sort((a, b) => a - b);
  console.log(
    `scale ${scale}: per-query GraphQL/direct  p50 ${quantile(sorted, 0.5).toFixed(2)}×  p90 ${quantile(sorted, 0.9).toFixed(2)}×  max ${sorted[sorted.length - 1]!.toFixed(2)}×;` +
      `  GraphQL/bare HTTP  p50 ${quantile(sortedBare, 0.5).toFixed(2)}×  p90 ${quantile(sortedBare, 0.9).toFixed(2)}×`,
  );
  console.log(
    `scale ${scale}: all queries: direct ${fmt(totalDirect)}, bare HTTP ${fmt(totalBare)}, GraphQL ${fmt(totalE2E)} → ` +
      `GraphQL/direct ${(totalE2E / totalDirect).toFixed(2)}× (goal ≤ 1.2×), GraphQL/bare ${(totalE2E / totalBare).toFixed(2)}×`,
  );
  await bare.close();
  await app.close();
}

async function main(): Promise<void> {
  const engine = SemanticEngine.load(join(projectRoot(), 'semantic-layer'));
  const queries = benchQueries(engine, queryCount);
  console.log(`# bench:semantic — ${queries.length} queries, ${rounds} rounds, scales ${scales.join(', ')}`);
  benchCompile(engine, queries);
  for (const scale of scales) await benchEndToEnd(scale, queries);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
