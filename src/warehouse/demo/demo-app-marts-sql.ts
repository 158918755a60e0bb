import {
  AGE_GROUPS,
  ANDROID_MODELS,
  ANDROID_VERSIONS,
  APP_HOUR_WEIGHTS,
  APP_VERSIONS,
  COUNTRIES,
  IOS_MODELS,
  IOS_VERSIONS,
  USER_SEGMENTS,
  USERNAME_ADJECTIVES,
  USERNAME_NOUNS,
} from './demo-reference-data';
import { DemoSizePlan, WINDOW_DAYS, WINDOW_END, WINDOW_START } from './demo-size-plan';
import { engagementSteps } from './demo-engagement-sql';
import { changeAtMidnight, pick, str, strList, versionAt, weightedIndexList } from './demo-sql-helpers';

export interface DemoStep {
  /** Shown in progress reports. */
  name: string;
  statements: string[];
}

const W0 = `DATE '${WINDOW_START}'`;
const W1 = `DATE '${WINDOW_END}'`;

function locationRows(): string {
  const rows: string[] = [];
  let key = 0;
  COUNTRIES.forEach((country, countryIndex) => {
    country.cities.split(',').forEach((pair, rank) => {
      const [city, region] = pair.split(':');
      key++;
      rows.push(
        `(${key}, ${str(city)}, ${str(region)}, ${str(country.code)}, ${str(country.name)}, ${str(country.continent)}, ${countryIndex + 1}, ${rank + 1})`,
      );
    });
  });
  return rows.join(',\n');
}

/** A retail fiscal year starts on 1 February; FY2024 runs 2024-02-01 … 2025-01-31. */
const FISCAL_YEAR_START_MONTH = 2;

const CALENDAR: DemoStep = {
  name: 'dim_date',
  statements: [
    `CREATE OR REPLACE TABLE marts.dim_date AS
     WITH days AS (
       SELECT d::DATE AS d, (month(d) - ${FISCAL_YEAR_START_MONTH} + 12) % 12 AS fiscal_month_index,
              year(d) - (month(d) < ${FISCAL_YEAR_START_MONTH})::INTEGER AS fiscal_year
       FROM range(TIMESTAMP '2023-01-01', TIMESTAMP '2026-01-01', INTERVAL 1 DAY) t(d)
     )
     SELECT d AS date_day, year(d)::INTEGER AS year, quarter(d)::INTEGER AS quarter, month(d)::INTEGER AS month,
            strftime(d, '%B') AS month_name,
            strftime(d, '%U')::INTEGER AS week_of_year,      -- Sunday-based, like BigQuery EXTRACT(WEEK)
            (dayofweek(d) + 1)::INTEGER AS day_of_week,      -- 1 = Sunday … 7 = Saturday, like BigQuery
            strftime(d, '%A') AS day_name,
            dayofweek(d) IN (0, 6) AS is_weekend,
            -- Fiscal periods as their first day: a custom granularity groups by the value, and a date sorts and joins.
            fiscal_year::INTEGER AS fiscal_year,
            (fiscal_month_index // 3 + 1)::INTEGER AS fiscal_quarter_of_year,
            make_date(fiscal_year, ${FISCAL_YEAR_START_MONTH}, 1) AS fiscal_year_start,
            (make_date(fiscal_year, ${FISCAL_YEAR_START_MONTH}, 1) + to_months((fiscal_month_index // 3) * 3))::DATE AS fiscal_quarter
     FROM days
     ORDER BY date_day`,
  ],
};

const PLACES: DemoStep = {
  name: 'dim_location',
  statements: [
    `CREATE OR REPLACE TEMP TABLE demo_locations(location_key INTEGER, city VARCHAR, region VARCHAR, country_code VARCHAR,
       country_name VARCHAR, continent VARCHAR, country_index INTEGER, city_rank INTEGER)`,
    `INSERT INTO demo_locations VALUES ${locationRows()}`,
    `CREATE OR REPLACE TABLE marts.dim_location AS
     SELECT location_key, city, region, country_code, country_name, continent FROM demo_locations ORDER BY location_key`,
    // Each country's cities, biggest first, for picking a session's city; keyed by the index into COUNTRIES
    // that the users' history carries.
    `CREATE OR REPLACE TEMP TABLE demo_country_cities AS
     SELECT country_index, list(location_key ORDER BY city_rank) AS keys FROM demo_locations GROUP BY country_index`,
  ],
};

function devicesStep(plan: DemoSizePlan): DemoStep {
  // Newer OS versions are more common: u^1.7 leans towards the head of the (newest-first) lists.
  return {
    name: 'dim_device',
    statements: [
      `CREATE OR REPLACE TABLE marts.dim_device AS
       SELECT device_key, platform,
              CASE platform WHEN 'ios' THEN ${strList(IOS_VERSIONS)}[1 + floor(pow(rnd(device_key, 0, 'dv.os'), 1.7) * ${IOS_VERSIONS.length})::INTEGER]
                            ELSE ${strList(ANDROID_VERSIONS)}[1 + floor(pow(rnd(device_key, 0, 'dv.os'), 1.7) * ${ANDROID_VERSIONS.length})::INTEGER] END AS os_version,
              CASE platform WHEN 'ios' THEN ${strList(IOS_MODELS)}[1 + floor(rnd(device_key, 0, 'dv.m') * ${IOS_MODELS.length})::INTEGER]
                            ELSE ${strList(ANDROID_MODELS)}[1 + floor(rnd(device_key, 0, 'dv.m') * ${ANDROID_MODELS.length})::INTEGER] END AS device_model,
              ${strList([...APP_VERSIONS].reverse())}[1 + floor(pow(rnd(device_key, 0, 'dv.app'), 1.5) * ${APP_VERSIONS.length})::INTEGER] AS app_version
       FROM (SELECT (range + 1)::INTEGER AS device_key,
                    CASE WHEN rnd(range + 1, 0, 'dv.p') < 0.55 THEN 'ios' ELSE 'android' END AS platform
             FROM range(${plan.devices}))
       ORDER BY device_key`,
    ],
  };
}

/**
 * Users and their SCD2 history. Activity weight is Pareto (a few power users); signups grow over
 * the window (density rising linearly); about half the users churn after an exponential lifetime;
 * 40% of users change segment or country 1–3 times, each change taking effect at midnight.
 */
function usersStep(plan: DemoSizePlan): DemoStep {
  const countryCount = COUNTRIES.length;
  const countryPick = weightedIndexList(COUNTRIES.map((c) => c.weight));
  const agePick = weightedIndexList(AGE_GROUPS.map(([, w]) => w));
  const changeTime = (k: number) => changeAtMidnight(k, `rnd(idx, ${k}, 'u.t')`);
  const isCountryChange = (k: number) => `rnd(idx, ${k}, 'u.kind') < 0.25`;
  return {
    name: 'dim_users',
    statements: [
      `CREATE OR REPLACE TEMP TABLE demo_users AS
       WITH drawn AS (
         SELECT range + 1 AS idx,
                rnd(range + 1, 0, 'u.pre') < 0.3 AS pre_window,
                rnd(range + 1, 0, 'u.sd') AS u_signup,
                rpareto(range + 1, 0, 'u.w', 1.3, 60.0) AS weight
         FROM range(${plan.users})
       ), dated AS (
         SELECT *, CASE WHEN pre_window THEN DATE '2023-01-01' + floor(u_signup * 365)::INTEGER
                        ELSE ${W0} + floor(${WINDOW_DAYS} * sqrt(u_signup))::INTEGER END AS signup_date
         FROM drawn
       )
       SELECT idx, printf('u%07d', idx) AS user_id, signup_date, weight,
              ${strList(USERNAME_ADJECTIVES)}[1 + floor(rnd(idx, 0, 'u.n1') * ${USERNAME_ADJECTIVES.length})::INTEGER] || '_' ||
                ${strList(USERNAME_NOUNS)}[1 + floor(rnd(idx, 0, 'u.n2') * ${USERNAME_NOUNS.length})::INTEGER] || '_' || idx AS username,
              ${strList(AGE_GROUPS.map(([g]) => g))}[${pick(agePick, `rnd(idx, 0, 'u.age')`)}] AS age_group,
              CASE WHEN weight >= 8 THEN 4 WHEN weight >= 2.5 THEN 3 ELSE 2 END AS base_segment,
              ${pick(countryPick, `rnd(idx, 0, 'u.c')`)} AS c1,
              rnd(idx, 0, 'u.cr') < least(0.6, 0.04 * weight) AS is_creator,
              greatest(signup_date, ${W0}) AS first_day,
              least(${W1}, CASE WHEN rnd(idx, 0, 'u.churn') < 0.6 / sqrt(weight)
                                THEN greatest(signup_date, ${W0}) + floor(rexp(idx, 0, 'u.life', 70.0))::INTEGER END) AS churn_day,
              (1 + floor(rnd(idx, 0, 'u.dev') * ${plan.devices}))::INTEGER AS primary_device,
              (1 + floor(rnd(idx, 0, 'u.dev2') * ${plan.devices}))::INTEGER AS second_device,
              -- At most one change a day: a user who signs up on the last day keeps one version.
              least(${W1} - signup_date, CASE WHEN rnd(idx, 0, 'u.nch') < 0.6 THEN 0 WHEN rnd(idx, 0, 'u.nch') < 0.85 THEN 1
                   WHEN rnd(idx, 0, 'u.nch') < 0.95 THEN 2 ELSE 3 END) AS n_changes
       FROM dated`,
      `CREATE OR REPLACE TEMP TABLE demo_user_history AS
       WITH t AS (
         SELECT *, signup_date::TIMESTAMP AS t1, ${W1} + 1 - signup_date AS span_days,
                CASE WHEN signup_date >= ${W0} THEN 1 ELSE base_segment END AS s1
         FROM demo_users
       ), walk AS (
         SELECT *, ${changeTime(2)} AS t2, ${changeTime(3)} AS t3, ${changeTime(4)} AS t4,
                CASE WHEN ${isCountryChange(2)} THEN s1 ELSE next_segment(s1, base_segment, rnd(idx, 2, 'u.s')) END AS s2,
                CASE WHEN ${isCountryChange(2)} THEN other_index(c1, ${countryCount}, rnd(idx, 2, 'u.c')) ELSE c1 END AS c2
         FROM t
       ), walk3 AS (
         SELECT *, CASE WHEN ${isCountryChange(3)} THEN s2 ELSE next_segment(s2, base_segment, rnd(idx, 3, 'u.s')) END AS s3,
                   CASE WHEN ${isCountryChange(3)} THEN other_index(c2, ${countryCount}, rnd(idx, 3, 'u.c')) ELSE c2 END AS c3
         FROM walk
       )
       SELECT *, CASE WHEN ${isCountryChange(4)} THEN s3 ELSE next_segment(s3, base_segment, rnd(idx, 4, 'u.s')) END AS s4,
                 CASE WHEN ${isCountryChange(4)} THEN other_index(c3, ${countryCount}, rnd(idx, 4, 'u.c')) ELSE c3 END AS c4
       FROM walk3`,
      `CREATE OR REPLACE TABLE marts.dim_users AS
       SELECT (idx * 10 + v)::BIGINT AS user_key, user_id, username, age_group,
              ${strList(COUNTRIES.map((c) => c.code))}[[c1, c2, c3, c4][v]] AS country,
              ${strList(USER_SEGMENTS)}[[s1, s2, s3, s4][v]] AS user_segment,
              signup_date,
              [t1, t2, t3, t4][v] AS valid_from,
              CASE WHEN v <= n_changes THEN [t1, t2, t3, t4][v + 1] END AS valid_to,
              v = n_changes + 1 AS is_current,
              v::INTEGER AS version
       FROM (SELECT *, unnest(range(1, n_changes + 2)) AS v FROM demo_user_history)
       ORDER BY user_id, version`,
      `CREATE OR REPLACE VIEW marts.dim_users_current AS SELECT * FROM marts.dim_users WHERE is_current`,
    ],
  };
}

/**
 * Sessions: each user gets a session count proportional to weight × active days, normalized so the
 * total hits the plan; each candidate lands on a random active day and survives with probability 1
 * on weekends and 0.8 on weekdays (weekends +25%).
 *
 * Each session carries its user's version change times (t2..t4), so the events can pick their SCD2
 * version by comparing timestamps instead of an ASOF join over every event; the city comes from the
 * country of the version valid at session start. Sorted by date, so the per-day-range event chunks
 * read only their own row groups.
 */
function sessionsStep(plan: DemoSizePlan): DemoStep {
  const hourPick = weightedIndexList(APP_HOUR_WEIGHTS);
  return {
    name: 'sessions',
    statements: [
      `CREATE OR REPLACE TEMP TABLE demo_sessions AS
       WITH active AS (
         SELECT *, (coalesce(churn_day, ${W1}) - first_day + 1) AS days FROM demo_user_history
       ), norm AS (
         -- An integer sum: a parallel floating-point sum could differ in its last bit between runs.
         SELECT ${plan.sessions} / (sum((weight * days * 1000)::BIGINT) / 1000.0) AS c FROM active
       ), candidates AS (
         SELECT a.*, -- Over-draw by 7/6: on average 6/7 of the candidates survive the weekday thinning below.
                unnest(range(floor(a.weight * norm.c * a.days * 7.0 / 6.0 + rnd(a.idx, 0, 's.n'))::BIGINT)) AS j
         FROM active a, norm
       ), placed AS (
         SELECT *, first_day + floor(rnd(idx, j, 's.day') * days)::INTEGER AS session_date FROM candidates
       ), kept AS (
         SELECT *, least(1 + floor(rexp(idx, j, 's.ev', 4.0 + 0.45 * least(weight, 10.0)))::BIGINT, 400) AS n_events,
                (15000 + floor(rnd(idx, j, 's.gap') * 45000))::BIGINT AS gap_ms,
                ${pick(hourPick, `rnd(idx, j, 's.h')`)} - 1 AS hour
         FROM placed
         WHERE isodow(session_date) >= 6 OR rnd(idx, j, 's.wk') < 0.8
       ), started AS (
         SELECT *,
                -- Keep the whole session inside its day, so events and session share a date.
                session_date::TIMESTAMP + to_milliseconds(greatest(0, least(
                    (hour * 3600 + floor(rnd(idx, j, 's.sec') * 3600)::BIGINT) * 1000,
                    86400000 - n_events * gap_ms - 400000))) AS session_start
         FROM kept
       )
       SELECT s.idx, s.j, 's' || s.idx || '-' || s.j AS session_id, s.user_id, s.is_creator, s.session_date, s.n_events,
              s.gap_ms, s.session_start, s.t2, s.t3, s.t4,
              CASE WHEN rnd(s.idx, s.j, 's.dev') < 0.1 THEN s.second_device ELSE s.primary_device END AS device_key,
              (cc.keys[1 + floor(pow(rnd(s.idx, s.j, 's.city'), 1.6) * len(cc.keys))::INTEGER])::INTEGER AS location_key
       FROM started s
       JOIN demo_country_cities cc ON cc.country_index = [s.c1, s.c2, s.c3, s.c4][${versionAt('s.session_start', 's.')}]
       ORDER BY s.session_date, s.idx, s.j`,
    ],
  };
}

export function appMartsSteps(plan: DemoSizePlan, eventsPerChunk?: number): DemoStep[] {
  return [CALENDAR, PLACES, devicesStep(plan), usersStep(plan), sessionsStep(plan), ...engagementSteps(plan, eventsPerChunk)];
}
