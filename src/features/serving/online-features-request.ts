import { didYouMean } from '../../semantic/errors';
import type { FeatureEntity } from '../spec/feature-manifest';
import type { FeatureRegistry, ViewSelection } from './feature-registry';
import { ServingRequestError, type RequestProblem } from './serving-errors';

/** An entity key as the caller sent it (Feast accepts strings and integers); echoed back in the response. */
export type EntityValue = string | number;

export interface EntityColumn {
  joinKey: string;
  values: EntityValue[];
}

/** A validated `/get-online-features` request (Feast's shape), resolved against the definitions. */
export interface OnlineFeaturesRequest {
  selections: ViewSelection[];
  /** The entity columns in the caller's order; they lead the response, as in Feast. */
  entityColumns: EntityColumn[];
  /** Number of entity rows (every column has this length). */
  rowCount: number;
  fullFeatureNames: boolean;
}

export interface RequestLimits {
  /** Entity rows in one call; beyond it the caller must split the call (400, not a slow request). */
  maxEntityRows: number;
}

const FIELDS = ['features', 'feature_service', 'entities', 'full_feature_names'];
/** At most this many bad values are listed; a 10k-row mistake should not produce a 10k-line error. */
const MAX_VALUE_PROBLEMS = 5;

/**
 * Parses Feast's request body: `{"features": ["view:feature", …] | "feature_service": "name",
 * "entities": {"<join key>": [v1, v2, …]}, "full_feature_names": false}`. Every problem is
 * listed (unknown names with a suggestion, wrong types, ragged columns, too many rows).
 */
export function parseOnlineFeaturesRequest(body: unknown, registry: FeatureRegistry, limits: RequestLimits): OnlineFeaturesRequest {
  const problems: RequestProblem[] = [];
  if (!isObject(body)) {
    throw new ServingRequestError([{ path: '', message: 'The body must be a JSON object.', fix: 'Send {"features": ["view:feature"], "entities": {"<join key>": ["<id>"]}}.' }]);
  }
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) {
      const guess = didYouMean(key, FIELDS);
      problems.push({ path: key, message: `Unknown field '${key}'.${guess.length > 0 ? ` Did you mean '${guess[0]}'?` : ''}`, fix: `Use only: ${FIELDS.join(', ')}.` });
    }
  }

  let selections: ViewSelection[] = [];
  const { features, feature_service: service } = body;
  if (features !== undefined && service !== undefined) {
    problems.push({ path: 'features', message: 'Give either features or feature_service, not both.' });
  } else if (service !== undefined) {
    if (typeof service !== 'string' || service === '') problems.push({ path: 'feature_service', message: 'must be a feature service name (a string).' });
    else selections = registry.resolveService(service, 'feature_service', problems);
  } else if (features !== undefined) {
    if (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === 'string' && f !== '')) {
      problems.push({ path: 'features', message: 'must be a non-empty array of feature references.', fix: 'Use "view:feature" strings, e.g. ["user_features:country"].' });
    } else {
      selections = registry.resolveReferences(features as string[], 'features', problems);
    }
  } else {
    problems.push({ path: 'features', message: 'Say which features to read.', fix: 'Add "features": ["view:feature", …] or "feature_service": "<name>".' });
  }

  const fullFeatureNames = body.full_feature_names ?? false;
  if (typeof fullFeatureNames !== 'boolean') problems.push({ path: 'full_feature_names', message: 'must be true or false.' });

  if (fullFeatureNames === false) problems.push(...duplicateNames(selections));
  const { entityColumns, rowCount } = parseEntities(body.entities, selections, registry, limits, problems);
  if (problems.length > 0) throw new ServingRequestError(problems);
  return { selections, entityColumns, rowCount, fullFeatureNames: fullFeatureNames === true };
}

/** Name clashes per resolved selection list (the registry hands out the same list for the same references). */
const clashes = new WeakMap<ViewSelection[], RequestProblem[]>();

/** Without full names, two views' features of the same name would be two indistinguishable columns (Feast refuses too). */
function duplicateNames(selections: ViewSelection[]): RequestProblem[] {
  const known = clashes.get(selections);
  if (known !== undefined) return known;
  const owner = new Map<string, string>();
  const problems: RequestProblem[] = [];
  for (const { view, features } of selections) {
    for (const f of features) {
      const first = owner.get(f.name);
      if (first !== undefined && first !== view.name) {
        problems.push({ path: 'features', message: `Feature '${f.name}' is read from both '${first}' and '${view.name}'.`, fix: 'Set "full_feature_names": true to get view__feature names, or ask for one of them.' });
      }
      owner.set(f.name, first ?? view.name);
    }
  }
  clashes.set(selections, problems);
  return problems;
}

function parseEntities(
  raw: unknown,
  selections: ViewSelection[],
  registry: FeatureRegistry,
  limits: RequestLimits,
  problems: RequestProblem[],
): { entityColumns: EntityColumn[]; rowCount: number } {
  const fix = 'Send "entities": {"<join key>": [<value>, …]}, one array per join key, all of the same length.';
  if (!isObject(raw)) {
    problems.push({ path: 'entities', message: raw === undefined ? 'is required.' : 'must be an object of join key → array of values.', fix });
    return { entityColumns: [], rowCount: 0 };
  }
  const needed = new Set(selections.flatMap((s) => s.view.joinKeys));
  const columns: EntityColumn[] = [];
  let rowCount: number | undefined;
  for (const [joinKey, values] of Object.entries(raw)) {
    const path = `entities.${joinKey}`;
    const entity = registry.entityByJoinKey(joinKey);
    if (entity === undefined || (selections.length > 0 && !needed.has(joinKey))) {
      const guess = didYouMean(joinKey, needed);
      problems.push({
        path,
        message: `'${joinKey}' is not a join key of the requested features.${guess.length > 0 ? ` Did you mean '${guess[0]}'?` : ''}`,
        fix: needed.size > 0 ? `The requested features are keyed by: ${[...needed].join(', ')}.` : undefined,
      });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      problems.push({ path, message: 'must be a non-empty array of entity values.', fix });
      continue;
    }
    if (values.length > limits.maxEntityRows) {
      problems.push({ path, message: `has ${values.length} values; at most ${limits.maxEntityRows} entity rows are served per call.`, fix: `Split the call into batches of ${limits.maxEntityRows} or fewer.` });
      continue;
    }
    if (rowCount !== undefined && values.length !== rowCount) {
      problems.push({ path, message: `has ${values.length} values but the other entity columns have ${rowCount}.`, fix });
      continue;
    }
    rowCount = values.length;
    const checked = checkValues(entity, values, path, problems);
    if (checked !== undefined) columns.push({ joinKey, values: checked });
  }
  for (const joinKey of needed) {
    if (!(joinKey in raw)) {
      const views = selections.filter((s) => s.view.joinKeys.includes(joinKey)).map((s) => s.view.name);
      problems.push({ path: `entities.${joinKey}`, message: `is missing: ${views.join(', ')} ${views.length === 1 ? 'is' : 'are'} keyed by '${joinKey}'.`, fix });
    }
  }
  return { entityColumns: columns, rowCount: rowCount ?? 0 };
}

/** Checks values against the entity's value type; integers may come as JSON numbers or digit strings. */
function checkValues(entity: FeatureEntity, values: unknown[], path: string, problems: RequestProblem[]): EntityValue[] | undefined {
  const integer = entity.valueType === 'INT32' || entity.valueType === 'INT64';
  let bad = 0;
  values.forEach((v, i) => {
    const ok = integer
      ? (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d{1,19}$/.test(v))
      : typeof v === 'string' ? v !== '' : typeof v === 'number' && Number.isFinite(v);
    if (ok) return;
    bad += 1;
    if (bad <= MAX_VALUE_PROBLEMS) {
      problems.push({
        path: `${path}[${i}]`,
        message: `${JSON.stringify(v) ?? 'undefined'} is not a valid '${entity.name}' key (${entity.valueType}).`,
        fix: integer ? 'Send integers.' : 'Send non-empty strings.',
      });
    }
  });
  if (bad > MAX_VALUE_PROBLEMS) problems.push({ path, message: `${bad - MAX_VALUE_PROBLEMS} more values are invalid too.` });
  return bad === 0 ? (values as EntityValue[]) : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
