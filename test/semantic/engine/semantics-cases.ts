/**
 * The conversion and semi-additive cases of semantics-execution.test.ts: a metric query, SQL written by
 * hand from the YAML and MetricFlow's rules, and properties of the rows a reader can check.
 *
 * Conversions. MetricFlow joins each conversion event (day c) to the base events of the same entity with
 * b <= c and b > c - window, attributes it to the latest of them, and groups by that base event. Every
 * user has exactly one signup (dim_users_current holds one row per user; the test checks it), so for the
 * new_users base the latest qualifying base event is the signup itself: a user converts iff some event
 * falls in [signup, signup + window) — an EXISTS per user, and a rate is the average of those 0/1 flags.
 * The demo metrics filter their conversion measure (post_created, or activity after the signup day).
 * MetricFlow drops filters on the conversion input (only warns); Stratum applies them as the demo's
 * definitions say, and the SQL below follows the definitions.
 *
 * Semi-additive. Rows are filtered first; then per product (window_groupings) and per queried metric_time
 * period, only the rows on the partition's last (max) or first (min) snapshot_date count. The SQL keeps a
 * row when no row of the same product and period is later (earlier): NOT EXISTS, not a window function.
 */
import assert from 'node:assert/strict';
import type { WarehouseResult } from '../../../src/warehouse/warehouse';
import type { HandWrittenCase } from '../../support/row-assert';

export type Row = WarehouseResult['rows'][number];
export interface SemanticsCase extends HandWrittenCase {
  name: string;
}

export const num = (v: unknown): number => v as number;
export const monthOf = (col: string): string => `make_date(year(${col}), month(${col}), 1)`;
const weekOf = (col: string) => `CAST(${col} - CAST(isodow(${col}) - 1 AS INTEGER) AS DATE)`;
const byKey = (rows: Row[], width = 1) => new Map(rows.map((r) => [r.slice(0, width).join('|'), r]));

// ---- conversions ------------------------------------------------------------------------------------
const USERS = 'marts.dim_users_current u';
/** 1 when user u has an event in [signup, signup + days) — or on or after signup when days is undefined — meeting cond. */
const converted = (days: number | undefined, cond = 'TRUE') => `CASE WHEN EXISTS (
    SELECT 1 FROM marts.fct_user_engagement e WHERE e.user_id = u.user_id AND e.event_date >= u.signup_date
      ${days === undefined ? '' : `AND e.event_date < u.signup_date + ${days}`} AND ${cond}) THEN 1 ELSE 0 END`;
const D1 = converted(2, 'e.event_date > u.signup_date');
const D7 = converted(8, 'e.event_date > u.signup_date');
const POSTED = converted(7, "e.event_type = 'post_created'");

/** Conversions cut at endTime (what an engine that also bounded the conversion events would give). */
const D7_BY_MARCH_10 = converted(8, "e.event_date > u.signup_date AND e.event_date <= DATE '2024-03-10'");

export const CONVERSION_CASES: SemanticsCase[] = [
  {
    name: 'conversion: d1, d7, new_user_posters and signup_to_post_rate by month (0, not NULL, without conversions)',
    input: { metrics: ['d1_retention', 'd7_retention', 'new_user_posters', 'signup_to_post_rate'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT ${monthOf('u.signup_date')} AS metric_time__month, avg(${D1}) AS d1_retention, avg(${D7}) AS d7_retention,
        sum(${POSTED}) AS new_user_posters, avg(${POSTED}) AS signup_to_post_rate FROM ${USERS} GROUP BY 1`,
    rows: 18, // signups run 2023-01-02 … 2024-06-30
    check: (rows) => {
      for (const [month, d1, d7, posters, rate] of rows) {
        assert.ok([d1, d7, posters, rate].every((v) => v !== null), `fill_nulls_with 0 in ${month}`);
        assert.ok(num(d1) <= num(d7), `D1 converters are D7 converters (${month})`);
        // Events start on 2024-01-01: earlier cohorts (all but December's last week) cannot convert within a week.
        if ((month as string) < '2023-12-01') assert.deepEqual([d1, d7, posters, rate], [0, 0, 0, 0], `${month} has no conversions`);
      }
      assert.ok(rows.some((r) => num(r[1]) > 0 && num(r[3]) > 0), 'some month converts');
    },
  },
  {
    name: 'conversion by day with startTime/endTime: base events in range, their conversions may fall after endTime',
    input: { metrics: ['d7_retention', 'new_user_posters'], groupBy: ['metric_time__day'], startTime: '2024-03-01', endTime: '2024-03-10' },
    expectedSql: `SELECT u.signup_date AS metric_time__day, avg(${D7}) AS d7_retention, sum(${POSTED}) AS new_user_posters
      FROM ${USERS} WHERE u.signup_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-10' GROUP BY 1`,
    check: async (rows, { sql }) => {
      const [[days]] = await sql("SELECT count(DISTINCT signup_date) FROM marts.dim_users_current WHERE signup_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-10'");
      assert.equal(rows.length, days, 'one row per signup day in range');
      assert.ok(rows.every((r) => (r[0] as string) >= '2024-03-01' && (r[0] as string) <= '2024-03-10'));
      const cut = byKey(await sql(`SELECT CAST(u.signup_date AS VARCHAR), avg(${D7_BY_MARCH_10}) FROM ${USERS}
        WHERE u.signup_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-10' GROUP BY 1`));
      const later = rows.filter((r) => num(r[1]) > num(cut.get(r[0] as string)![1]) + 1e-9);
      assert.ok(later.length > 0, 'activity after endTime raises some day’s D7 (else this case cannot tell)');
    },
  },
  {
    name: 'conversion by user__country (a group-by of the base side)',
    input: { metrics: ['d7_retention', 'new_user_posters', 'signup_to_post_rate'], groupBy: ['user__country'] },
    expectedSql: `SELECT u.country AS user__country, avg(${D7}) AS d7_retention, sum(${POSTED}) AS new_user_posters,
        avg(${POSTED}) AS signup_to_post_rate FROM ${USERS} GROUP BY 1`,
    rows: 25,
    check: async (rows, { query }) => {
      const [[all]] = await query({ metrics: ['new_user_posters'] });
      assert.equal(rows.reduce((acc, r) => acc + num(r[2]), 0), all, 'each converting user sits in one country');
    },
  },
  {
    name: 'conversion with a where filter on the base side (user__country = FR), no group-by',
    input: { metrics: ['d1_retention', 'new_user_posters', 'signup_to_post_rate'], where: ["{{ Dimension('user__country') }} = 'FR'"] },
    expectedSql: `SELECT avg(${D1}) AS d1_retention, sum(${POSTED}) AS new_user_posters, avg(${POSTED}) AS signup_to_post_rate
      FROM ${USERS} WHERE u.country = 'FR'`,
    rows: 1,
    check: async (rows, { query }) => {
      const fr = byKey(await query({ metrics: ['new_user_posters'], groupBy: ['user__country'] })).get('FR')!;
      assert.equal(rows[0]![1], fr[1], "the filtered total is the FR row of the country breakdown");
      const [[all]] = await query({ metrics: ['new_user_posters'] });
      assert.ok(num(rows[0]![1]) < num(all), 'the filter removes other countries');
    },
  },
  {
    name: 'conversion without a window: every event on or after the signup day converts (2023 cohorts too)',
    input: { metrics: ['ever_active_users', 'ever_active_rate', 'd7_retention'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT ${monthOf('u.signup_date')} AS metric_time__month, sum(${converted(undefined)}) AS ever_active_users,
        avg(${converted(undefined)}) AS ever_active_rate, avg(${D7}) AS d7_retention FROM ${USERS} GROUP BY 1`,
    rows: 18,
    check: (rows) => {
      const old = rows.filter((r) => (r[0] as string) < '2023-12-01');
      assert.ok(old.length > 0 && old.every((r) => num(r[1]) > 0 && r[3] === 0), 'cohorts a year before the events convert only without a window');
    },
  },
  {
    name: 'conversion with a constant property (same session, 1-day window): posts per session by month and platform',
    input: { metrics: ['session_post_rate'], groupBy: ['metric_time__month', 'device__platform'] },
    // session_id is unique, so each event has at most one base event of its user and session: its own session.
    expectedSql: `
      SELECT ${monthOf('s.session_date')} AS metric_time__month, d.platform AS device__platform,
        avg(coalesce((SELECT sum(CASE WHEN e.event_type = 'post_created' THEN 1 ELSE 0 END) FROM marts.fct_user_engagement e
          WHERE e.user_id = s.user_id AND e.session_id = s.session_id AND e.event_date >= s.session_date AND e.event_date < s.session_date + 1), 0))
          AS session_post_rate
      FROM marts.fct_user_sessions s LEFT JOIN marts.dim_device d ON d.device_key = s.device_key GROUP BY 1, 2`,
    rows: 12,
    check: async (rows, { sql, query }) => {
      const sessions = byKey(await query({ metrics: ['sessions'], groupBy: ['metric_time__month', 'device__platform'] }), 2);
      const attributed = rows.reduce((acc, r) => acc + num(r[2]) * num(sessions.get(`${r[0]}|${r[1]}`)![2]), 0);
      const [[posts]] = await sql("SELECT count(*) FROM marts.fct_user_engagement WHERE event_type = 'post_created'");
      assert.ok(Math.abs(attributed - num(posts)) < 1e-6, `every post is attributed to its one session: ${attributed} vs ${posts}`);
    },
  },
  {
    name: 'conversion with a constant property that cuts: current country = country at event time (users who moved lose events)',
    input: { metrics: ['home_country_users', 'ever_active_users'], groupBy: ['metric_time__month'] },
    // An event's user_key is the dim_users version at its time (demo invariant): its country is the country at event time.
    expectedSql: `SELECT ${monthOf('u.signup_date')} AS metric_time__month,
        sum(${converted(undefined, '(SELECT h.country FROM marts.dim_users h WHERE h.user_key = e.user_key) = u.country')}) AS home_country_users,
        sum(${converted(undefined)}) AS ever_active_users FROM ${USERS} GROUP BY 1`,
    rows: 18,
    check: (rows) => {
      assert.ok(rows.every((r) => num(r[1]) <= num(r[2])), 'the property only removes conversions');
      assert.ok(rows.some((r) => num(r[1]) < num(r[2])), 'some user converted only while living elsewhere (else the property is not exercised)');
    },
  },
];

// ---- semi-additive ----------------------------------------------------------------------------------
const INV = 'marts.fct_inventory_daily';
/** A row filter, given the aliases of an inventory row and of its product. */
type RowFilter = (row: string, product: string) => string;
/**
 * Keeps row i when no other row of its product that passes `where`, in the same period (`period` of a
 * date column), is later (max) or earlier (min).
 */
const edge = (choice: 'max' | 'min', period: (col: string) => string, where: RowFilter) =>
  `NOT EXISTS (SELECT 1 FROM ${INV} j JOIN marts.dim_product jp ON jp.product_id = j.product_id
     WHERE j.product_id = i.product_id AND ${period('j.snapshot_date')} = ${period('i.snapshot_date')}
       AND j.snapshot_date ${choice === 'max' ? '>' : '<'} i.snapshot_date AND ${where('j', 'jp')})`;
const ALL_TIME = () => '0';
const stock = (choice: 'max' | 'min', measure: string, period: (col: string) => string, where: RowFilter = () => 'TRUE') =>
  `sum(CASE WHEN ${edge(choice, period, where)} THEN i.${measure} END)`;
const MARCH_OR_PET_SHOP: RowFilter = (r, p) => `(${r}.snapshot_date <= DATE '2024-03-10' OR ${p}.product_category = 'pet_shop')`;
const FROM_INV = `${INV} i JOIN marts.dim_product p ON p.product_id = i.product_id`;
const dayTotal = (day: string) => `SELECT sum(units_on_hand) FROM ${INV} WHERE snapshot_date = DATE '${day}'`;

export const SEMI_ADDITIVE_CASES: SemanticsCase[] = [
  {
    name: "semi-additive by month: each product's last (closing) and first (opening) day of the month, summed",
    input: { metrics: ['closing_stock_units', 'opening_stock_units', 'closing_stock_value'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT ${monthOf('i.snapshot_date')} AS metric_time__month, ${stock('max', 'units_on_hand', monthOf)} AS closing_stock_units,
        ${stock('min', 'units_on_hand', monthOf)} AS opening_stock_units, ${stock('max', 'stock_value', monthOf)} AS closing_stock_value
      FROM ${FROM_INV} GROUP BY 1`,
    rows: 6,
    check: async (rows, { sql }) => {
      const byMonth = byKey(rows);
      const [[june30]] = await sql(dayTotal('2024-06-30'));
      const [[jan1]] = await sql(dayTotal('2024-01-01'));
      assert.equal(byMonth.get('2024-06-01')![1], june30, "June's closing stock is the stock of 30 June");
      assert.equal(byMonth.get('2024-01-01')![2], jan1, "January's opening stock is the stock of 1 January");
      const [[allDays]] = await sql(`SELECT sum(units_on_hand) FROM ${INV} WHERE snapshot_date BETWEEN DATE '2024-06-01' AND DATE '2024-06-30'`);
      assert.ok(num(allDays) > 10 * num(june30), 'a plain sum over the month would be far larger');
    },
  },
  {
    name: 'semi-additive by ISO week: the Sunday (closing) and Monday (opening) of each week',
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['metric_time__week'] },
    expectedSql: `SELECT ${weekOf('i.snapshot_date')} AS metric_time__week, ${stock('max', 'units_on_hand', weekOf)} AS closing_stock_units,
        ${stock('min', 'units_on_hand', weekOf)} AS opening_stock_units FROM ${FROM_INV} GROUP BY 1`,
    rows: 26, // 2024-01-01 is a Monday and 182 days are 26 weeks
    check: async (rows, { sql }) => {
      const daily = new Map((await sql(`SELECT CAST(snapshot_date AS VARCHAR), sum(units_on_hand) FROM ${INV} GROUP BY 1`)).map((r) => [r[0], r[1]]));
      for (const [week, closing, opening] of rows) {
        const monday = new Date(`${week as string}T00:00:00Z`);
        const sunday = new Date(monday.getTime() + 6 * 86_400_000).toISOString().slice(0, 10);
        assert.equal(closing, daily.get(sunday), `closing of week ${week} is its Sunday's stock`);
        assert.equal(opening, daily.get(week), `opening of week ${week} is its Monday's stock`);
      }
    },
  },
  {
    name: "semi-additive by product category without metric_time: each product's last and first day overall",
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['product__product_category'] },
    expectedSql: `SELECT p.product_category AS product__product_category, ${stock('max', 'units_on_hand', ALL_TIME)} AS closing_stock_units,
        ${stock('min', 'units_on_hand', ALL_TIME)} AS opening_stock_units FROM ${FROM_INV} GROUP BY 1`,
    rows: 18,
    check: async (rows, { query }) => {
      const [[closing, opening]] = await query({ metrics: ['closing_stock_units', 'opening_stock_units'] });
      assert.equal(rows.reduce((acc, r) => acc + num(r[1]), 0), closing, 'categories add up to the total (stock is additive over products)');
      assert.equal(rows.reduce((acc, r) => acc + num(r[2]), 0), opening);
    },
  },
  {
    name: 'semi-additive by month and product category: per product and month, then summed by category',
    input: { metrics: ['closing_stock_units', 'closing_stock_value'], groupBy: ['metric_time__month', 'product__product_category'] },
    expectedSql: `SELECT ${monthOf('i.snapshot_date')} AS metric_time__month, p.product_category AS product__product_category,
        ${stock('max', 'units_on_hand', monthOf)} AS closing_stock_units, ${stock('max', 'stock_value', monthOf)} AS closing_stock_value
      FROM ${FROM_INV} GROUP BY 1, 2`,
    rows: 6 * 18,
  },
  {
    name: 'semi-additive without a group-by: 30 June (closing) and 1 January (opening) over all products',
    input: { metrics: ['closing_stock_units', 'opening_stock_units', 'closing_stock_value'] },
    expectedSql: `SELECT ${stock('max', 'units_on_hand', ALL_TIME)} AS closing_stock_units, ${stock('min', 'units_on_hand', ALL_TIME)} AS opening_stock_units,
        ${stock('max', 'stock_value', ALL_TIME)} AS closing_stock_value FROM ${FROM_INV}`,
    rows: 1,
    check: async (rows, { sql }) => {
      const [[june30]] = await sql(dayTotal('2024-06-30'));
      const [[jan1]] = await sql(dayTotal('2024-01-01'));
      assert.deepEqual(rows[0]!.slice(0, 2), [june30, jan1]);
    },
  },
  {
    name: 'semi-additive by month with startTime/endTime mid-month: the range widens to whole months (30 April closes April)',
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['metric_time__month'], startTime: '2024-02-10', endTime: '2024-04-20' },
    expectedSql: `SELECT ${monthOf('i.snapshot_date')} AS metric_time__month, ${stock('max', 'units_on_hand', monthOf)} AS closing_stock_units,
        ${stock('min', 'units_on_hand', monthOf)} AS opening_stock_units FROM ${FROM_INV}
      WHERE i.snapshot_date BETWEEN DATE '2024-02-01' AND DATE '2024-04-30' GROUP BY 1`,
    rows: 3,
  },
  {
    name: "semi-additive by category with startTime/endTime and no metric_time: each product's last and first day in range",
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['product__product_category'], startTime: '2024-02-05', endTime: '2024-03-15' },
    // Every product has a row each day (checked by the test), so its last and first days in range are the bounds.
    expectedSql: `SELECT p.product_category AS product__product_category,
        sum(CASE WHEN i.snapshot_date = DATE '2024-03-15' THEN i.units_on_hand END) AS closing_stock_units,
        sum(CASE WHEN i.snapshot_date = DATE '2024-02-05' THEN i.units_on_hand END) AS opening_stock_units FROM ${FROM_INV} GROUP BY 1`,
    rows: 18,
  },
  {
    name: 'semi-additive by month with a where filter on the product category',
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['metric_time__month'], where: ["{{ Dimension('product__product_category') }} = 'housewares'"] },
    expectedSql: `SELECT ${monthOf('i.snapshot_date')} AS metric_time__month, ${stock('max', 'units_on_hand', monthOf)} AS closing_stock_units,
        ${stock('min', 'units_on_hand', monthOf)} AS opening_stock_units FROM ${FROM_INV} WHERE p.product_category = 'housewares' GROUP BY 1`,
    rows: 6,
  },
  {
    name: "semi-additive: rows are filtered before each product's last day is found (10 March for most, 30 June for pet_shop)",
    input: {
      metrics: ['closing_stock_units'],
      groupBy: ['product__product_category'],
      where: ["{{ TimeDimension('metric_time', 'day') }} <= '2024-03-10' OR {{ Dimension('product__product_category') }} = 'pet_shop'"],
    },
    expectedSql: `SELECT p.product_category AS product__product_category,
        ${stock('max', 'units_on_hand', ALL_TIME, MARCH_OR_PET_SHOP)} AS closing_stock_units
      FROM ${FROM_INV} WHERE ${MARCH_OR_PET_SHOP('i', 'p')} GROUP BY 1`,
    rows: 18,
    check: async (rows, { sql }) => {
      const [[petShop]] = await sql(`SELECT sum(i.units_on_hand) FROM ${FROM_INV} WHERE p.product_category = 'pet_shop' AND i.snapshot_date = DATE '2024-06-30'`);
      const [[baby]] = await sql(`SELECT sum(i.units_on_hand) FROM ${FROM_INV} WHERE p.product_category = 'baby' AND i.snapshot_date = DATE '2024-03-10'`);
      const got = byKey(rows);
      assert.equal(got.get('pet_shop')![1], petShop, 'pet_shop products keep their 30 June rows');
      assert.equal(got.get('baby')![1], baby, "baby products' last day left is 10 March (a global max of 30 June would drop them)");
    },
  },
];
