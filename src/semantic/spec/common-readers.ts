import { describe, type DefinitionReader } from './definition-reader';
import { TIME_GRANULARITIES, type MetricTimeWindow, type WhereFilterIntersection } from './manifest';
import { childPath } from './source-document';

/**
 * Readers shared by metrics and saved queries: where filters and time windows, in dbt's
 * shorthand (`filter: "..."`, `window: 7 days`) and in the compiled JSON shape.
 */

/** `filter:` / `where:` as a string, a list of strings, or `{ where_filters: [{ where_sql_template }] }`. */
export function readFilter(r: DefinitionReader, value: unknown, path: string): WhereFilterIntersection | undefined {
  if (value === undefined || value === null) return undefined;
  const templates: string[] = [];
  const take = (v: unknown, p: string): void => {
    if (typeof v === 'string') templates.push(v);
    else r.problem(p, `A filter must be a string (a where-filter template), got ${describe(v)}.`, `Quote it, e.g. "{{ Dimension('order__status') }} = 'shipped'".`);
  };
  if (typeof value === 'string') take(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => take(v, childPath(path, i)));
  else if (typeof value === 'object' && r.form === 'json') {
    const o = r.object(value, path, 'filter', { optional: ['where_filters'] });
    const items = o ? r.list(o, 'where_filters', path) ?? [] : [];
    items.forEach((item, i) => {
      const p = childPath(childPath(path, 'where_filters'), i);
      const f = r.object(item, p, 'where filter', { required: ['where_sql_template'] });
      if (f) take(f['where_sql_template'], childPath(p, 'where_sql_template'));
    });
  } else {
    take(value, path);
  }
  if (templates.length === 0) return undefined;
  return { where_filters: templates.map((where_sql_template) => ({ where_sql_template })) };
}

const WINDOW_PATTERN = /^\s*(\d+)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** `7 days`, `1 week`, `12 months` (singular or plural), or `{ count, granularity }` from JSON. */
export function readWindow(r: DefinitionReader, value: unknown, path: string): MetricTimeWindow | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value) && r.form === 'json') {
    const o = r.object(value, path, 'window', { required: ['count', 'granularity'] });
    if (!o) return undefined;
    const count = r.number(o, 'count', path, true);
    const granularity = r.string(o, 'granularity', path);
    if (count === undefined || granularity === undefined) return undefined;
    return checkWindow(r, path, count, granularity.toLowerCase());
  }
  const match = typeof value === 'string' ? WINDOW_PATTERN.exec(value) : null;
  if (!match) {
    r.problem(path, `A window must look like '<count> <granularity>', e.g. '7 days', got ${describe(value)}.`, "Write e.g. `window: 7 days` or `window: 1 month`.");
    return undefined;
  }
  return checkWindow(r, path, Number(match[1]), singular(match[2]!.toLowerCase()));
}

function checkWindow(r: DefinitionReader, path: string, count: number, granularity: string): MetricTimeWindow | undefined {
  if (count < 1) {
    r.problem(path, `A window's count must be at least 1, got ${count}.`);
    return undefined;
  }
  return { count, granularity };
}

/** `days` → `day`; names that are not standard granularities (custom ones) are kept as written. */
function singular(unit: string): string {
  const standard = TIME_GRANULARITIES as readonly string[];
  if (standard.includes(unit)) return unit;
  if (unit.endsWith('s') && standard.includes(unit.slice(0, -1))) return unit.slice(0, -1);
  return unit;
}
