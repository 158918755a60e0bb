/**
 * Time values from callers (startTime/endTime, filter literals compared with time dimensions),
 * parsed and aligned to grains in UTC here, so the SQL only ever compares a column with a
 * ready-made parameter (which keeps BigQuery's partition pruning working).
 */

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export interface TimeLiteral {
  /** The instant, in UTC. */
  date: Date;
  /** Whether the text had a time of day (else it is a date). */
  hasTime: boolean;
}

export function parseTimeLiteral(text: string): TimeLiteral | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  const date = new Date(time);
  // Reject overflowed fields (2024-02-30, 25:00) rather than silently rolling them over.
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCHours() !== Number(h ?? 0) ||
    date.getUTCMinutes() !== Number(mi ?? 0) ||
    Number(s ?? 0) > 59
  ) {
    return undefined;
  }
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return { date: new Date(time), hasTime: h !== undefined };
}

/** The start of the grain period holding `date` (weeks are ISO weeks, starting Monday). */
export function truncateToGrain(date: Date, grain: string): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (grain) {
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'week': {
      const isoDow = (date.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(y, m, d - isoDow));
    }
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'hour':
      return new Date(Date.UTC(y, m, d, date.getUTCHours()));
    case 'minute':
      return new Date(Date.UTC(y, m, d, date.getUTCHours(), date.getUTCMinutes()));
    case 'second':
      return new Date(Math.floor(date.getTime() / 1000) * 1000);
    default:
      return date;
  }
}

/** `date` moved by whole months, clamped to the last day of the target month as SQL does (03-31 − 1 month = 02-29). */
function addMonths(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return new Date(target.getTime() + (date.getTime() % 86_400_000 + 86_400_000) % 86_400_000);
}

/** `date` moved by `count` grain periods. */
export function addGrain(date: Date, grain: string, count: number): Date {
  switch (grain) {
    case 'year':
      return addMonths(date, 12 * count);
    case 'quarter':
      return addMonths(date, 3 * count);
    case 'month':
      return addMonths(date, count);
    case 'week':
      return new Date(date.getTime() + count * 7 * 86_400_000);
    case 'day':
      return new Date(date.getTime() + count * 86_400_000);
    case 'hour':
      return new Date(date.getTime() + count * 3_600_000);
    case 'minute':
      return new Date(date.getTime() + count * 60_000);
    case 'second':
      return new Date(date.getTime() + count * 1000);
    default:
      // Custom granularities have no fixed length: callers align those to days.
      throw new Error(`addGrain: no fixed length for grain '${grain}'`);
  }
}

/** `YYYY-MM-DD` for DATE columns, `YYYY-MM-DD HH:MM:SS[.mmm]` (UTC) for TIMESTAMP columns. */
export function formatTimeParameter(date: Date, valueType: 'DATE' | 'TIMESTAMP'): string {
  const iso = date.toISOString();
  if (valueType === 'DATE') return iso.slice(0, 10);
  const ms = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
}
