import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, dialectByName, type SqlDialect } from '../../semantic';
import type { FeatureField } from '../spec/feature-manifest';
import { buildLatestRowsSql, type WarehouseFeatureView } from './latest-rows-sql';
import { MaterializationError } from './materialization-error';

function view(source: WarehouseFeatureView['source'], features: FeatureField[] = [{ name: 'country', dtype: 'String' }, { name: 'sessions', dtype: 'Int64' }]): WarehouseFeatureView {
  return {
    name: 'user_profile', entities: ['user'], joinKeys: ['user_id'], features, source, timestampField: 'updated_at',
    ttlSeconds: 86_400, onlineStore: 'embedded', version: 1, tags: {},
  };
}

const TABLE = view({ kind: 'table', table: 'marts.dim_users' });
const START = new Date('2024-03-01T00:00:00Z');
const END = new Date('2024-04-01T12:30:00.250Z');

/** What each registered dialect must produce; a new dialect fails the loop below until it is described here. */
const EXPECTED: Record<string, { table: string; placeholders: [string, string] }> = {
  duckdb: {
    table: `SELECT "user_id", "country", "sessions", "updated_at"
FROM "marts"."dim_users" AS "s"
WHERE "updated_at" >= CAST($window_start AS TIMESTAMP)
  AND "updated_at" < CAST($window_end AS TIMESTAMP)
  AND "user_id" IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY "user_id" ORDER BY "updated_at" DESC, "country", "sessions") = 1`,
    placeholders: ['$window_start', '$window_end'],
  },
  bigquery: {
    table: `SELECT \`user_id\`, \`country\`, \`sessions\`, \`updated_at\`
FROM \`marts\`.\`dim_users\` AS \`s\`
WHERE \`updated_at\` >= CAST(@window_start AS TIMESTAMP)
  AND \`updated_at\` < CAST(@window_end AS TIMESTAMP)
  AND \`user_id\` IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY \`user_id\` ORDER BY \`updated_at\` DESC, \`country\`, \`sessions\`) = 1`,
    placeholders: ['@window_start', '@window_end'],
  },
};

describe('buildLatestRowsSql', () => {
  for (const dialect of DIALECTS) {
    describe(dialect.name, () => {
      const expected = EXPECTED[dialect.name];

      it('is described for this dialect', () => assert.ok(expected, `add ${dialect.name} to EXPECTED`));

      it('reads the latest row per key of a table in [start, end), bounds as parameters', () => {
        const built = buildLatestRowsSql(TABLE, dialect, { start: START, end: END, timestampType: 'TIMESTAMP' });
        assert.equal(built.sql, expected!.table);
        assert.deepEqual(built.parameters, { window_start: '2024-03-01 00:00:00', window_end: '2024-04-01 12:30:00.250' });
        assert.deepEqual(built.columns, ['user_id', 'country', 'sessions', 'updated_at']);
      });

      it('wraps a query source as a subquery, without its trailing semicolon, and casts its timestamp (type unknown)', () => {
        const built = buildLatestRowsSql(view({ kind: 'query', query: '  SELECT * FROM marts.users_x;  \n' }), dialect, { end: END });
        const [start, end] = expected!.placeholders;
        assert.match(built.sql, /FROM \(\nSELECT \* FROM marts\.users_x\n\) AS .s./);
        assert.ok(built.sql.includes(`CAST(${dialect.name === 'bigquery' ? '`updated_at`' : '"updated_at"'} AS TIMESTAMP) < CAST(${end} AS TIMESTAMP)`), built.sql);
        // No start: from the beginning of time, and no parameter for it.
        assert.ok(!built.sql.includes(start), built.sql);
        assert.deepEqual(built.parameters, { window_end: '2024-04-01 12:30:00.250' });
        assert.ok(!built.sql.includes('2024'), 'values never appear in the SQL text');
      });

      it('compares a DATE column with the first date at or after each bound', () => {
        const built = buildLatestRowsSql(TABLE, dialect, { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-10T00:00:01Z'), timestampType: 'DATE' });
        assert.deepEqual(built.parameters, { window_start: '2024-03-01', window_end: '2024-03-11' });
        assert.ok(built.sql.includes(`CAST(${expected!.placeholders[0]} AS DATE)`), built.sql);
      });

      it('quotes identifiers with the dialect, escaping its quote character', () => {
        const odd = { ...TABLE, joinKeys: ['user"id`x'] };
        const built = buildLatestRowsSql(odd, dialect, { end: END });
        assert.ok(built.sql.includes(dialect.name === 'bigquery' ? '`user"id\\`x`' : '"user""id`x"'), built.sql);
      });

      it('leaves array features out of the tie-break (BigQuery cannot order by arrays)', () => {
        const built = buildLatestRowsSql(view(TABLE.source, [{ name: 'tags', dtype: 'Array(String)' }, { name: 'score', dtype: 'Float64' }]), dialect, { end: END });
        assert.match(built.sql, /ORDER BY .updated_at. DESC, .score.\)/);
      });
    });
  }

  it('keeps the table name parts as written (project.dataset.table on BigQuery)', () => {
    const built = buildLatestRowsSql(view({ kind: 'table', table: 'my-proj.marts.users' }), dialectByName('bigquery'), { end: END });
    assert.match(built.sql, /FROM `my-proj`\.`marts`\.`users` AS `s`/);
  });

  it('filters in a subquery on a dialect without QUALIFY', () => {
    const noQualify: SqlDialect = { ...dialectByName('duckdb'), capabilities: { ...dialectByName('duckdb').capabilities, supportsQualify: false } };
    const built = buildLatestRowsSql(TABLE, noQualify, { start: START, end: END, timestampType: 'TIMESTAMP' });
    assert.ok(!built.sql.includes('QUALIFY'));
    assert.equal(
      built.sql,
      `SELECT "user_id", "country", "sessions", "updated_at"
FROM (
  SELECT "user_id", "country", "sessions", "updated_at", ROW_NUMBER() OVER (PARTITION BY "user_id" ORDER BY "updated_at" DESC, "country", "sessions") AS "row_number"
  FROM "marts"."dim_users" AS "s"
  WHERE "updated_at" >= CAST($window_start AS TIMESTAMP)
    AND "updated_at" < CAST($window_end AS TIMESTAMP)
    AND "user_id" IS NOT NULL
) AS "latest"
WHERE "row_number" = 1`,
    );
  });

  it('refuses an empty window and a view keyed by several join keys', () => {
    assert.throws(
      () => buildLatestRowsSql(TABLE, dialectByName('duckdb'), { start: END, end: END }),
      (e: unknown) => e instanceof MaterializationError && e.code === 'INVALID_WINDOW' && /user_profile.*is empty/.test(e.message),
    );
    assert.throws(
      () => buildLatestRowsSql({ ...TABLE, entities: ['user', 'item'], joinKeys: ['user_id', 'item_id'] }, dialectByName('duckdb'), { end: END }),
      (e: unknown) => e instanceof MaterializationError && e.code === 'UNSUPPORTED_VIEW' && /2 join keys \(user_id, item_id\)/.test(e.message),
    );
  });
});
