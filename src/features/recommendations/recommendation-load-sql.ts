import type { DialectSpelling } from '../materialize/dialect-spelling';
import { MAX_ITEMS_PER_LIST } from './recommendation-validation';

/**
 * SQL of `stratum recommendations load`: reading precomputed lists from a warehouse table or query
 * with one row per (user, item) — columns user_id, item_id, score, generated_at and optionally
 * model — a page of users at a time, each user's rows ranked best first and cut to the top 100.
 * Builds text only; the CLI runs it.
 */

/** The columns a source must have; `model` is optional. */
export const REQUIRED_SOURCE_COLUMNS = ['user_id', 'item_id', 'score', 'generated_at'] as const;
export const OPTIONAL_MODEL_COLUMN = 'model';

/** `table`, `schema.table` or `project.dataset.table`; hyphens allowed (BigQuery project ids). */
export const TABLE_NAME_PATTERN = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){0,2}$/;

export type RecommendationSource = { kind: 'table'; name: string } | { kind: 'query'; sql: string };

/** The source as a FROM item: a table name checked against TABLE_NAME_PATTERN and quoted part by part, or a query in parentheses. */
export function sourceRelation(source: RecommendationSource, spelling: DialectSpelling): string {
  // On lines of their own: a query ending in a -- comment must not swallow the closing parenthesis.
  if (source.kind === 'query') return `(\n${stripTrailingSemicolons(source.sql)}\n)`;
  if (!TABLE_NAME_PATTERN.test(source.name)) throw new Error(`'${source.name}' is not a table name`);
  return source.name.split('.').map((part) => spelling.quote(part)).join('.');
}

/** No rows, only the source's column names (LIMIT 0 scans nothing, on BigQuery too). */
export function sourceColumnsSql(source: RecommendationSource, spelling: DialectSpelling): string {
  return `SELECT * FROM ${sourceRelation(source, spelling)} AS source LIMIT 0`;
}

/** One row: distinct users, rows, and rows missing a required value (which would make invalid lists). */
export function sourceProfileSql(source: RecommendationSource, spelling: DialectSpelling): string {
  const text = spelling.castType('STRING');
  return `SELECT COUNT(DISTINCT CAST(user_id AS ${text})) AS users, COUNT(*) AS row_count,
       SUM(CASE WHEN user_id IS NULL OR item_id IS NULL OR score IS NULL OR generated_at IS NULL THEN 1 ELSE 0 END) AS incomplete
FROM ${sourceRelation(source, spelling)} AS source`;
}

export interface PageOptions {
  /** Whether the source has a model column (else every list has none). */
  hasModel: boolean;
  /** Users per page. */
  pageUsers: number;
  /** Continue after this user id (keyset paging); absent for the first page. */
  afterParameter?: string;
}

/**
 * One page: the next `pageUsers` users in user-id order, each user's items best first (score
 * descending, item id for ties), duplicates of an item reduced to its best score, at most 100 per
 * user. Rows come ordered by user, then rank. `afterParameter` names the parameter holding the last
 * user id of the previous page.
 */
export function recommendationPageSql(source: RecommendationSource, spelling: DialectSpelling, options: PageOptions): string {
  const text = spelling.castType('STRING');
  const double = spelling.castType('FLOAT');
  const model = options.hasModel ? `CAST(${OPTIONAL_MODEL_COLUMN} AS ${text})` : `CAST(NULL AS ${text})`;
  const after = options.afterParameter === undefined ? '' : ` AND user_id > ${spelling.placeholder(options.afterParameter)}`;
  return `WITH typed AS (
  SELECT CAST(user_id AS ${text}) AS user_id, CAST(item_id AS ${text}) AS item_id, CAST(score AS ${double}) AS score,
         CAST(generated_at AS ${spelling.castType('TIMESTAMP')}) AS generated_at, ${model} AS model
  FROM ${sourceRelation(source, spelling)} AS source
  WHERE user_id IS NOT NULL AND item_id IS NOT NULL
),
page_users AS (
  SELECT DISTINCT user_id FROM typed WHERE TRUE${after} ORDER BY user_id LIMIT ${Math.floor(options.pageUsers)}
),
deduplicated AS (
  SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.user_id, t.item_id ORDER BY t.score DESC, t.generated_at DESC) AS copy
  FROM typed AS t JOIN page_users AS p ON p.user_id = t.user_id
),
ranked AS (
  SELECT user_id, item_id, score, generated_at, model, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY score DESC, item_id) AS item_rank
  FROM deduplicated WHERE copy = 1
)
SELECT user_id, item_id, score, generated_at, model FROM ranked WHERE item_rank <= ${MAX_ITEMS_PER_LIST} ORDER BY user_id, item_rank`;
}

function stripTrailingSemicolons(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '').trimEnd();
}
