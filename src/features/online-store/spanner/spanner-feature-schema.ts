import type { FeatureDtype, FeatureView, ScalarDtype } from '../../spec/feature-manifest';
import { onlineNamespace } from '../online-store';

/**
 * How feature views map to Spanner tables: one table per view VERSION (a changed shape gets a new
 * table, so old rows are never decoded with the new shape), the entity key as primary key, one
 * typed column per feature (queryable with plain SQL by analysts), and the event time.
 */
export const ENTITY_KEY_COLUMN = 'entity_key';
export const EVENT_TIMESTAMP_COLUMN = 'event_timestamp';

/** Materialization watermarks, one row per view version (Feast keeps them in its registry). */
export const MATERIALIZATION_TABLE = 'StratumMaterialization';
export const MATERIALIZATION_COLUMNS = { namespace: 'view_namespace', watermark: 'watermark', updatedAt: 'updated_at' } as const;

/** Spanner's identifier length limit. */
const MAX_IDENTIFIER = 128;

/** Column types by scalar dtype. Int32/Float32 widen losslessly (the codec bounds their values). */
const SCALAR_TYPES: Record<ScalarDtype, string> = {
  Int32: 'INT64',
  Int64: 'INT64',
  Float32: 'FLOAT64',
  Float64: 'FLOAT64',
  String: 'STRING(MAX)',
  Bool: 'BOOL',
  // A real time type, so SQL over the table reads it as a time; epoch seconds at ms precision.
  UnixTimestamp: 'TIMESTAMP',
  Bytes: 'BYTES(MAX)',
};

/** `user_features@v1` → `fv_user_features_v1`: the namespace made a Spanner identifier. */
export function featureTableName(view: Pick<FeatureView, 'name' | 'version'>): string {
  const name = `fv_${onlineNamespace(view).replace(/[^A-Za-z0-9_]/g, '_')}`;
  if (name.length > MAX_IDENTIFIER) {
    throw new Error(`Feature view '${view.name}' gives the Spanner table name '${name}', longer than ${MAX_IDENTIFIER} characters. Shorten the view's name.`);
  }
  return name;
}

export function spannerColumnType(dtype: FeatureDtype): string {
  const element = /^Array\((\w+)\)$/.exec(dtype)?.[1] as ScalarDtype | undefined;
  return element === undefined ? SCALAR_TYPES[dtype as ScalarDtype] : `ARRAY<${SCALAR_TYPES[element]}>`;
}

/** The columns of a view's table, in table order: name → Spanner type. */
export function featureTableColumns(view: FeatureView): Map<string, string> {
  const columns = new Map<string, string>([[ENTITY_KEY_COLUMN, 'STRING(MAX)']]);
  for (const feature of view.features) {
    // Spanner column names are case-insensitive: compare lower-cased.
    const clash = [ENTITY_KEY_COLUMN, EVENT_TIMESTAMP_COLUMN].find((c) => c === feature.name.toLowerCase());
    if (clash !== undefined) {
      throw new Error(`Feature view '${view.name}': feature '${feature.name}' has the name of the Spanner table's ${clash} column. Rename the feature.`);
    }
    columns.set(feature.name, spannerColumnType(feature.dtype));
  }
  columns.set(EVENT_TIMESTAMP_COLUMN, 'TIMESTAMP');
  return columns;
}

/** The CREATE TABLE of one view version. Identifiers are quoted: features may be named like keywords (`by`, `as`). */
export function featureTableDdl(view: FeatureView): string {
  const columns = [...featureTableColumns(view)].map(([name, type]) => {
    const notNull = name === ENTITY_KEY_COLUMN || name === EVENT_TIMESTAMP_COLUMN ? ' NOT NULL' : '';
    return `  ${quoteIdentifier(name)} ${type}${notNull}`;
  });
  return `CREATE TABLE ${quoteIdentifier(featureTableName(view))} (\n${columns.join(',\n')}\n) PRIMARY KEY (${quoteIdentifier(ENTITY_KEY_COLUMN)})`;
}

export const MATERIALIZATION_TABLE_DDL =
  `CREATE TABLE ${MATERIALIZATION_TABLE} (\n` +
  `  ${MATERIALIZATION_COLUMNS.namespace} STRING(MAX) NOT NULL,\n` +
  `  ${MATERIALIZATION_COLUMNS.watermark} TIMESTAMP NOT NULL,\n` +
  `  ${MATERIALIZATION_COLUMNS.updatedAt} TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true)\n` +
  `) PRIMARY KEY (${MATERIALIZATION_COLUMNS.namespace})`;

export function quoteIdentifier(name: string): string {
  return `\`${name}\``;
}
