import type { Database } from '@google-cloud/spanner';
import type { SpannerStoreSettings } from '../../../config/serving-config';
import type { FeatureView } from '../../spec/feature-manifest';
import { USER_DATA_SCHEMA } from '../../users/spanner/spanner-user-data-schema';
import { onlineNamespace } from '../online-store';
import { openSpannerConnection } from './spanner-client';
import { featureTableColumns, featureTableDdl, featureTableName, MATERIALIZATION_TABLE, MATERIALIZATION_TABLE_DDL } from './spanner-feature-schema';

/** One object of Stratum's Spanner schema and the DDL creating it. */
export interface SpannerSchemaObject {
  kind: 'table' | 'index';
  name: string;
  ddl: string;
  /** Feature tables: the expected columns (name → type), checked against an existing table. */
  columns?: Map<string, string>;
  /** Feature tables: the view version it holds, for error messages. */
  view?: string;
}

export interface SpannerMigrationResult {
  /** Statements applied by this run, in order (empty when the schema was already complete). */
  applied: string[];
  /** Objects that already existed and were left alone. */
  existing: string[];
}

/**
 * Everything `stratum spanner migrate` manages: the watermark table, one table per given feature
 * view version, and the user-data tables. The caller passes the views served from Spanner.
 */
export function spannerSchemaStatements(views: readonly FeatureView[]): SpannerSchemaObject[] {
  const featureTables = views.map((view): SpannerSchemaObject => ({
    kind: 'table',
    name: featureTableName(view),
    ddl: featureTableDdl(view),
    columns: featureTableColumns(view),
    view: onlineNamespace(view),
  }));
  return [{ kind: 'table', name: MATERIALIZATION_TABLE, ddl: MATERIALIZATION_TABLE_DDL }, ...featureTables, ...USER_DATA_SCHEMA];
}

/**
 * Applies the missing part of the schema, as one schema update; running it again is a no-op.
 * An existing feature table whose columns differ from its view is an error, not a silent
 * ALTER: a view whose features changed must get a new version (and so a new table).
 * Never called on the request path (schema changes take seconds to minutes on Spanner).
 */
export async function applySpannerSchema(database: Database, views: readonly FeatureView[]): Promise<SpannerMigrationResult> {
  const wanted = spannerSchemaStatements(views);
  const existing = await existingSchema(database);
  const problems: string[] = [];
  const missing: SpannerSchemaObject[] = [];
  const present: string[] = [];
  for (const object of wanted) {
    const found = object.kind === 'table' ? existing.tables.get(object.name.toLowerCase()) : existing.indexes.has(object.name.toLowerCase());
    if (!found) {
      missing.push(object);
      continue;
    }
    present.push(object.name);
    if (object.columns !== undefined && found instanceof Map) problems.push(...columnDrift(object, found));
  }
  if (problems.length > 0) {
    throw new Error(
      `The Spanner schema does not match the feature views (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix: bump the `version` of each view whose features changed (a new version gets a new table), then run `stratum spanner migrate` again.',
    );
  }
  const statements = missing.map((m) => m.ddl);
  if (statements.length > 0) {
    const [operation] = await database.updateSchema(statements);
    await operation.promise();
  }
  return { applied: statements, existing: present };
}

/** `applySpannerSchema` with a client of its own, for the CLI. */
export async function migrateSpanner(settings: SpannerStoreSettings, views: readonly FeatureView[]): Promise<SpannerMigrationResult> {
  const connection = openSpannerConnection(settings);
  try {
    return await applySpannerSchema(connection.database, views);
  } finally {
    await connection.close();
  }
}

interface ExistingSchema {
  /** lower-cased table name → lower-cased column name → type. */
  tables: Map<string, Map<string, string>>;
  indexes: Set<string>;
}

async function existingSchema(database: Database): Promise<ExistingSchema> {
  const [columns] = await database.run({
    sql: "SELECT table_name, column_name, spanner_type FROM information_schema.columns WHERE table_schema = ''",
    json: true,
  });
  const [indexes] = await database.run({
    sql: "SELECT index_name FROM information_schema.indexes WHERE table_schema = '' AND index_type = 'INDEX'",
    json: true,
  });
  const tables = new Map<string, Map<string, string>>();
  for (const row of columns as { table_name: string; column_name: string; spanner_type: string }[]) {
    const table = row.table_name.toLowerCase();
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table)!.set(row.column_name.toLowerCase(), normalizeType(row.spanner_type));
  }
  return { tables, indexes: new Set((indexes as { index_name: string }[]).map((r) => r.index_name.toLowerCase())) };
}

function columnDrift(object: SpannerSchemaObject, found: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, type] of object.columns!) {
    const actual = found.get(name.toLowerCase());
    if (actual === undefined) problems.push(`table ${object.name} (${object.view}) has no column ${name} (${type})`);
    else if (actual !== normalizeType(type)) problems.push(`table ${object.name} (${object.view}): column ${name} is ${actual}, the view wants ${type}`);
  }
  const wantedNames = new Set([...object.columns!.keys()].map((n) => n.toLowerCase()));
  for (const name of found.keys()) {
    if (!wantedNames.has(name)) problems.push(`table ${object.name} (${object.view}) has column ${name}, which the view does not declare`);
  }
  return problems;
}

function normalizeType(type: string): string {
  return type.replace(/\s+/g, '').toUpperCase();
}
