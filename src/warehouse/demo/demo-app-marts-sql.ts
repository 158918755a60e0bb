import {
  AGE_GROUPS,
  ANDROID_MODELS,
  ANDROID_VERSIONS,
  APP_HOUR_WEIGHTS,
  APP_VERSIONS,
  CONTENT_CATEGORIES,
  CONTENT_TYPES,
  COUNTRIES,
  IOS_MODELS,
  IOS_VERSIONS,
  USER_SEGMENTS,
  USERNAME_ADJECTIVES,
  USERNAME_NOUNS,
} from './demo-reference-data';
import { DemoSizePlan, WINDOW_DAYS, WINDOW_END, WINDOW_START } from './demo-size-plan';
import { pick, str, strList, weightedIndexList } from './demo-sql-helpers';

export interface DemoStep {
  /** Shown in progress reports. */
  name: string;
  statements: string[];
}

const W0 = `DATE '${WINDOW_START}'`;
const W1 = `DATE '${WINDOW_END}'`;
const AFTER_WINDOW = `(DATE '${WINDOW_END}' + 1)::TIMESTAMP`;

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

const CALENDAR: DemoStep = {
  name: 'dim_date',
  statements: [
    `CREATE OR REPLACE TABLE marts.dim_date AS
     SELECT d::DATE AS date_day, year(d)::INTEGER AS year, quarter(d)::INTEGER AS quarter, month(d)::INTEGER AS month,
            strftime(d, '%B') AS month_name,
            strftime(d, '%U')::INTEGER AS week_of_year,      -- Sunday-based, like BigQuery EXTRACT(WEEK)
            (dayofweek(d) + 1)::INTEGER AS day_of_week,      -- 1 = Sunday … 7 = Saturday, like BigQuery
            strftime(d, '%A') AS day_name,
            dayofweek(d) IN (0, 6) AS is_weekend
     FROM range(TIMESTAMP '2023-01-01', TIMESTAMP '2026-01-01', INTERVAL 1 DAY) t(d)
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
    // Each country's cities, biggest first, for picking a session's city.
    `CREATE OR REPLACE TEMP TABLE demo_country_cities AS
     SELECT country_code, list(location_key ORDER BY city_rank) AS keys FROM demo_locations GROUP BY country_code`,
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
 * 40% of users change segment or country 1–3 times.
 */
function usersStep(plan: DemoSizePlan): DemoStep {
  const countryCount = COUNTRIES.length;
  const countryPick = weightedIndexList(COUNTRIES.map((c) => c.weight));
  const agePick = weightedIndexList(AGE_GROUPS.map(([, w]) => w));
  // Version k starts at change k - 1; the n changes fall in successive n-ths of the remaining time, so they stay ordered.
  const changeTime = (k: number) =>
    `CASE WHEN n_changes >= ${k - 1} THEN t1 + to_seconds(floor(span_s * (${k - 2} + 0.05 + 0.9 * rnd(idx, ${k}, 'u.t')) / n_changes)::BIGINT) END`;
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
              CASE WHEN rnd(idx, 0, 'u.nch') < 0.6 THEN 0 WHEN rnd(idx, 0, 'u.nch') < 0.85 THEN 1
                   WHEN rnd(idx, 0, 'u.nch') < 0.95 THEN 2 ELSE 3 END AS n_changes
       FROM dated`,
      `CREATE OR REPLACE TEMP TABLE demo_user_history AS
       WITH t AS (
         SELECT *, signup_date::TIMESTAMP AS t1,
                date_diff('second', signup_date::TIMESTAMP, ${AFTER_WINDOW}) AS span_s,
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
 */
function sessionsStep(plan: DemoSizePlan): DemoStep {
  const hourPick = weightedIndexList(APP_HOUR_WEIGHTS);
  return {
    name: 'sessions',
    statements: [
      `CREATE OR REPLACE TEMP TABLE demo_sessions AS
       WITH active AS (
         SELECT *, (coalesce(churn_day, ${W1}) - first_day + 1) AS days FROM demo_users
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
       )
       SELECT idx, j, 's' || idx || '-' || j AS session_id, user_id, is_creator, weight, session_date, n_events, gap_ms,
              -- Keep the whole session inside its day, so events and session share a date.
              session_date::TIMESTAMP + to_milliseconds(greatest(0, least(
                  (hour * 3600 + floor(rnd(idx, j, 's.sec') * 3600)::BIGINT) * 1000,
                  86400000 - n_events * gap_ms - 400000))) AS session_start,
              CASE WHEN rnd(idx, j, 's.dev') < 0.1 THEN second_device ELSE primary_device END AS device_key
       FROM kept`,
      // The city comes from the user's country at session start (their SCD2 version then).
      `CREATE OR REPLACE TEMP TABLE demo_sessions_placed AS
       SELECT s.*, (cc.keys[1 + floor(pow(rnd(s.idx, s.j, 's.city'), 1.6) * len(cc.keys))::INTEGER])::INTEGER AS location_key
       FROM demo_sessions s
       ASOF JOIN marts.dim_users d ON s.user_id = d.user_id AND s.session_start >= d.valid_from
       JOIN demo_country_cities cc ON cc.country_code = d.country`,
    ],
  };
}

export function appMartsSteps(plan: DemoSizePlan): DemoStep[] {
  return [CALENDAR, PLACES, devicesStep(plan), usersStep(plan), sessionsStep(plan), ...engagementSteps(plan)];
}

/** Events inside sessions, the posts they create and view, and the session facts rolled up from them. */
function engagementSteps(plan: DemoSizePlan): DemoStep[] {
  const typePick = weightedIndexList(CONTENT_TYPES.map(([, w]) => w));
  const eventKey = 'j * 1000 + e';
  return [
    {
      name: 'events',
      statements: [
        `CREATE OR REPLACE TEMP TABLE demo_events AS
         WITH expanded AS (
           SELECT s.*, unnest(range(n_events)) AS e FROM demo_sessions_placed s
         ), typed AS (
           SELECT *, CASE WHEN e = 0 THEN 'app_open'
                          WHEN is_creator AND rnd(idx, ${eventKey}, 'e.t') < 0.10 THEN 'post_created'
                          WHEN rnd(idx, ${eventKey}, 'e.t') < 0.72 THEN 'post_viewed'
                          WHEN rnd(idx, ${eventKey}, 'e.t') < 0.88 THEN 'reaction'
                          WHEN rnd(idx, ${eventKey}, 'e.t') < 0.95 THEN 'comment'
                          ELSE 'share' END AS event_type
           FROM expanded
         )
         SELECT 'e' || idx || '-' || j || '-' || e AS event_id, idx, j, e, session_id, user_id, session_date AS event_date,
                session_start + to_milliseconds(e * gap_ms + CASE WHEN e = 0 THEN 0 ELSE floor(rnd(idx, ${eventKey}, 'e.jit') * gap_ms * 0.5)::BIGINT END) AS event_timestamp,
                event_type, device_key, location_key,
                CASE WHEN event_type = 'post_created' THEN 'p' || idx || '-' || j || '-' || e END AS own_content_id,
                least(300.0, round(CASE event_type
                    WHEN 'app_open' THEN 1 + rnd(idx, ${eventKey}, 'e.d') * 4
                    WHEN 'post_created' THEN 20 + rexp(idx, ${eventKey}, 'e.d', 40.0)
                    WHEN 'post_viewed' THEN 2 + rexp(idx, ${eventKey}, 'e.d', 12.0)
                    WHEN 'reaction' THEN 1 + rnd(idx, ${eventKey}, 'e.d') * 2
                    WHEN 'comment' THEN 8 + rexp(idx, ${eventKey}, 'e.d', 25.0)
                    ELSE 3 + rnd(idx, ${eventKey}, 'e.d') * 8 END, 1)) AS engagement_duration_seconds,
                (CASE event_type WHEN 'app_open' THEN 0 WHEN 'reaction' THEN 1 + floor(rnd(idx, ${eventKey}, 'e.i') * 3) ELSE 1 END)::INTEGER AS interaction_count
         FROM typed`,
      ],
    },
    {
      name: 'dim_content',
      statements: [
        // Posts: every post_created event, plus a December backlog by users who already existed.
        `CREATE OR REPLACE TEMP TABLE demo_posts AS
         SELECT *, row_number() OVER (ORDER BY created_at, content_id) AS ordinal FROM (
           SELECT own_content_id AS content_id, user_id AS creator_user_id, idx AS creator_idx, event_timestamp AS created_at
           FROM demo_events WHERE event_type = 'post_created'
           UNION ALL
           SELECT 'p0-' || b, authors[1 + floor(rnd(b, 0, 'bk.a') * len(authors))::INTEGER],
                  author_idx[1 + floor(rnd(b, 0, 'bk.a') * len(authors))::INTEGER],
                  TIMESTAMP '2023-12-01' + to_seconds(floor(rnd(b, 0, 'bk.t') * 31 * 86400)::BIGINT)
           FROM range(${plan.backlogPosts}) t(b),
                (SELECT list(user_id ORDER BY idx) AS authors, list(idx ORDER BY idx) AS author_idx
                 FROM demo_users WHERE signup_date < DATE '2023-12-01')
         )`,
        `CREATE OR REPLACE TEMP TABLE demo_posts_before AS
         SELECT created_at, max(ordinal) AS n_before FROM demo_posts GROUP BY created_at`,
        `CREATE OR REPLACE TABLE marts.dim_content AS
         SELECT content_id, creator_user_id,
                ${strList(CONTENT_TYPES.map(([t]) => t))}[${pick(typePick, `rnd(ordinal, 0, 'c.type')`)}] AS content_type,
                -- Creators stick to a favourite category most of the time.
                ${strList(CONTENT_CATEGORIES)}[1 + floor(CASE WHEN rnd(ordinal, 0, 'c.fav') < 0.6 THEN rnd(creator_idx, 0, 'c.cat')
                                                        ELSE rnd(ordinal, 0, 'c.cat') END * ${CONTENT_CATEGORIES.length})::INTEGER] AS category,
                created_at,
                rnd(ordinal, 0, 'c.av') < 0.97 AS is_available
         FROM demo_posts ORDER BY created_at, content_id`,
      ],
    },
    {
      name: 'fct_user_engagement',
      statements: [
        // Views, reactions, comments and shares target a post that already existed, mostly a recent one.
        `CREATE OR REPLACE TABLE marts.fct_user_engagement AS
         WITH placed AS (
           SELECT ev.*, pb.n_before FROM demo_events ev
           ASOF LEFT JOIN demo_posts_before pb ON ev.event_timestamp >= pb.created_at
         ), targeted AS (
           SELECT *, CASE WHEN event_type NOT IN ('app_open', 'post_created')
                          THEN n_before - floor(n_before * pow(rnd(idx, j * 1000 + e, 'e.post'), 3))::BIGINT END AS target
           FROM placed
         )
         SELECT t.event_id, t.event_date, t.event_timestamp, t.user_id, d.user_key, t.session_id,
                coalesce(t.own_content_id, p.content_id) AS content_id,
                t.device_key, t.location_key, t.event_type, t.engagement_duration_seconds, t.interaction_count
         FROM targeted t
         ASOF JOIN marts.dim_users d ON t.user_id = d.user_id AND t.event_timestamp >= d.valid_from
         LEFT JOIN demo_posts p ON p.ordinal = t.target
         ORDER BY t.event_date, t.idx, t.j, t.e`,
      ],
    },
    {
      name: 'fct_user_sessions',
      statements: [
        `CREATE OR REPLACE TABLE marts.fct_user_sessions AS
         SELECT session_id, user_id, session_date, session_start, session_end,
                date_diff('millisecond', session_start, session_end) / 1000.0 AS session_duration_seconds,
                event_count, device_key, location_key
         FROM (
           SELECT session_id, any_value(user_id) AS user_id, any_value(event_date) AS session_date,
                  min(event_timestamp) AS session_start,
                  max(event_timestamp + to_milliseconds((engagement_duration_seconds * 1000)::BIGINT)) AS session_end,
                  count(*)::INTEGER AS event_count, any_value(device_key) AS device_key, any_value(location_key) AS location_key
           FROM marts.fct_user_engagement GROUP BY session_id
         )
         ORDER BY session_date, session_id`,
      ],
    },
  ];
}
