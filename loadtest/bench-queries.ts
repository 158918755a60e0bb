import type { GroupByInput, MetricQueryInput, SemanticEngine } from '../src/semantic';

type BenchQuery = MetricQueryInput & { metrics: string[]; groupBy: (string | GroupByInput)[] };

/**
 * A deterministic set of distinct, valid queries over the demo semantic layer: every metric at a
 * few grains, with categorical group-bys one and two joins away, filters, ordering and limits.
 */
export function benchQueries(engine: SemanticEngine, count: number): BenchQuery[] {
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  const push = (q: BenchQuery) => {
    const key = JSON.stringify(q);
    if (seen.has(key)) return;
    try {
      engine.compile(q, 'duckdb');
    } catch {
      return; // not every combination is valid for every metric
    }
    seen.add(key);
    out.push(q);
  };
  const metrics = [...engine.graph.metrics.keys()];
  const grains = ['day', 'week', 'month', 'quarter'];
  for (let round = 0; out.length < count && round < 6; round++) {
    for (const [i, metric] of metrics.entries()) {
      if (out.length >= count) break;
      const dims = engine.catalog.dimensions([metric]).filter((d) => d.type === 'CATEGORICAL').map((d) => d.name);
      const dim = dims[(i + round) % Math.max(1, dims.length)];
      const grain = grains[(i + round) % grains.length]!;
      switch (round) {
        case 0:
          push({ metrics: [metric], groupBy: [{ name: 'metric_time', grain }] });
          break;
        case 1:
          if (dim) push({ metrics: [metric], groupBy: [{ name: 'metric_time', grain: 'month' }, dim], orderBy: [`-${metric}`], limit: 100 });
          break;
        case 2:
          push({ metrics: [metric], groupBy: [{ name: 'metric_time', grain }], startTime: '2024-02-01', endTime: '2024-04-30' });
          break;
        case 3:
          if (dim) push({ metrics: [metric], groupBy: [dim], where: [`{{ TimeDimension('metric_time', 'day') }} >= '2024-03-01'`] });
          break;
        case 4: {
          const other = metrics[(i + 1) % metrics.length]!;
          push({ metrics: [metric, other], groupBy: [{ name: 'metric_time', grain: 'week' }] });
          break;
        }
        default:
          push({ metrics: [metric], groupBy: [{ name: 'metric_time', datePart: 'dow' }] });
      }
    }
  }
  return out;
}

const enumValue = (s: string) => s.toUpperCase();

/** The same query as a GraphQL document for the `query` field. */
export function toGraphQL(q: MetricQueryInput): string {
  const args: string[] = [];
  args.push(`metrics: [${(q.metrics ?? []).map((m) => `{name: ${JSON.stringify(typeof m === 'string' ? m : m.name)}}`).join(', ')}]`);
  if (q.groupBy?.length) {
    const items = q.groupBy.map((g) => {
      if (typeof g === 'string') return `{name: ${JSON.stringify(g)}}`;
      const parts = [`name: ${JSON.stringify(g.name)}`];
      if (g.grain) parts.push(`grain: ${enumValue(g.grain)}`);
      if (g.datePart) parts.push(`datePart: ${enumValue(g.datePart)}`);
      return `{${parts.join(', ')}}`;
    });
    args.push(`groupBy: [${items.join(', ')}]`);
  }
  if (q.where?.length) args.push(`where: [${q.where.map((w) => `{sql: ${JSON.stringify(typeof w === 'string' ? w : w.sql)}}`).join(', ')}]`);
  if (q.orderBy?.length) {
    args.push(
      `orderBy: [${q.orderBy
        .map((o) => {
          const s = typeof o === 'string' ? o : (o.name ?? '');
          return `{metric: {name: ${JSON.stringify(s.replace(/^-/, ''))}}, descending: ${s.startsWith('-')}}`;
        })
        .join(', ')}]`,
    );
  }
  if (q.limit !== undefined && q.limit !== null) args.push(`limit: ${q.limit}`);
  if (q.startTime) args.push(`startTime: ${JSON.stringify(q.startTime)}`);
  if (q.endTime) args.push(`endTime: ${JSON.stringify(q.endTime)}`);
  return `{ query(${args.join(', ')}) { columns { name type } rows } }`;
}
