/**
 * Golden SQL (Kysely's testSql habit): every named query compiled for every registered dialect must match
 * test/golden/<query>.<dialect>.sql exactly, SQL text and parameters. `UPDATE_GOLDEN=1` rewrites the files;
 * review the diff before keeping it: a golden is only as good as the review it got.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS, SemanticEngine, type MetricQueryInput } from '../../../src/semantic';
import { repoPath } from '../../support/demo-db';
import { ENGINE_QUERIES } from './engine-queries';

const GOLDEN_DIR = repoPath('test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const QUERY_PREFIX = '-- query: ';
const PARAMS_PREFIX = '-- parameters: ';

interface Golden {
  query: string;
  parameters: unknown;
  sql: string;
}

function render(input: MetricQueryInput, parameters: unknown, sql: string): string {
  return `${QUERY_PREFIX}${JSON.stringify(input)}\n${PARAMS_PREFIX}${JSON.stringify(parameters)}\n${sql}\n`;
}

function parse(text: string, file: string): Golden {
  const [query, params, ...rest] = text.split('\n');
  assert.ok(query?.startsWith(QUERY_PREFIX) && params?.startsWith(PARAMS_PREFIX), `${file}: expected the query and parameters header lines`);
  return {
    query: query.slice(QUERY_PREFIX.length),
    parameters: JSON.parse(params.slice(PARAMS_PREFIX.length)),
    sql: rest.join('\n').replace(/\n$/, ''),
  };
}

/**
 * The values a caller wrote in the query: string and number literals of the where filters (outside
 * `{{ }}`), the limit, and the time bounds. None may appear in SQL text.
 */
function callerLiterals(input: MetricQueryInput): { strings: string[]; numbers: number[] } {
  const strings: string[] = [];
  const numbers: number[] = [];
  for (const w of input.where ?? []) {
    const text = (typeof w === 'string' ? w : w.sql).replace(/\{\{.*?\}\}/g, ' ');
    const quoted = /'((?:[^']|'')*)'/g;
    for (const m of text.matchAll(quoted)) strings.push(m[1]!.replace(/''/g, "'"));
    for (const m of text.replace(quoted, ' ').matchAll(/\b\d+(?:\.\d+)?\b/g)) numbers.push(Number(m[0]));
  }
  if (typeof input.limit === 'number') numbers.push(input.limit);
  for (const t of [input.startTime, input.endTime]) if (t) strings.push(t);
  return { strings, numbers };
}

function assertNoInlinedLiterals(input: MetricQueryInput, sql: string, parameters: Record<string, unknown>, where: string): void {
  const { strings, numbers } = callerLiterals(input);
  const values = Object.values(parameters);
  for (const s of strings) {
    assert.ok(!sql.includes(s), `${where}: the literal '${s}' appears in the SQL text`);
  }
  for (const n of numbers) {
    assert.ok(!new RegExp(`(?<![\\w$@.])${n}(?![\\w.])`).test(sql), `${where}: the number ${n} appears in the SQL text`);
    assert.ok(values.includes(n), `${where}: the number ${n} is not among the parameters ${JSON.stringify(parameters)}`);
  }
  for (const s of strings.filter((x) => !/^\d{4}-\d{2}-\d{2}/.test(x))) {
    // Time bounds are aligned and reformatted; every other string travels as given.
    assert.ok(values.includes(s), `${where}: '${s}' is not among the parameters ${JSON.stringify(parameters)}`);
  }
}

describe('golden SQL', () => {
  const engine = SemanticEngine.load(repoPath('semantic-layer'));
  if (UPDATE) mkdirSync(GOLDEN_DIR, { recursive: true });

  it('has unique query names and no stale golden files', () => {
    const names = ENGINE_QUERIES.map((q) => q.name);
    assert.equal(new Set(names).size, names.length);
    const expected = new Set(ENGINE_QUERIES.flatMap((q) => DIALECTS.map((d) => `${q.name}.${d.name}.sql`)));
    const stale = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).filter((f) => !expected.has(f)) : [];
    assert.deepEqual(stale, [], 'golden files with no query: delete them');
  });

  for (const dialect of DIALECTS) {
    describe(dialect.name, () => {
      for (const q of ENGINE_QUERIES) {
        it(`${q.name}: ${q.covers}`, () => {
          const compiled = engine.compile(q.input, dialect.name);
          assert.equal(compiled.dialect, dialect.name);
          assertNoInlinedLiterals(q.input, compiled.sql, compiled.parameters, q.name);

          const file = join(GOLDEN_DIR, `${q.name}.${dialect.name}.sql`);
          if (UPDATE) writeFileSync(file, render(q.input, compiled.parameters, compiled.sql));
          assert.ok(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
          const golden = parse(readFileSync(file, 'utf8'), file);
          assert.equal(golden.query, JSON.stringify(q.input), `${file} was written for another query: regenerate it`);
          assert.equal(compiled.sql, golden.sql);
          assert.deepEqual(compiled.parameters, golden.parameters);
        });
      }
    });
  }

  it('compiles the same query to the same SQL every time (no hidden state between compiles)', () => {
    for (const dialect of DIALECTS) {
      for (const q of ENGINE_QUERIES) {
        const a = engine.compile(q.input, dialect.name);
        const b = engine.compile(q.input, dialect.name);
        assert.deepEqual(b, a, `${q.name} (${dialect.name})`);
      }
    }
  });
});
