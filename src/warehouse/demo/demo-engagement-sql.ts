import type { DemoStep } from './demo-app-marts-sql';
import { CONTENT_CATEGORIES, CONTENT_TYPES } from './demo-reference-data';
import { DemoSizePlan, WINDOW_DAYS, WINDOW_END, WINDOW_START } from './demo-size-plan';
import { pick, strList, versionAt, weightedIndexList } from './demo-sql-helpers';

/**
 * Events are generated in day-range chunks of about this many rows: each chunk is expanded, joined
 * and sorted on its own, so memory stays flat however large the scale, and the chunks, appended in
 * date order, give the same table as one global sort. Smaller chunks cost a fixed overhead each
 * (the lookup hash tables are rebuilt), larger ones sort less efficiently.
 */
export const DEFAULT_EVENTS_PER_CHUNK = 3_000_000;
/** Average events per session (the exponential draw of the sessions step), for sizing the chunks. */
const EVENTS_PER_SESSION = 7.3;

const MS_PER_DAY = 86_400_000;
const WINDOW_START_MINUTE = Date.parse(`${WINDOW_START}T00:00:00Z`) / 60_000;
const WINDOW_END_MINUTE = (Date.parse(`${WINDOW_END}T00:00:00Z`) + MS_PER_DAY) / 60_000;

/** Consecutive day ranges [first, last] covering the window, in date order. */
export function eventChunks(plan: DemoSizePlan, eventsPerChunk = DEFAULT_EVENTS_PER_CHUNK): [string, string][] {
  if (!(eventsPerChunk >= 1)) throw new Error(`events per chunk must be at least 1, got ${eventsPerChunk}`);
  const count = Math.min(WINDOW_DAYS, Math.max(1, Math.ceil((plan.sessions * EVENTS_PER_SESSION) / eventsPerChunk)));
  const days = Math.ceil(WINDOW_DAYS / count);
  const start = Date.parse(`${WINDOW_START}T00:00:00Z`);
  const iso = (day: number) => new Date(start + day * MS_PER_DAY).toISOString().slice(0, 10);
  const chunks: [string, string][] = [];
  for (let first = 0; first < WINDOW_DAYS; first += days) chunks.push([iso(first), iso(Math.min(WINDOW_DAYS, first + days) - 1)]);
  return chunks;
}

/**
 * The events of the sessions matching `where`, with their type and timestamp. Every draw is keyed by
 * (user, session, event), so the posts step and each event chunk derive the very same events.
 */
function eventsCte(where: string): string {
  return `expanded AS (
           SELECT idx, j, session_id, user_id, is_creator, session_date, session_start, gap_ms, device_key, location_key,
                  t2, t3, t4, unnest(range(n_events)) AS e
           FROM demo_sessions WHERE ${where}
         ), drawn AS (
           SELECT *, j * 1000 + e AS k, rnd(idx, j * 1000 + e, 'e.t') AS u_type FROM expanded
         ), typed AS (
           SELECT *, CASE WHEN e = 0 THEN 'app_open'
                          WHEN is_creator AND u_type < 0.10 THEN 'post_created'
                          WHEN u_type < 0.72 THEN 'post_viewed'
                          WHEN u_type < 0.88 THEN 'reaction'
                          WHEN u_type < 0.95 THEN 'comment'
                          ELSE 'share' END AS event_type,
                     session_start + to_milliseconds(e * gap_ms + CASE WHEN e = 0 THEN 0 ELSE floor(rnd(idx, k, 'e.jit') * gap_ms * 0.5)::BIGINT END) AS event_timestamp
           FROM drawn
         )`;
}

/** Posts: every post_created event, plus a December backlog by users who already existed. */
function contentStep(plan: DemoSizePlan): DemoStep {
  const typePick = weightedIndexList(CONTENT_TYPES.map(([, w]) => w));
  return {
    name: 'dim_content',
    statements: [
      // Only creators post, and never with a session's first event (the app_open).
      `CREATE OR REPLACE TEMP TABLE demo_posts AS
       WITH ${eventsCte('is_creator')}
       SELECT *, row_number() OVER (ORDER BY created_at, content_id) AS ordinal FROM (
         SELECT 'p' || idx || '-' || j || '-' || e AS content_id, user_id AS creator_user_id, idx AS creator_idx, event_timestamp AS created_at
         FROM typed WHERE event_type = 'post_created'
         UNION ALL
         SELECT 'p0-' || b, authors[1 + floor(rnd(b, 0, 'bk.a') * len(authors))::INTEGER],
                author_idx[1 + floor(rnd(b, 0, 'bk.a') * len(authors))::INTEGER],
                TIMESTAMP '2023-12-01' + to_seconds(floor(rnd(b, 0, 'bk.t') * 31 * 86400)::BIGINT)
         FROM range(${plan.backlogPosts}) t(b),
              (SELECT list(user_id ORDER BY idx) AS authors, list(idx ORDER BY idx) AS author_idx
               FROM demo_users WHERE signup_date < DATE '2023-12-01')
       )`,
      // How many posts exist at a given instant, without an ASOF join over every event: the count before
      // each minute of the window, plus the posts of that minute (epoch ms) to compare with the instant.
      `CREATE OR REPLACE TEMP TABLE demo_post_minutes AS
       WITH per_minute AS (
         SELECT epoch_ms(created_at) // 60000 AS minute, count(*) AS n, list(epoch_ms(created_at)) AS times
         FROM demo_posts GROUP BY ALL
       )
       SELECT g.minute, pm.times,
              (b.n + coalesce(sum(pm.n) OVER (ORDER BY g.minute ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::BIGINT AS n_start
       FROM range(${WINDOW_START_MINUTE}, ${WINDOW_END_MINUTE}) g(minute)
       LEFT JOIN per_minute pm USING (minute)
       CROSS JOIN (SELECT count(*) AS n FROM demo_posts WHERE created_at < DATE '${WINDOW_START}'::TIMESTAMP) b`,
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
  };
}

/** One day range of events, then the sessions rolled up from them. */
function chunkStatements([first, last]: [string, string]): string[] {
  const inRange = (column: string) => `${column} BETWEEN DATE '${first}' AND DATE '${last}'`;
  return [
    // Views, reactions, comments and shares target a post that already existed, mostly a recent one.
    `INSERT INTO marts.fct_user_engagement
     WITH ${eventsCte(inRange('session_date'))}, located AS (
       -- Counting the posts of the minute is the costly part: CASE evaluates it only for events that need a target.
       SELECT t.*, CASE WHEN t.event_type NOT IN ('app_open', 'post_created')
                        THEN pm.n_start + coalesce(len(list_filter(pm.times, lambda x: x <= epoch_ms(t.event_timestamp))), 0) END AS n_before
       FROM typed t LEFT JOIN demo_post_minutes pm ON pm.minute = epoch_ms(t.event_timestamp) // 60000
     ), targeted AS (
       SELECT *, n_before - floor(n_before * pow(rnd(idx, k, 'e.post'), 3))::BIGINT AS target, rnd(idx, k, 'e.d') AS u_duration
       FROM located
     )
     SELECT 'e' || t.idx || '-' || t.j || '-' || t.e AS event_id, t.session_date AS event_date, t.event_timestamp, t.user_id,
            (t.idx * 10 + ${versionAt('t.event_timestamp', 't.')})::BIGINT AS user_key, t.session_id,
            CASE WHEN t.event_type = 'post_created' THEN 'p' || t.idx || '-' || t.j || '-' || t.e ELSE p.content_id END AS content_id,
            t.device_key, t.location_key, t.event_type,
            least(300.0, round(CASE t.event_type
                WHEN 'app_open' THEN 1 + t.u_duration * 4
                WHEN 'post_created' THEN 20 + (-ln(1.0 - t.u_duration) * (40.0))
                WHEN 'post_viewed' THEN 2 + (-ln(1.0 - t.u_duration) * (12.0))
                WHEN 'reaction' THEN 1 + t.u_duration * 2
                WHEN 'comment' THEN 8 + (-ln(1.0 - t.u_duration) * (25.0))
                ELSE 3 + t.u_duration * 8 END, 1)) AS engagement_duration_seconds,
            (CASE t.event_type WHEN 'app_open' THEN 0 WHEN 'reaction' THEN 1 + floor(rnd(t.idx, t.k, 'e.i') * 3) ELSE 1 END)::INTEGER AS interaction_count
     FROM targeted t
     LEFT JOIN demo_posts p ON p.ordinal = t.target
     ORDER BY t.session_date, t.idx, t.j, t.e`,
    `INSERT INTO marts.fct_user_sessions
     SELECT session_id, user_id, session_date, session_start, session_end,
            date_diff('millisecond', session_start, session_end) / 1000.0 AS session_duration_seconds,
            event_count, device_key, location_key
     FROM (
       SELECT session_id, any_value(user_id) AS user_id, any_value(event_date) AS session_date,
              min(event_timestamp) AS session_start,
              max(event_timestamp + to_milliseconds((engagement_duration_seconds * 1000)::BIGINT)) AS session_end,
              count(*)::INTEGER AS event_count, any_value(device_key) AS device_key, any_value(location_key) AS location_key
       FROM marts.fct_user_engagement WHERE ${inRange('event_date')} GROUP BY session_id
     )
     ORDER BY session_date, session_id`,
  ];
}

/** The posts, then the events inside sessions and the session facts rolled up from them, chunk by chunk. */
export function engagementSteps(plan: DemoSizePlan, eventsPerChunk?: number): DemoStep[] {
  const chunks = eventChunks(plan, eventsPerChunk);
  const create: DemoStep = {
    name: 'fct_user_engagement',
    statements: [
      `CREATE OR REPLACE TABLE marts.fct_user_engagement (event_id VARCHAR, event_date DATE, event_timestamp TIMESTAMP,
         user_id VARCHAR, user_key BIGINT, session_id VARCHAR, content_id VARCHAR, device_key INTEGER, location_key INTEGER,
         event_type VARCHAR, engagement_duration_seconds DOUBLE, interaction_count INTEGER)`,
      `CREATE OR REPLACE TABLE marts.fct_user_sessions (session_id VARCHAR, user_id VARCHAR, session_date DATE,
         session_start TIMESTAMP, session_end TIMESTAMP, session_duration_seconds DOUBLE, event_count INTEGER,
         device_key INTEGER, location_key INTEGER)`,
    ],
  };
  return [
    contentStep(plan),
    create,
    ...chunks.map((chunk, i) => ({ name: `fct_user_engagement ${i + 1}/${chunks.length}`, statements: chunkStatements(chunk) })),
  ];
}
