import { SemanticError } from '../errors';
import { DATE_PARTS, TIME_GRANULARITIES, type DatePart } from '../spec/manifest';
import { isStandardGrain } from './semantic-graph';

export const METRIC_TIME = 'metric_time';
const NO_CUSTOM_GRAINS: ReadonlySet<string> = new Set();
const PART = /^[a-z_][a-z0-9_]*$/;

/**
 * A group-by or filter reference in MetricFlow's dunder form, split into its parts:
 * `order__customer__country` → entity path [order, customer], element `country`;
 * `metric_time__month` → element `metric_time`, grain `month`;
 * `metric_time__extract_dow` → element `metric_time`, date part `dow`.
 * Whether the element is a categorical dimension, a time dimension or an entity is decided when
 * it is resolved against a semantic model (join-resolver.ts).
 */
export interface LinkableName {
  entityPath: string[];
  element: string;
  grain?: string;
  datePart?: DatePart;
}

export interface GroupByInput {
  name: string;
  grain?: string | null;
  datePart?: string | null;
}

function invalid(code: 'INVALID_GROUP_BY' | 'INVALID_FILTER' | 'INVALID_ORDER_BY', message: string): never {
  throw new SemanticError(code, message);
}

/**
 * Splits a dunder name. `isTimeElement` tells whether a part names a time dimension (or metric_time),
 * so that a trailing `__month` is read as a grain only where a grain can apply.
 */
export function parseLinkableName(
  input: GroupByInput,
  isTimeElement: (name: string) => boolean,
  code: 'INVALID_GROUP_BY' | 'INVALID_FILTER' | 'INVALID_ORDER_BY' = 'INVALID_GROUP_BY',
  /** Custom granularities of the project's time spines (`metric_time__fiscal_quarter`). */
  customGrains: ReadonlySet<string> = NO_CUSTOM_GRAINS,
): LinkableName {
  const isGrain = (g: string) => isStandardGrain(g) || customGrains.has(g);
  const raw = input.name.trim().toLowerCase();
  const parts = raw.split('__');
  if (raw.length === 0 || raw.length > 256 || parts.some((p) => !PART.test(p))) {
    invalid(
      code,
      `'${input.name}' is not a valid name: use MetricFlow's form entity__dimension (e.g. 'customer__country') or metric_time__<grain>.`,
    );
  }
  let grain = input.grain ? input.grain.toLowerCase() : undefined;
  let datePart = input.datePart ? (input.datePart.toLowerCase() as DatePart) : undefined;
  const last = parts[parts.length - 1]!;
  if (last.startsWith('extract_') && parts.length > 1) {
    datePart = last.slice('extract_'.length) as DatePart;
    parts.pop();
  } else if (parts.length > 1 && isTimeElement(parts[parts.length - 2]!)) {
    // After a time dimension, the last part is a grain.
    if (!isGrain(last)) {
      invalid(code, `Unknown grain '${last}' in '${input.name}'. Grains: ${[...TIME_GRANULARITIES, ...customGrains].join(', ')}.`);
    }
    if (grain && grain !== last) invalid(code, `'${input.name}' names grain '${last}' but grain '${grain}' was also given.`);
    grain = last;
    parts.pop();
  }
  if (datePart !== undefined && !(DATE_PARTS as readonly string[]).includes(datePart)) {
    invalid(code, `Unknown date part '${datePart}' in '${input.name}'. Date parts: ${DATE_PARTS.join(', ')}.`);
  }
  if (grain !== undefined && !isGrain(grain)) {
    invalid(code, `Unknown grain '${grain}' in '${input.name}'. Grains: ${[...TIME_GRANULARITIES, ...customGrains].join(', ')}.`);
  }
  if (grain !== undefined && datePart !== undefined) {
    invalid(code, `'${input.name}' has both a grain and a date part: ask for one of them.`);
  }
  const element = parts.pop()!;
  return { entityPath: parts, element, grain, datePart };
}

/** The canonical dunder name of a resolved reference (MetricFlow's output column name). */
export function linkableOutputName(entityPath: string[], element: string, grain?: string, datePart?: string): string {
  const base = [...entityPath, element].join('__');
  if (datePart) return `${base}__extract_${datePart}`;
  if (grain) return `${base}__${grain}`;
  return base;
}
