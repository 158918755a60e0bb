import type { Warehouse } from '../../warehouse/warehouse';
import type { RecommendedItem } from './recommendation-store';

export interface PopularItemsOptions {
  /** BigQuery dataset / DuckDB schema of the marts (config dbtSchema). */
  schema: string;
  /** How many items to keep. */
  size?: number;
  /** Refresh period; a failed refresh keeps the previous list. */
  refreshMs?: number;
  onError?(error: unknown): void;
}

/**
 * Popular items, the fallback when a user's list is short or missing: the available posts with
 * the most interactions over the last 7 days of data, computed from the marts (fct_user_engagement,
 * dim_content) and refreshed periodically off the request path. Requests read the last list in
 * memory and never wait for the warehouse (before the first refresh lands, the list is empty).
 */
export class PopularItems {
  private current: RecommendedItem[] = [];
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly options: PopularItemsOptions,
  ) {}

  /** Computes the list now and then every refreshMs (unref'd: never keeps the process alive). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 10 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async items(): Promise<RecommendedItem[]> {
    return this.current;
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.load()
      .then((items) => {
        this.current = items;
      })
      .catch((e) => this.options.onError?.(e))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async load(): Promise<RecommendedItem[]> {
    const result = await this.warehouse.execute(popularItemsSql(this.warehouse.dialect, this.options.schema, this.options.size ?? 100), {});
    return result.rows.map(([itemId, score]) => ({ itemId: String(itemId), score: Number(score) }));
  }
}

/** The query, per dialect (identifiers from config, validated as dbt schema names; no caller text). */
export function popularItemsSql(dialect: 'duckdb' | 'bigquery', schema: string, size: number): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(schema)) throw new Error(`'${schema}' is not a schema name`);
  const q = (t: string) => (dialect === 'bigquery' ? `\`${schema}.${t}\`` : `"${schema}"."${t}"`);
  const since = dialect === 'bigquery' ? 'TIMESTAMP_SUB(MAX(event_timestamp), INTERVAL 7 DAY)' : "MAX(event_timestamp) - INTERVAL '7 days'";
  return `SELECT e.content_id AS item_id, CAST(SUM(e.interaction_count) AS ${dialect === 'bigquery' ? 'FLOAT64' : 'DOUBLE'}) AS score
FROM ${q('fct_user_engagement')} AS e
JOIN ${q('dim_content')} AS c ON c.content_id = e.content_id
WHERE e.content_id IS NOT NULL AND c.is_available
  AND e.event_timestamp >= (SELECT ${since} FROM ${q('fct_user_engagement')})
GROUP BY e.content_id
ORDER BY score DESC, item_id
LIMIT ${Math.floor(size)}`;
}
