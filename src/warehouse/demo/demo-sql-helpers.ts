/**
 * SQL building blocks for the demo generator. The generator only ever inlines values it computed
 * itself (validated numbers, fixed reference lists), never user input.
 */

/** A SQL string literal. */
export function str(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL list literal of strings. */
export function strList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/**
 * A list of 1-based indexes, each repeated by its weight: `list[1 + floor(u * len)]` then picks
 * index i with probability weight_i / sum(weights), without a join.
 */
export function weightedIndexList(weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  // Scale to about 1000 entries so fractional weights keep their proportions.
  const factor = total < 1000 ? Math.ceil(1000 / total) : 1;
  const out: number[] = [];
  weights.forEach((w, i) => {
    for (let k = 0; k < Math.round(w * factor); k++) out.push(i + 1);
  });
  return `[${out.join(',')}]`;
}

/** `pick(list, u)`: the entry of a weighted index list for a uniform draw u in [0, 1). */
export function pick(list: string, u: string): string {
  return `(${list})[1 + floor((${u}) * len(${list}))::INTEGER]`;
}

/**
 * The 1-based SCD2 version of a user or customer at time `ts`, from the row's version start times t2..t4
 * (NULL when there are fewer changes): the version an ASOF join on valid_from would find, computed
 * without a join, since each row already carries its own history.
 */
export function versionAt(ts: string, prefix = ''): string {
  const after = (k: number) => `coalesce(${ts} >= ${prefix}t${k}, false)::INTEGER`;
  return `(1 + ${after(2)} + ${after(3)} + ${after(4)})`;
}

/**
 * The start of SCD2 version k (2..4) of a row with `n_changes` changes after its first version starts
 * at `t1` (a midnight), `span_days` days before the window ends: always a midnight, so every version
 * holds for whole days and the version at an event's date is the version at its timestamp (MetricFlow
 * joins a versioned dimension at the fact's agg time, a date here). The changes fall in successive
 * n-ths of the span and at least a day apart, so they stay ordered and no version is empty; it needs
 * n_changes < span_days. `u` is the row's uniform draw for change k.
 */
export function changeAtMidnight(k: number, u: string): string {
  return `CASE WHEN n_changes >= ${k - 1} THEN t1 + to_days((${k - 1} + floor((span_days - 1 - n_changes) * (${k - 2} + 0.05 + 0.9 * ${u}) / n_changes))::INTEGER) END`;
}

/**
 * Temporary macros shared by every step. `rnd(a, b, salt)` is a uniform draw in [0, 1) that depends
 * only on its arguments and the seed: unlike random(), it gives the same value whatever the thread
 * count or row order, which is what makes the marts reproducible.
 */
export function macrosSql(seed: number): string[] {
  return [
    `CREATE OR REPLACE TEMP MACRO rnd(a, b, salt) AS ((hash(a, b, salt, ${seed}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0)`,
    // Exponential draw with the given mean (inverse CDF; 1 - u is never 0).
    `CREATE OR REPLACE TEMP MACRO rexp(a, b, salt, mean) AS (-ln(1.0 - rnd(a, b, salt)) * (mean))`,
    // Roughly normal N(0, 1): the sum of four uniforms, centred and scaled (Irwin-Hall).
    `CREATE OR REPLACE TEMP MACRO rnorm(a, b, salt) AS ((rnd(a, b, salt || '1') + rnd(a, b, salt || '2') + rnd(a, b, salt || '3') + rnd(a, b, salt || '4') - 2.0) * 1.7320508075688772)`,
    // Pareto(alpha) weight >= 1, capped so one account cannot dominate a small demo.
    `CREATE OR REPLACE TEMP MACRO rpareto(a, b, salt, alpha, cap) AS (least((cap), pow(1.0 - rnd(a, b, salt), -1.0 / (alpha))))`,
    // Next SCD2 segment (1-based index into a 4-entry list whose first entry is 'new'): leaves 'new'
    // for `base`, otherwise moves to one of the two other established segments. Never stays put.
    `CREATE OR REPLACE TEMP MACRO next_segment(s, base, u) AS (CASE WHEN s = 1 THEN base ELSE 2 + ((s - 2 + 1 + floor(u * 2)::INTEGER) % 3) END)`,
    // Another entry of a k-entry list, never the current one.
    `CREATE OR REPLACE TEMP MACRO other_index(i, k, u) AS (1 + ((i - 1 + 1 + floor(u * ((k) - 1))::INTEGER) % (k)))`,
  ];
}

export const DROP_MACROS_SQL = ['rnd', 'rexp', 'rnorm', 'rpareto', 'next_segment', 'other_index'].map(
  (name) => `DROP MACRO IF EXISTS temp.${name}`,
);
