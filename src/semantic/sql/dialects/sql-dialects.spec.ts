import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError } from '../../errors';
import type { SelectNode, SqlExpr } from '../sql-node';
import { DIALECTS, dialectByName } from './index';

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
