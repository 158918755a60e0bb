import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError } from '../../errors';
import type { PercentileKind } from '../dialect';
import type { SelectNode, SqlExpr } from '../sql-node';
import { DIALECTS, dialectByName } from './index';

const PERCENTILE_KINDS: PercentileKind[] = ['continuous', 'discrete', 'approximate_continuous', 'approximate_discrete'];
const FLAGS: Record<PercentileKind, { discrete: boolean; approximate: boolean }> = {
  continuous: { discrete: false, approximate: false },
  discrete: { discrete: true, approximate: false },
  approximate_continuous: { discrete: false, approximate: true },
  approximate_discrete: { discrete: true, approximate: true },
};

/**
 * Percentiles to render: the literal DuckDB gets, and the [k, n] of BigQuery's APPROX_QUANTILES(x, n)[OFFSET(k)],
 * taken from Python's `Fraction(p).limit_denominator()` (what MetricFlow calls), not from our port of it.
 */
const FRACTIONS: { p: number; text: string; quantile: [number, number] }[] = [
  { p: 0.5, text: '0.5', quantile: [1, 2] },
  { p: 0.9, text: '0.9', quantile: [9, 10] },
  { p: 0.95, text: '0.95', quantile: [19, 20] },
  { p: 0.99, text: '0.99', quantile: [99, 100] },
  { p: 0.999, text: '0.999', quantile: [999, 1000] },
  { p: 0.25, text: '0.25', quantile: [1, 4] },
  { p: 1 / 3, text: '0.3333333333333333', quantile: [1, 3] },
  { p: 0.123456789, text: '0.123456789', quantile: [10, 81] },
  { p: 0.0001, text: '0.0001', quantile: [1, 10000] },
];

type PercentileSpelling = (arg: string, f: (typeof FRACTIONS)[number]) => string;

/** What each registered dialect must spell; a new dialect fails the first test until it is described here. */
const EXPECTED: Record<string, {
  quote: (name: string) => string;
  placeholder: (name: string) => string;
  table: string;
  truncDate: (grain: string, arg: string) => string;
  truncTimestamp: (grain: string, arg: string) => string;
  /** A TIMESTAMP column at a day-or-coarser grain: a DATE. */
  truncTimestampToDate: (grain: string, arg: string) => string;
  extract: Record<string, (arg: string) => string>;
  /** Each percentile kind as an aggregate, or null where the warehouse has none (the engine refuses it). */
  percentile: Record<PercentileKind, PercentileSpelling | null>;
  /** `arg` moved back by n grains, keeping its type (DATE / TIMESTAMP). */
  dateSub: (n: number, grain: string, arg: string, type: 'DATE' | 'TIMESTAMP') => string;
  uuid: string;
}> = {
  duckdb: {
    quote: (n) => `"${n.replace(/"/g, '""')}"`,
    placeholder: (n) => `$${n}`,
    table: '"marts"."fact_orders" AS "o"',
    truncDate: (g, a) => `CAST(DATE_TRUNC('${g}', ${a}) AS DATE)`,
    truncTimestamp: (g, a) => `DATE_TRUNC('${g}', ${a})`,
    truncTimestampToDate: (g, a) => (g === 'day' ? `CAST(${a} AS DATE)` : `CAST(DATE_TRUNC('${g}', ${a}) AS DATE)`),
    extract: {
      dow: (a) => `EXTRACT(isodow FROM ${a})`,
      doy: (a) => `EXTRACT(doy FROM ${a})`,
      week: (a) => `EXTRACT(week FROM ${a})`,
      month: (a) => `EXTRACT(month FROM ${a})`,
    },
    // DuckDB docs: ordered-set PERCENTILE_CONT/DISC, and APPROX_QUANTILE(x, pos) (T-Digest).
    percentile: {
      continuous: (a, f) => `PERCENTILE_CONT(${f.text}) WITHIN GROUP (ORDER BY CAST(${a} AS DOUBLE))`,
      discrete: (a, f) => `PERCENTILE_DISC(${f.text}) WITHIN GROUP (ORDER BY ${a})`,
      approximate_continuous: (a, f) => `APPROX_QUANTILE(CAST(${a} AS DOUBLE), ${f.text})`,
      approximate_discrete: null,
    },
    // DATE - INTERVAL is a TIMESTAMP in DuckDB; a DATE stays a DATE.
    dateSub: (n, g, a, t) => (t === 'DATE' ? `CAST(${a} - INTERVAL ${n} ${g.toUpperCase()} AS DATE)` : `${a} - INTERVAL ${n} ${g.toUpperCase()}`),
    uuid: 'gen_random_uuid()',
  },
  bigquery: {
    quote: (n) => `\`${n.replace(/[`\\]/g, (c) => `\\${c}`)}\``,
    placeholder: (n) => `@${n}`,
    table: '`proj`.`marts`.`fact_orders` AS `o`',
    truncDate: (g, a) => (g === 'day' ? a : `DATE_TRUNC(${a}, ${g === 'week' ? 'ISOWEEK' : g.toUpperCase()})`),
    truncTimestamp: (g, a) => `TIMESTAMP_TRUNC(${a}, ${g === 'week' ? 'ISOWEEK' : g.toUpperCase()})`,
    truncTimestampToDate: (g, a) => (g === 'day' ? `DATE(${a})` : `DATE_TRUNC(DATE(${a}), ${g === 'week' ? 'ISOWEEK' : g.toUpperCase()})`),
    extract: {
      dow: (a) => `MOD(EXTRACT(DAYOFWEEK FROM ${a}) + 5, 7) + 1`,
      doy: (a) => `EXTRACT(DAYOFYEAR FROM ${a})`,
      week: (a) => `EXTRACT(ISOWEEK FROM ${a})`,
      month: (a) => `EXTRACT(MONTH FROM ${a})`,
    },
    // BigQuery docs: APPROX_QUANTILES(expression, number) returns number + 1 boundaries, the minimum first;
    // PERCENTILE_CONT/DISC are navigation (window) functions, which a GROUP BY cannot use.
    percentile: {
      continuous: null,
      discrete: null,
      approximate_continuous: (a, f) => `APPROX_QUANTILES(${a}, ${f.quantile[1]})[OFFSET(${f.quantile[0]})]`,
      approximate_discrete: null,
    },
    // BigQuery docs: DATE_SUB takes DAY…YEAR; TIMESTAMP_SUB only DAY and finer (weeks as days, months via DATETIME).
    dateSub: (n, g, a, t) =>
      t === 'DATE'
        ? `DATE_SUB(${a}, INTERVAL ${n} ${g.toUpperCase()})`
        : g === 'week'
          ? `TIMESTAMP_SUB(${a}, INTERVAL ${7 * n} DAY)`
          : ['month', 'quarter', 'year'].includes(g)
            ? `TIMESTAMP(DATETIME_SUB(DATETIME(${a}), INTERVAL ${n} ${g.toUpperCase()}))`
            : `TIMESTAMP_SUB(${a}, INTERVAL ${n} ${g.toUpperCase()})`,
    uuid: 'GENERATE_UUID()',
  },
};

const WEIRD = ['plain', 'with space', 'dq"inside', 'bt`inside', 'back\\slash', "sq'inside", 'a"`\\mix'];

function select(columns: { expr: SqlExpr; alias: string }[], extra: Partial<SelectNode> = {}): SelectNode {
  return { columns, from: { k: 'table', relation: { alias: 'fact_orders', schema_name: 'marts', database: 'proj' }, alias: 'o' }, ...extra };
}

/** The text between SELECT and FROM, one column per line, without the indentation. */
function columnLines(sql: string): string[] {
  const lines = sql.split('\n');
  return lines.slice(1, lines.findIndex((l) => l.startsWith('FROM'))).map((l) => l.trim().replace(/,$/, ''));
}

describe('SQL dialects', () => {
  it('every registered dialect is described here, and is found by name (case-insensitively)', () => {
    assert.deepEqual(DIALECTS.map((d) => d.name).sort(), Object.keys(EXPECTED).sort());
    for (const d of DIALECTS) assert.equal(dialectByName(d.name.toUpperCase()), d);
    assert.throws(() => dialectByName('oracle'), (e: unknown) => e instanceof SemanticError && e.code === 'UNKNOWN_DIALECT' && /duckdb/.test(e.message));
  });

  for (const dialect of DIALECTS) {
    const want = EXPECTED[dialect.name]!;
    describe(dialect.name, () => {
      it('quotes identifiers, escaping quote characters inside names', () => {
        const { sql } = dialect.createRenderer().render(select(WEIRD.map((name) => ({ expr: { k: 'column', table: 't', name }, alias: name }))));
        assert.deepEqual(
          columnLines(sql),
          WEIRD.map((n) => `${want.quote('t')}.${want.quote(n)} AS ${want.quote(n)}`),
        );
      });

      it('renders the table with its schema (and project where the dialect uses one)', () => {
        const { sql } = dialect.createRenderer().render(select([{ expr: { k: 'star' }, alias: 'x' }]));
        assert.ok(sql.includes(`FROM ${want.table}`), sql);
      });

      it('turns every value into a named parameter, numbered in order, and resets between renders', () => {
        const values = ["x'; DROP TABLE t; --", 42, true, 'second'];
        const node = select([{ expr: { k: 'star' }, alias: 'x' }], {
          where: { k: 'in', arg: { k: 'column', name: 'c' }, list: values.map((value) => ({ k: 'param', value }) as SqlExpr), negated: false },
          limit: { k: 'param', value: 5 },
        });
        const renderer = dialect.createRenderer();
        const first = renderer.render(node);
        assert.deepEqual(first.parameters, { p0: values[0], p1: 42, p2: true, p3: 'second', p4: 5 });
        assert.ok(first.sql.includes(`IN (${['p0', 'p1', 'p2', 'p3'].map(want.placeholder).join(', ')})`), first.sql);
        assert.ok(first.sql.endsWith(`LIMIT ${want.placeholder('p4')}`), first.sql);
        assert.ok(!first.sql.includes('DROP') && !first.sql.includes('42') && !first.sql.includes('second'), first.sql);
        assert.deepEqual(renderer.render(node), first, 'a second render starts from p0 again');
      });

      it('spells date truncation per value type, and date parts (ISO day of week)', () => {
        const arg: SqlExpr = { k: 'column', name: 'd' };
        const a = want.quote('d');
        const grains = ['day', 'week', 'month', 'quarter', 'year'];
        const { sql } = dialect.createRenderer().render(
          select([
            ...grains.map((grain) => ({ expr: { k: 'dateTrunc', grain, arg, from: 'DATE', to: 'DATE' } as SqlExpr, alias: `d_${grain}` })),
            ...grains.map((grain) => ({ expr: { k: 'dateTrunc', grain, arg, from: 'TIMESTAMP', to: 'TIMESTAMP' } as SqlExpr, alias: `t_${grain}` })),
            ...grains.map((grain) => ({ expr: { k: 'dateTrunc', grain, arg, from: 'TIMESTAMP', to: 'DATE' } as SqlExpr, alias: `td_${grain}` })),
            ...Object.keys(want.extract).map((part) => ({ expr: { k: 'extract', part, arg } as SqlExpr, alias: `x_${part}` })),
          ]),
        );
        assert.deepEqual(columnLines(sql), [
          ...grains.map((g) => `${want.truncDate(g, a)} AS ${want.quote(`d_${g}`)}`),
          ...grains.map((g) => `${want.truncTimestamp(g, a)} AS ${want.quote(`t_${g}`)}`),
          ...grains.map((g) => `${want.truncTimestampToDate(g, a)} AS ${want.quote(`td_${g}`)}`),
          ...Object.entries(want.extract).map(([part, spell]) => `${spell(a)} AS ${want.quote(`x_${part}`)}`),
        ]);
      });

      it('declares the percentile kinds it renders, and spells each as its warehouse documents', () => {
        const supported = PERCENTILE_KINDS.filter((k) => want.percentile[k] !== null);
        assert.deepEqual([...dialect.capabilities.percentileKinds].sort(), supported.sort());
        const arg: SqlExpr = { k: 'column', table: 'm', name: 'order value' };
        const a = `${want.quote('m')}.${want.quote('order value')}`;
        for (const kind of supported) {
          const { sql, parameters } = dialect.createRenderer().render(
            select(FRACTIONS.map((f, i) => ({ expr: { k: 'percentile', arg, fraction: f.p, ...FLAGS[kind] } as SqlExpr, alias: `p${i}` }))),
          );
          assert.deepEqual(
            columnLines(sql),
            FRACTIONS.map((f, i) => `${want.percentile[kind]!(a, f)} AS ${want.quote(`p${i}`)}`),
            kind,
          );
          assert.deepEqual(parameters, {}, 'a percentile is a constant of the definitions, not a parameter');
        }
      });

      it('refuses the percentile kinds it cannot compute, naming the kind, the warehouse and what works there', () => {
        const kinds = PERCENTILE_KINDS.filter((k) => want.percentile[k] === null);
        for (const kind of kinds) {
          const node = select([{ expr: { k: 'percentile', arg: { k: 'column', name: 'x' }, fraction: 0.9, ...FLAGS[kind] }, alias: 'p' }]);
          assert.throws(
            () => dialect.createRenderer().render(node),
            (e: unknown) => {
              assert.ok(e instanceof SemanticError && e.code === 'UNSUPPORTED', String(e));
              assert.ok(e.message.includes(kind.replace('_', ' ')) && e.message.includes(`which ${dialect.name} cannot`), e.message);
              for (const ok of dialect.capabilities.percentileKinds) {
                const flag = FLAGS[ok].approximate ? 'use_approximate_percentile: true' : FLAGS[ok].discrete ? 'use_discrete_percentile: true' : 'neither';
                assert.ok(e.message.includes(flag), `${e.message} should offer ${ok}`);
              }
              return true;
            },
          );
        }
      });

      it('keeps an impossible percentile out of the SQL', () => {
        const kind = dialect.capabilities.percentileKinds[0]!;
        for (const fraction of [0, 1, 1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
          const node = select([{ expr: { k: 'percentile', arg: { k: 'column', name: 'x' }, fraction, ...FLAGS[kind] }, alias: 'p' }]);
          assert.throws(() => dialect.createRenderer().render(node), (e: unknown) => e instanceof SemanticError && e.code === 'INVALID_DEFINITION');
        }
      });

      it('moves dates and timestamps by intervals, keeping their type', () => {
        const arg: SqlExpr = { k: 'column', name: 'd' };
        const a = want.quote('d');
        const cases = (['DATE', 'TIMESTAMP'] as const).flatMap((type) =>
          ['hour', 'day', 'week', 'month', 'quarter', 'year'].filter((g) => type === 'TIMESTAMP' || g !== 'hour').map((grain) => ({ type, grain, n: 3 })),
        );
        const { sql } = dialect.createRenderer().render(
          select(cases.map((c, i) => ({ expr: { k: 'dateAdd', arg, count: -c.n, grain: c.grain, type: c.type } as SqlExpr, alias: `c${i}` }))),
        );
        assert.deepEqual(columnLines(sql), cases.map((c, i) => `${want.dateSub(c.n, c.grain, a, c.type)} AS ${want.quote(`c${i}`)}`));
        assert.throws(() => dialect.createRenderer().render(select([{ expr: { k: 'dateAdd', arg, count: 1.5, grain: 'day', type: 'DATE' }, alias: 'x' }])), /invalid interval/);
      });

      it('renders window functions over the whole partition, DISTINCT and a fresh id per row', () => {
        const c = (name: string): SqlExpr => ({ k: 'column', table: 't', name });
        const { sql } = dialect.createRenderer().render(
          select(
            [
              { expr: { k: 'window', fn: 'FIRST_VALUE', arg: c('v'), partitionBy: [c('p')], orderBy: [{ expr: c('d'), desc: true }], frame: 'all' }, alias: 'first' },
              { expr: { k: 'window', fn: 'MAX', arg: c('d'), partitionBy: [c('p'), c('q')] }, alias: 'latest' },
              { expr: { k: 'window', fn: 'SUM', arg: c('v'), partitionBy: [c('p')], orderBy: [{ expr: c('d'), desc: false }], frame: 'running' }, alias: 'running' },
              { expr: { k: 'window', fn: 'MAX', arg: c('d'), partitionBy: [c('p')], orderBy: [{ expr: c('d'), desc: false }], frame: 'preceding' }, alias: 'before' },
              { expr: { k: 'uuid' }, alias: 'id' },
            ],
            { distinct: true },
          ),
        );
        const [t, v, p, q, d] = ['t', 'v', 'p', 'q', 'd'].map(want.quote);
        assert.ok(sql.startsWith('SELECT DISTINCT\n'), sql);
        assert.deepEqual(columnLines(sql), [
          `FIRST_VALUE(${t}.${v}) OVER (PARTITION BY ${t}.${p} ORDER BY ${t}.${d} DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS ${want.quote('first')}`,
          `MAX(${t}.${d}) OVER (PARTITION BY ${t}.${p}, ${t}.${q}) AS ${want.quote('latest')}`,
          `SUM(${t}.${v}) OVER (PARTITION BY ${t}.${p} ORDER BY ${t}.${d} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${want.quote('running')}`,
          `MAX(${t}.${d}) OVER (PARTITION BY ${t}.${p} ORDER BY ${t}.${d} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS ${want.quote('before')}`,
          `${want.uuid} AS ${want.quote('id')}`,
        ]);
      });

      it('renders HAVING after GROUP BY, and UNION ALL of further SELECTs', () => {
        const c = (name: string): SqlExpr => ({ k: 'column', name });
        const part = (value: number): SelectNode => select([{ expr: c('a'), alias: 'a' }, { expr: { k: 'param', value }, alias: 'n' }]);
        const grouped = select([{ expr: { k: 'aggregate', fn: 'SUM', arg: c('n') }, alias: 'total' }], {
          groupBy: [c('a')],
          having: { k: 'binary', op: '>', left: { k: 'aggregate', fn: 'SUM', arg: c('n') }, right: { k: 'definition', sql: '0' } },
        });
        const { sql } = dialect.createRenderer().render({ ...grouped, unionAll: [part(1), part(-1)] });
        const [a, n] = ['a', 'n'].map(want.quote);
        const lines = sql.split('\n');
        assert.deepEqual(lines.filter((l) => /^(GROUP BY|HAVING|UNION ALL|SELECT)/.test(l)), [
          'SELECT',
          `GROUP BY ${a}`,
          `HAVING SUM(${n}) > 0`,
          'UNION ALL',
          'SELECT',
          'UNION ALL',
          'SELECT',
        ]);
      });

      it('keeps operator precedence with parentheses only where needed', () => {
        const c = (name: string): SqlExpr => ({ k: 'column', name });
        const p = (value: number): SqlExpr => ({ k: 'param', value });
        const where: SqlExpr = {
          k: 'and',
          args: [
            { k: 'or', args: [{ k: 'binary', op: '=', left: c('a'), right: p(1) }, { k: 'not', arg: { k: 'isNull', arg: c('b'), negated: false } }] },
            { k: 'binary', op: '>', left: { k: 'binary', op: '*', left: { k: 'binary', op: '+', left: c('x'), right: p(2) }, right: p(3) }, right: p(4) },
          ],
        };
        const { sql } = dialect.createRenderer().render(select([{ expr: { k: 'star' }, alias: 'x' }], { where }));
        const [a, b, x] = ['a', 'b', 'x'].map(want.quote);
        const [p0, p1, p2, p3] = ['p0', 'p1', 'p2', 'p3'].map(want.placeholder);
        assert.ok(sql.endsWith(`WHERE (${a} = ${p0} OR NOT ${b} IS NULL) AND (${x} + ${p1}) * ${p2} > ${p3}`), sql);
      });
    });
  }
});
