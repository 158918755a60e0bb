/**
 * The cases of time-metrics-execution.test.ts: a metric query, the SQL written by hand from the metric's
 * YAML and MetricFlow's semantics, and properties of the rows a reader can check. Facts of the demo data
 * used below: events and orders fall on every day of 2024-01-01 … 2024-06-30, the spine (dim_date) runs
 * 2023-01-01 … 2025-12-31, ISO weeks start on Monday and 2024-01-01 is a Monday.
 */
import assert from 'node:assert/strict';
import type { WarehouseResult } from '../../../src/warehouse/warehouse';
import type { HandWrittenCase } from '../../support/row-assert';

export type Row = WarehouseResult['rows'][number];

export interface TimeMetricCase extends HandWrittenCase {
  name: string;
}

const SPINE_END = '(SELECT max(date_day) FROM marts.dim_date)';
const REVENUE_ORDERS = "marts.fact_orders o WHERE o.order_status <> 'canceled'";
const DAILY_REVENUE = `SELECT o.order_date AS day, sum(o.total_order_value) AS rev FROM ${REVENUE_ORDERS} GROUP BY 1`;
const DAILY_ACTIVE = 'SELECT event_date AS day, count(DISTINCT user_id) AS n FROM marts.fct_user_engagement GROUP BY 1';
const TOTAL_REVENUE = `SELECT sum(o.total_order_value) FROM ${REVENUE_ORDERS}`;

const monthOf = (col: string) => `make_date(year(${col}), month(${col}), 1)`;
/** The Monday of the ISO week, from the ISO weekday (not date_trunc). */
const weekOf = (col: string) => `CAST(${col} - CAST(isodow(${col}) - 1 AS INTEGER) AS DATE)`;
/** The retail fiscal calendar starts on 1 February: a fiscal period is a calendar period shifted by one month. */
const fiscalQuarterOf = (col: string) => `CAST(date_trunc('quarter', ${col} - INTERVAL 1 MONTH) + INTERVAL 1 MONTH AS DATE)`;
const fiscalYearOf = (col: string) => `CAST(date_trunc('year', ${col} - INTERVAL 1 MONTH) + INTERVAL 1 MONTH AS DATE)`;

/**
 * Distinct users per day over a trailing window of `days` days ending on (and including) the day: each
 * event counts on its own day and on the `days - 1` days after it, as far as the spine goes.
 */
const trailingActive = (days: number) => `
  SELECT day, count(DISTINCT user_id) AS n FROM (
    SELECT e.user_id, CAST(e.event_date + CAST(t.i AS INTEGER) AS DATE) AS day FROM marts.fct_user_engagement e, range(0, ${days}) t(i))
  WHERE day <= ${SPINE_END} GROUP BY day`;

/** Revenue from `from(s)` to the spine day `s.date_day`, per spine day; days with no revenue in range are dropped. */
const runningRevenueByDay = (from: string) => `
  SELECT metric_time__day, v FROM (
    SELECT s.date_day AS metric_time__day,
      (SELECT sum(o.total_order_value) FROM ${REVENUE_ORDERS} AND o.order_date BETWEEN ${from} AND s.date_day) AS v
    FROM marts.dim_date s) WHERE v IS NOT NULL`;

/** Each period of the spine with its last day, and all revenue (and customers) up to that day. */
const lifetimeByPeriod = (periodOf: string) => `
  SELECT p.period, x.rev, x.customers FROM (SELECT ${periodOf} AS period, max(date_day) AS last_day FROM marts.dim_date GROUP BY 1) p,
    LATERAL (SELECT sum(o.total_order_value) AS rev, count(DISTINCT o.customer_id) AS customers
             FROM ${REVENUE_ORDERS} AND o.order_date <= p.last_day) x
  WHERE x.customers > 0`;

const num = (v: unknown) => v as number;
const byFirst = (rows: Row[]) => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const toMap = (rows: Row[]) => new Map(rows.map((r) => [r[0] as string, r[1]]));
const monthEnds = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];

function assertNonDecreasing(values: number[], what: string): void {
  values.slice(1).forEach((v, i) => assert.ok(v >= values[i]! - 1e-6, `${what} decreases at position ${i + 1}: ${values[i]} then ${v}`));
}

export const TIME_METRIC_CASES: TimeMetricCase[] = [
  // ---- cumulative: window -------------------------------------------------------------------------
  {
    name: 'wau by day: distinct users of the 7 days ending on each day, through 6 days after the last event',
    input: { metrics: ['wau'], groupBy: ['metric_time__day'] },
    expectedSql: `SELECT day AS metric_time__day, n AS wau FROM (${trailingActive(7)})`,
    rows: 182 + 6,
    check: async (rows, { sql }) => {
      const [[days, lastDay]] = (await sql('SELECT count(DISTINCT event_date), CAST(max(event_date) + 6 AS VARCHAR) FROM marts.fct_user_engagement')) as [
        [number, string],
      ];
      assert.equal(rows.length, days + 6, "the data's days plus the 6 days after the last event");
      assert.equal(byFirst(rows).at(-1)![0], lastDay);
      const dau = toMap(await sql(DAILY_ACTIVE));
      for (const [day, wau] of rows) assert.ok(num(wau) >= num(dau.get(day as string) ?? 0), `WAU < DAU on ${day}`);
    },
  },
  {
    name: 'wau and dau by month: period_agg last is the WAU of the last day of the month (July only has WAU)',
    input: { metrics: ['wau', 'dau'], groupBy: ['metric_time__month'] },
    expectedSql: `
      WITH w AS (SELECT ${monthOf('day')} AS m, arg_max(n, day) AS wau FROM (${trailingActive(7)}) GROUP BY 1),
           d AS (SELECT ${monthOf('event_date')} AS m, count(DISTINCT user_id) AS dau FROM marts.fct_user_engagement GROUP BY 1)
      SELECT coalesce(w.m, d.m) AS metric_time__month, w.wau, d.dau FROM w FULL OUTER JOIN d ON w.m = d.m`,
    rows: 7,
    check: async (rows, { query }) => {
      const daily = toMap(await query({ metrics: ['wau'], groupBy: ['metric_time__day'] }));
      const monthly = new Map(rows.map((r) => [r[0] as string, r]));
      for (const end of monthEnds) {
        const [, wau, dau] = monthly.get(`${end.slice(0, 7)}-01`)!;
        assert.equal(wau, daily.get(end), `the month's WAU is the WAU of ${end}`);
        assert.ok(num(wau) <= num(dau), `the last week's users are some of the month's (${end})`);
      }
      assert.equal(monthly.get('2024-07-01')![2], null, 'no events in July');
    },
  },
  {
    name: 'period_agg first, average and the default (first) by month',
    input: { metrics: ['wau_first', 'wau_average', 'wau_default'], groupBy: ['metric_time__month'] },
    expectedSql: `
      SELECT ${monthOf('day')} AS metric_time__month, arg_min(n, day) AS wau_first, avg(n) AS wau_average, arg_min(n, day) AS wau_default
      FROM (${trailingActive(7)}) GROUP BY 1`,
    rows: 7,
    check: async (rows, { sql }) => {
      const [[firstDay]] = await sql("SELECT count(DISTINCT user_id) FROM marts.fct_user_engagement WHERE event_date = DATE '2024-01-01'");
      const january = rows.find((r) => r[0] === '2024-01-01')!;
      assert.equal(january[1], firstDay, "January's first WAU covers 2024-01-01 only");
      assert.ok(rows.some((r) => !Number.isInteger(r[2])), 'an average is not a whole number somewhere');
    },
  },
  {
    name: 'wau (last), first and average by ISO week',
    input: { metrics: ['wau', 'wau_first', 'wau_average'], groupBy: ['metric_time__week'] },
    expectedSql: `
      SELECT ${weekOf('day')} AS metric_time__week, arg_max(n, day) AS wau, arg_min(n, day) AS wau_first, avg(n) AS wau_average
      FROM (${trailingActive(7)}) GROUP BY 1`,
    rows: 27,
  },
  {
    name: 'stickiness (dau / mau) by day: MAU runs 29 days past the data, where DAU is missing',
    input: { metrics: ['stickiness'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH a AS (${DAILY_ACTIVE}), m AS (${trailingActive(30)})
      SELECT coalesce(a.day, m.day) AS metric_time__day, a.n / m.n AS stickiness FROM a FULL OUTER JOIN m ON a.day = m.day`,
    rows: 182 + 29,
    check: (rows) => {
      for (const [day, s] of rows) {
        if ((day as string) > '2024-06-30') assert.equal(s, null, `no DAU on ${day}`);
        else assert.ok(num(s) > 0 && num(s) <= 1, `stickiness on ${day} is ${s}`);
      }
    },
  },
  {
    name: 'wau by month and device platform: the window and period_agg last run per platform',
    input: { metrics: ['wau'], groupBy: ['metric_time__month', 'device__platform'] },
    expectedSql: `
      SELECT ${monthOf('day')} AS metric_time__month, platform AS device__platform, arg_max(n, day) AS wau FROM (
        SELECT day, platform, count(DISTINCT user_id) AS n FROM (
          SELECT e.user_id, dv.platform, CAST(e.event_date + CAST(t.i AS INTEGER) AS DATE) AS day
          FROM marts.fct_user_engagement e LEFT JOIN marts.dim_device dv ON dv.device_key = e.device_key, range(0, 7) t(i))
        WHERE day <= ${SPINE_END} GROUP BY 1, 2)
      GROUP BY 1, 2`,
    rows: 14,
  },
  {
    name: 'wau by day and month together: the daily WAU, no re-aggregation',
    input: { metrics: ['wau'], groupBy: ['metric_time__day', 'metric_time__month'] },
    expectedSql: `SELECT day AS metric_time__day, ${monthOf('day')} AS metric_time__month, n AS wau FROM (${trailingActive(7)})`,
    rows: 182 + 6,
  },
  // ---- cumulative: grain_to_date and all-time -----------------------------------------------------
  {
    name: 'revenue_mtd by day: from the first of the month to the day',
    input: { metrics: ['revenue_mtd'], groupBy: ['metric_time__day'] },
    expectedSql: `SELECT metric_time__day, v AS revenue_mtd FROM (${runningRevenueByDay('make_date(s.year, s.month, 1)')})`,
    rows: 182,
    check: async (rows, { sql }) => {
      const mtd = toMap(rows);
      const monthly = toMap(await sql(`SELECT CAST(${monthOf('o.order_date')} AS VARCHAR), sum(o.total_order_value) FROM ${REVENUE_ORDERS} GROUP BY 1`));
      const daily = toMap(await sql(DAILY_REVENUE));
      for (const end of monthEnds) {
        const first = `${end.slice(0, 7)}-01`;
        assert.ok(Math.abs(num(mtd.get(end)) - num(monthly.get(first))) < 0.005, `MTD on ${end} is the month's revenue`);
        assert.ok(Math.abs(num(mtd.get(first)) - num(daily.get(first))) < 0.005, `MTD restarts on ${first}`);
      }
    },
  },
  {
    name: "revenue_mtd by month (period_agg last): the month's revenue",
    input: { metrics: ['revenue_mtd'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT ${monthOf('o.order_date')} AS metric_time__month, sum(o.total_order_value) AS revenue_mtd FROM ${REVENUE_ORDERS} GROUP BY 1`,
    rows: 6,
  },
  {
    name: 'lifetime_revenue without a group-by: all revenue',
    input: { metrics: ['lifetime_revenue'] },
    expectedSql: `SELECT (${TOTAL_REVENUE}) AS lifetime_revenue`,
    rows: 1,
  },
  {
    name: 'lifetime_revenue by month, ordered: revenue up to the end of each month, through the spine end',
    input: { metrics: ['lifetime_revenue'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] },
    expectedSql: `SELECT period AS metric_time__month, rev AS lifetime_revenue FROM (${lifetimeByPeriod('make_date(year, month, 1)')}) ORDER BY 1`,
    ordered: true,
    rows: 24,
    check: async (rows, { sql }) => {
      assertNonDecreasing(rows.map((r) => num(r[1])), 'lifetime revenue');
      const [[total]] = await sql(TOTAL_REVENUE);
      assert.ok(Math.abs(num(rows.at(-1)![1]) - num(total)) < 0.005, 'the last month holds all revenue');
    },
  },
  {
    name: 'customer_lifetime_value and lifetime_customers by month',
    input: { metrics: ['customer_lifetime_value', 'lifetime_customers'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT period AS metric_time__month, rev / customers AS customer_lifetime_value, customers AS lifetime_customers
      FROM (${lifetimeByPeriod('make_date(year, month, 1)')})`,
    rows: 24,
    check: (rows) => assertNonDecreasing(byFirst(rows).map((r) => num(r[2])), 'lifetime customers'),
  },
  // ---- cumulative with startTime / endTime --------------------------------------------------------
  {
    name: 'mau by day from startTime to endTime: the window still sees the 29 days before startTime',
    input: { metrics: ['mau'], groupBy: ['metric_time__day'], startTime: '2024-02-10', endTime: '2024-02-20' },
    expectedSql: `SELECT day AS metric_time__day, n AS mau FROM (${trailingActive(30)}) WHERE day BETWEEN DATE '2024-02-10' AND DATE '2024-02-20'`,
    rows: 11,
    check: async (rows, { sql }) => {
      const [[dau]] = await sql("SELECT count(DISTINCT user_id) FROM marts.fct_user_engagement WHERE event_date = DATE '2024-02-10'");
      assert.ok(num(toMap(rows).get('2024-02-10')) > num(dau), 'MAU on startTime counts users seen only before startTime');
    },
  },
  {
    name: 'revenue_mtd by day from mid-March to early April: MTD on startTime includes March 1..14',
    input: { metrics: ['revenue_mtd'], groupBy: ['metric_time__day'], startTime: '2024-03-15', endTime: '2024-04-05' },
    expectedSql: `SELECT metric_time__day, v AS revenue_mtd FROM (${runningRevenueByDay('make_date(s.year, s.month, 1)')})
      WHERE metric_time__day BETWEEN DATE '2024-03-15' AND DATE '2024-04-05'`,
    rows: 22,
  },
  {
    name: 'lifetime_revenue by month with startTime/endTime inside March and April: whole months, with all earlier revenue',
    input: { metrics: ['lifetime_revenue'], groupBy: ['metric_time__month'], startTime: '2024-03-15', endTime: '2024-04-10' },
    expectedSql: `SELECT period AS metric_time__month, rev AS lifetime_revenue FROM (${lifetimeByPeriod('make_date(year, month, 1)')})
      WHERE period IN (DATE '2024-03-01', DATE '2024-04-01')`,
    rows: 2,
  },
  {
    name: 'wau and mau by week with startTime/endTime on Wednesdays: whole ISO weeks, each the value of its Sunday',
    input: { metrics: ['wau', 'mau'], groupBy: ['metric_time__week'], startTime: '2024-03-13', endTime: '2024-03-20' },
    expectedSql: `
      SELECT CAST(w.day - 6 AS DATE) AS metric_time__week, w.n AS wau, m.n AS mau
      FROM (${trailingActive(7)}) w JOIN (${trailingActive(30)}) m ON m.day = w.day
      WHERE w.day IN (DATE '2024-03-17', DATE '2024-03-24')`,
    rows: 2,
  },
  {
    name: 'wau and dau by day with a where filter on one metric_time day: the window is not cut by the filter',
    input: { metrics: ['wau', 'dau'], groupBy: ['metric_time__day'], where: ["{{ TimeDimension('metric_time', 'day') }} = '2024-03-10'"] },
    expectedSql: `SELECT w.day AS metric_time__day, w.n AS wau, d.n AS dau FROM (${trailingActive(7)}) w JOIN (${DAILY_ACTIVE}) d ON d.day = w.day
      WHERE w.day = DATE '2024-03-10'`,
    rows: 1,
    check: (rows) => assert.ok(num(rows[0]![1]) > num(rows[0]![2]), 'WAU counts the 6 days before the filtered day'),
  },
  // ---- offsets ------------------------------------------------------------------------------------
  {
    name: 'revenue_wow_growth by day (offset after aggregation): NULL for the first 7 days and the 7 days after the data',
    input: { metrics: ['revenue_wow_growth'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH r AS (${DAILY_REVENUE}), days AS (SELECT day FROM r UNION SELECT CAST(day + 7 AS DATE) FROM r WHERE day + 7 <= ${SPINE_END})
      SELECT d.day AS metric_time__day, (cur.rev - prev.rev) / prev.rev AS revenue_wow_growth
      FROM days d LEFT JOIN r cur ON cur.day = d.day LEFT JOIN r prev ON prev.day = d.day - 7`,
    rows: 182 + 7,
    check: (rows) => {
      const sortedRows = byFirst(rows);
      assert.ok([...sortedRows.slice(0, 7), ...sortedRows.slice(-7)].every((r) => r[1] === null), 'no week before, or no revenue');
      assert.ok(sortedRows.slice(7, -7).every((r) => typeof r[1] === 'number'));
    },
  },
  {
    name: 'revenue_wow_growth by ISO week',
    input: { metrics: ['revenue_wow_growth'], groupBy: ['metric_time__week'] },
    expectedSql: `
      WITH w AS (SELECT ${weekOf('o.order_date')} AS wk, sum(o.total_order_value) AS rev FROM ${REVENUE_ORDERS} GROUP BY 1),
           weeks AS (SELECT wk FROM w UNION SELECT CAST(wk + 7 AS DATE) FROM w)
      SELECT k.wk AS metric_time__week, (cur.rev - prev.rev) / prev.rev AS revenue_wow_growth
      FROM weeks k LEFT JOIN w cur ON cur.wk = k.wk LEFT JOIN w prev ON prev.wk = k.wk - 7`,
    rows: 27,
  },
  {
    name: "revenue_last_week by ISO week (offset grain = query grain: after aggregation): last week's revenue",
    input: { metrics: ['revenue_last_week'], groupBy: ['metric_time__week'] },
    expectedSql: `SELECT CAST(${weekOf('o.order_date')} + 7 AS DATE) AS metric_time__week, sum(o.total_order_value) AS revenue_last_week
      FROM ${REVENUE_ORDERS} GROUP BY 1`,
    rows: 26,
    check: (rows) => {
      for (const [week] of rows) assert.equal(new Date(`${week as string}T00:00:00Z`).getUTCDay(), 1, `${week} is not a Monday`);
    },
  },
  {
    name: 'revenue_last_week by month (a 1-week offset at a coarser grain: each order counted 7 days later, then by month)',
    input: { metrics: ['revenue_last_week'], groupBy: ['metric_time__month'] },
    expectedSql: `SELECT ${monthOf('o.order_date + 7')} AS metric_time__month, sum(o.total_order_value) AS revenue_last_week
      FROM ${REVENUE_ORDERS} AND o.order_date + 7 <= ${SPINE_END} GROUP BY 1`,
    rows: 7,
    check: async (rows, { sql }) => {
      const [[total]] = await sql(TOTAL_REVENUE);
      const sum = rows.reduce((acc, r) => acc + num(r[1]), 0);
      assert.ok(Math.abs(sum - num(total)) < 0.01, `every order lands in one month: ${sum} vs ${total}`);
    },
  },
  {
    name: 'revenue_last_week by day from startTime to endTime: the offset reads revenue from before startTime',
    input: { metrics: ['revenue_last_week'], groupBy: ['metric_time__day'], startTime: '2024-03-01', endTime: '2024-03-10' },
    expectedSql: `SELECT CAST(o.order_date + 7 AS DATE) AS metric_time__day, sum(o.total_order_value) AS revenue_last_week
      FROM ${REVENUE_ORDERS} AND o.order_date BETWEEN DATE '2024-02-23' AND DATE '2024-03-03' GROUP BY 1`,
    rows: 10,
  },
  {
    name: 'revenue_last_week by day and month together: the revenue of 7 days earlier, labelled with the later day and its month',
    input: { metrics: ['revenue_last_week'], groupBy: ['metric_time__day', 'metric_time__month'] },
    expectedSql: `SELECT CAST(day + 7 AS DATE) AS metric_time__day, ${monthOf('day + 7')} AS metric_time__month, rev AS revenue_last_week
      FROM (${DAILY_REVENUE})`,
    rows: 182,
  },
  {
    name: 'revenue_last_week and revenue by day with a where filter on metric_time: the offset input is read unfiltered',
    input: {
      metrics: ['revenue_last_week', 'revenue'],
      groupBy: ['metric_time__day'],
      where: ["{{ TimeDimension('metric_time', 'day') }} BETWEEN '2024-03-01' AND '2024-03-03'"],
    },
    expectedSql: `SELECT cur.day AS metric_time__day, prev.rev AS revenue_last_week, cur.rev AS revenue
      FROM (${DAILY_REVENUE}) cur JOIN (${DAILY_REVENUE}) prev ON prev.day = cur.day - 7
      WHERE cur.day BETWEEN DATE '2024-03-01' AND DATE '2024-03-03'`,
    rows: 3,
  },
  {
    name: 'an offset over a ratio input (average order value against a week earlier): both the numerator and the denominator move',
    input: { metrics: ['aov_wow_change'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH a AS (SELECT o.order_date AS day, sum(o.total_order_value) / count(*) AS aov FROM ${REVENUE_ORDERS} GROUP BY 1),
           days AS (SELECT day FROM a UNION SELECT CAST(day + 7 AS DATE) FROM a WHERE day + 7 <= ${SPINE_END})
      SELECT d.day AS metric_time__day, cur.aov - prev.aov AS aov_wow_change
      FROM days d LEFT JOIN a cur ON cur.day = d.day LEFT JOIN a prev ON prev.day = d.day - 7`,
    rows: 182 + 7,
  },
  {
    name: 'an offset over a derived metric that has an offset itself: the offsets add up (growth of a week earlier)',
    input: { metrics: ['revenue_wow_growth_a_week_earlier'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH r AS (${DAILY_REVENUE}),
           days AS (SELECT CAST(day + 7 AS DATE) AS day FROM r UNION SELECT CAST(day + 14 AS DATE) FROM r)
      SELECT d.day AS metric_time__day, (w1.rev - w2.rev) / w2.rev AS revenue_wow_growth_a_week_earlier
      FROM days d LEFT JOIN r w1 ON w1.day = d.day - 7 LEFT JOIN r w2 ON w2.day = d.day - 14`,
    rows: 182 + 7,
    check: (rows) => {
      const valued = rows.filter((r) => r[1] !== null);
      assert.equal(valued.length, 182 - 7, 'a value wherever both a week and two weeks earlier have revenue');
    },
  },
  {
    name: 'dau_wow_growth by day',
    input: { metrics: ['dau_wow_growth'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH a AS (${DAILY_ACTIVE}), days AS (SELECT day FROM a UNION SELECT CAST(day + 7 AS DATE) FROM a)
      SELECT d.day AS metric_time__day, (cur.n - prev.n) / prev.n AS dau_wow_growth
      FROM days d LEFT JOIN a cur ON cur.day = d.day LEFT JOIN a prev ON prev.day = d.day - 7`,
    rows: 182 + 7,
  },
  {
    name: 'revenue_growth_since_month_start by day (offset_to_grain month): 0 on the first of each month',
    input: { metrics: ['revenue_growth_since_month_start'], groupBy: ['metric_time__day'] },
    expectedSql: `
      WITH r AS (${DAILY_REVENUE}),
           at_start AS (SELECT s.date_day AS day, r.rev FROM marts.dim_date s JOIN r ON r.day = make_date(s.year, s.month, 1)),
           days AS (SELECT day FROM r UNION SELECT day FROM at_start)
      SELECT d.day AS metric_time__day, cur.rev - st.rev AS revenue_growth_since_month_start
      FROM days d LEFT JOIN r cur ON cur.day = d.day LEFT JOIN at_start st ON st.day = d.day`,
    rows: 182,
    check: (rows) => {
      const byDay = toMap(rows);
      for (const end of monthEnds) assert.equal(byDay.get(`${end.slice(0, 7)}-01`), 0, `growth on the first of ${end.slice(0, 7)}`);
    },
  },
  {
    name: "revenue_growth_since_month_start by ISO week: the week's revenue less the revenue of the first day of its Monday's month",
    input: { metrics: ['revenue_growth_since_month_start'], groupBy: ['metric_time__week'] },
    // offset_to_grain at a coarser query grain keeps only the spine rows that start a week (Mondays: day_of_week 2, Sunday = 1).
    expectedSql: `
      WITH r AS (${DAILY_REVENUE}),
           w AS (SELECT ${weekOf('day')} AS wk, sum(rev) AS rev FROM r GROUP BY 1),
           at_start AS (SELECT s.date_day AS wk, r.rev FROM marts.dim_date s JOIN r ON r.day = make_date(s.year, s.month, 1) WHERE s.day_of_week = 2),
           weeks AS (SELECT wk FROM w UNION SELECT wk FROM at_start)
      SELECT k.wk AS metric_time__week, cur.rev - st.rev AS revenue_growth_since_month_start
      FROM weeks k LEFT JOIN w cur ON cur.wk = k.wk LEFT JOIN at_start st ON st.wk = k.wk`,
    rows: 26,
    check: async (rows, { sql, query }) => {
      const weekly = toMap(await query({ metrics: ['revenue'], groupBy: ['metric_time__week'] }));
      const daily = toMap(await sql(`SELECT CAST(day AS VARCHAR), rev FROM (${DAILY_REVENUE})`));
      for (const [week, growth] of rows) {
        const monthStart = `${(week as string).slice(0, 7)}-01`;
        const diff = num(weekly.get(week as string)) - num(daily.get(monthStart));
        assert.ok(Math.abs(num(growth) - diff) < 0.005, `${week}: revenue of the week less revenue of ${monthStart}`);
      }
    },
  },
  // ---- custom granularities from the time spine ---------------------------------------------------
  {
    name: 'revenue by fiscal quarter (February-start fiscal year): the quarter-start date',
    input: { metrics: ['revenue'], groupBy: ['metric_time__fiscal_quarter'] },
    expectedSql: `SELECT ${fiscalQuarterOf('o.order_date')} AS metric_time__fiscal_quarter, sum(o.total_order_value) AS revenue FROM ${REVENUE_ORDERS} GROUP BY 1`,
    rows: 3,
  },
  {
    name: 'revenue by fiscal year',
    input: { metrics: ['revenue'], groupBy: ['metric_time__fiscal_year'] },
    expectedSql: `SELECT ${fiscalYearOf('o.order_date')} AS metric_time__fiscal_year, sum(o.total_order_value) AS revenue FROM ${REVENUE_ORDERS} GROUP BY 1`,
    rows: 2,
  },
  {
    name: 'lifetime_revenue by fiscal quarter: a cumulative at a custom grain takes each fiscal quarter’s last spine day',
    input: { metrics: ['lifetime_revenue'], groupBy: ['metric_time__fiscal_quarter'] },
    expectedSql: `SELECT period AS metric_time__fiscal_quarter, rev AS lifetime_revenue FROM (${lifetimeByPeriod(fiscalQuarterOf('date_day'))})`,
    rows: 9,
  },
  // ---- join_to_timespine + fill_nulls_with --------------------------------------------------------
  {
    name: 'canceled orders per day with join_to_timespine and fill_nulls_with 0, March 2024: every day, 0 where none',
    input: { metrics: ['canceled_orders_filled'], groupBy: ['metric_time__day'], startTime: '2024-03-01', endTime: '2024-03-31' },
    expectedSql: `
      SELECT CAST(g.day AS DATE) AS metric_time__day, coalesce(c.n, 0) AS canceled_orders_filled
      FROM generate_series(DATE '2024-03-01', DATE '2024-03-31', INTERVAL 1 DAY) g(day)
      LEFT JOIN (SELECT order_date, count(*) AS n FROM marts.fact_orders WHERE order_status = 'canceled' GROUP BY 1) c ON c.order_date = CAST(g.day AS DATE)`,
    rows: 31,
    check: async (rows, { sql }) => {
      const [[withCanceled]] = await sql(
        "SELECT count(DISTINCT order_date) FROM marts.fact_orders WHERE order_status = 'canceled' AND order_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-31'",
      );
      assert.ok(num(withCanceled) > 0 && num(withCanceled) < 31, 'March has days with and without canceled orders');
      assert.equal(rows.filter((r) => r[1] === 0).length, 31 - num(withCanceled), 'the days without canceled orders are filled with 0');
      assert.ok(rows.every((r) => r[1] !== null));
    },
  },
  {
    name: 'canceled orders by month with join_to_timespine, no time constraint: every month of the spine',
    input: { metrics: ['canceled_orders_filled'], groupBy: ['metric_time__month'] },
    expectedSql: `
      SELECT CAST(g.m AS DATE) AS metric_time__month, coalesce(c.n, 0) AS canceled_orders_filled
      FROM generate_series(DATE '2023-01-01', DATE '2025-12-01', INTERVAL 1 MONTH) g(m)
      LEFT JOIN (SELECT ${monthOf('order_date')} AS m, count(*) AS n FROM marts.fact_orders WHERE order_status = 'canceled' GROUP BY 1) c
        ON c.m = CAST(g.m AS DATE)`,
    rows: 36,
    check: (rows) => {
      for (const [month, n] of rows) {
        const inData = (month as string) >= '2024-01-01' && (month as string) <= '2024-06-01';
        if (!inData) assert.equal(n, 0, `${month} is outside the data`);
      }
    },
  },
];
