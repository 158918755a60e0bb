import { BATCH_KEYS, FEATURE_COUNT, type Shape, type Transport } from './bench-data';

/**
 * What a served body must hold for a run to count: every feature of every key PRESENT (so a
 * scenario cannot look fast by serving NOT_FOUND), and a personalized recommendation list.
 * Returns a problem, or undefined when the body is right.
 */
export function checkBody(transport: Transport, shape: Shape, text: string | undefined): string | undefined {
  if (text === undefined) return 'no 2xx response at all';
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (transport === 'GraphQL' && body.errors) return `GraphQL errors: ${JSON.stringify(body.errors).slice(0, 400)}`;
  const width = shape === '100x50' ? BATCH_KEYS : 1;
  if (shape === 'recs') {
    const recs = transport === 'REST' ? body : body.data?.user?.recommendations;
    if (recs?.source !== 'personalized') return `recommendations from '${recs?.source}', expected 'personalized': ${text.slice(0, 300)}`;
    if (recs.items?.length !== 20) return `${recs.items?.length} recommendations, expected 20`;
    return undefined;
  }
  if (transport === 'REST') {
    if (body.results?.length !== FEATURE_COUNT + 1) return `${body.results?.length} result columns, expected ${FEATURE_COUNT + 1}: ${text.slice(0, 300)}`;
    for (const column of body.results.slice(1)) {
      if (column.values.length !== width) return `${column.values.length} values per column, expected ${width}`;
      const bad = column.statuses.find((s: string) => s !== 'PRESENT');
      if (bad) return `a feature is ${bad}, expected PRESENT`;
    }
    return undefined;
  }
  const rows = body.data?.onlineFeatures;
  if (rows?.length !== width) return `${rows?.length} rows, expected ${width}: ${text.slice(0, 300)}`;
  for (const row of rows) {
    if (row.features.length !== FEATURE_COUNT) return `${row.features.length} features per row, expected ${FEATURE_COUNT}`;
    const bad = row.features.find((f: { status: string }) => f.status !== 'PRESENT');
    if (bad) return `feature ${bad.name} is ${bad.status}, expected PRESENT`;
  }
  return undefined;
}
